/* SPDX-License-Identifier: GPL-2.0-or-later
 * TLS for the stream transports (OpenSSL 3, TLS 1.2 minimum): the server
 * context with its default certificate and one context per SNI domain
 * (chosen in the servername callback), the client context (verifying
 * servers when configured), and non-blocking handshake/read/write on a
 * connection's socket. The contexts are built once before the workers
 * start and shared read-only by all of them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>
#include "net/tls.h"

struct sni_ctx {
	char *domain; /* "example.com" or "*.example.com" */
	SSL_CTX *ctx;
};

static struct {
	SSL_CTX *server, *client;
	struct sni_ctx *sni;
	unsigned nsni;
	bool verify_server;
} tls;

/* Writes "what: file: OpenSSL reason" into err. */
static int fail(char *err, size_t errlen, const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	if (err && errlen)
		snprintf(err, errlen, "%s: %s%s%s", what, file ? file : "",
			 *reason ? ": " : "", reason);
	return -EINVAL;
}

static SSL_CTX *ctx_base(bool server)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method()
					  : TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* A peer closing without close_notify is an ordinary EOF for SIP. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
				     SSL_OP_IGNORE_UNEXPECTED_EOF);
	return ctx;
}

/* Loads a certificate chain and its key, checking that they match. */
static int load_pair(SSL_CTX *ctx, const char *cert, const char *key,
		     char *err, size_t errlen)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return fail(err, errlen, "cannot load TLS certificate", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key ? key : cert,
					SSL_FILETYPE_PEM) != 1)
		return fail(err, errlen, "cannot load TLS key", key ? key : cert);
	if (SSL_CTX_check_private_key(ctx) != 1)
		return fail(err, errlen, "TLS key does not match its certificate",
			    key ? key : cert);
	return 0;
}

/* Client-certificate verification on a server context. */
static int server_verify(SSL_CTX *ctx, const struct tdm_stream_cfg *cfg,
			 char *err, size_t errlen)
{
	STACK_OF(X509_NAME) *names;

	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"tandem", 6);
	if (!cfg->tls_verify_client)
		return 0;
	if (!cfg->tls_ca) {
		snprintf(err, errlen, "tls_verify_client needs tls_ca");
		return -EINVAL;
	}
	if (SSL_CTX_load_verify_locations(ctx, cfg->tls_ca, NULL) != 1)
		return fail(err, errlen, "cannot load TLS CA file", cfg->tls_ca);
	names = SSL_load_client_CA_file(cfg->tls_ca);
	if (names)
		SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
					SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

/* Does name match the configured domain (exact, or "*.d" for one more
 * label), ASCII case-insensitively? */
static bool domain_match(const char *domain, const char *name)
{
	const char *dot;

	if (!strcasecmp(domain, name))
		return true;
	if (strncmp(domain, "*.", 2))
		return false;
	dot = strchr(name, '.');
	return dot && dot != name && !strcasecmp(dot + 1, domain + 2);
}

/* Servername callback (RFC 6066 §3): switches to the certificate of the
 * requested domain; unknown names and no SNI keep the default. */
static int sni_cb(SSL *ssl, int *al, void *arg)
{
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	(void)al;
	(void)arg;
	if (!name)
		return SSL_TLSEXT_ERR_OK;
	for (unsigned i = 0; i < tls.nsni; i++) {
		if (domain_match(tls.sni[i].domain, name)) {
			SSL_set_SSL_CTX(ssl, tls.sni[i].ctx);
			break;
		}
	}
	return SSL_TLSEXT_ERR_OK;
}

static int server_ctx(SSL_CTX **out, const char *cert, const char *key,
		      const struct tdm_stream_cfg *cfg, char *err,
		      size_t errlen)
{
	SSL_CTX *ctx = ctx_base(true);
	int e;

	if (!ctx)
		return fail(err, errlen, "cannot create TLS context", NULL);
	e = load_pair(ctx, cert, key, err, errlen);
	if (!e)
		e = server_verify(ctx, cfg, err, errlen);
	if (e) {
		SSL_CTX_free(ctx);
		return e;
	}
	*out = ctx;
	return 0;
}

static int client_ctx(const struct tdm_stream_cfg *cfg, char *err,
		      size_t errlen)
{
	int e;

	tls.client = ctx_base(false);
	if (!tls.client)
		return fail(err, errlen, "cannot create TLS context", NULL);
	/* Our certificate doubles as client certificate (mutual TLS
	 * between servers). */
	if (cfg->tls_cert) {
		e = load_pair(tls.client, cfg->tls_cert, cfg->tls_key, err,
			      errlen);
		if (e)
			return e;
	}
	tls.verify_server = cfg->tls_verify_server;
	if (!cfg->tls_verify_server)
		return 0;
	if (cfg->tls_ca ? SSL_CTX_load_verify_locations(tls.client, cfg->tls_ca,
							NULL) != 1
			: SSL_CTX_set_default_verify_paths(tls.client) != 1)
		return fail(err, errlen, "cannot load TLS CA file", cfg->tls_ca);
	SSL_CTX_set_verify(tls.client, SSL_VERIFY_PEER, NULL);
	return 0;
}

static int sni_ctxs(const struct tdm_stream_cfg *cfg, char *err, size_t errlen)
{
	int e;

	if (!cfg->nsni)
		return 0;
	tls.sni = tdm_calloc(cfg->nsni, sizeof(*tls.sni));
	if (!tls.sni)
		return -ENOMEM;
	for (unsigned i = 0; i < cfg->nsni; i++) {
		const struct tdm_stream_sni *s = &cfg->sni[i];

		if (!s->domain || !s->cert) {
			snprintf(err, errlen, "TLS SNI entry %u lacks a domain "
				 "or a certificate", i);
			return -EINVAL;
		}
		tls.sni[i].domain = tdm_strndup(s->domain, strlen(s->domain));
		if (!tls.sni[i].domain)
			return -ENOMEM;
		tls.nsni++;
		e = server_ctx(&tls.sni[i].ctx, s->cert, s->key, cfg, err,
			       errlen);
		if (e)
			return e;
	}
	return 0;
}

int tdm_tls_global_init(const struct tdm_stream_cfg *cfg, char *err,
			size_t errlen)
{
	int e = 0;

	ERR_clear_error();
	if (cfg->tls_cert)
		e = server_ctx(&tls.server, cfg->tls_cert, cfg->tls_key, cfg,
			       err, errlen);
	else if (cfg->nsni) {
		snprintf(err, errlen, "TLS SNI certificates need a default "
			 "tls_cert");
		e = -EINVAL;
	}
	if (!e)
		e = sni_ctxs(cfg, err, errlen);
	if (!e && tls.server)
		SSL_CTX_set_tlsext_servername_callback(tls.server, sni_cb);
	if (!e)
		e = client_ctx(cfg, err, errlen);
	if (e)
		tdm_tls_global_free();
	return e;
}

void tdm_tls_global_free(void)
{
	for (unsigned i = 0; i < tls.nsni; i++) {
		SSL_CTX_free(tls.sni[i].ctx);
		tdm_free(tls.sni[i].domain);
	}
	tdm_free(tls.sni);
	SSL_CTX_free(tls.server);
	SSL_CTX_free(tls.client);
	memset(&tls, 0, sizeof(tls));
}

bool tdm_tls_can_serve(void)
{
	return tls.server != NULL;
}

/* Client side: SNI and, when configured, the name (or IP) the server's
 * certificate must carry (RFC 5922 §7). */
static int client_setup(struct tdm_conn *c)
{
	char ip[TDM_ADDR_STRLEN];

	if (c->sni && *c->sni && !SSL_set_tlsext_host_name(c->ssl, c->sni))
		return -ENOMEM;
	if (!tls.verify_server)
		return 0;
	if (c->sni && *c->sni)
		return SSL_set1_host(c->ssl, c->sni) == 1 ? 0 : -ENOMEM;
	if (tdm_addr_format_ip(&c->peer, ip, sizeof(ip)) < 0)
		return -EINVAL;
	return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), ip) == 1
		       ? 0 : -EINVAL;
}

int tdm_tls_conn_new(struct tdm_conn *c, bool server)
{
	SSL_CTX *ctx = server ? tls.server : tls.client;
	int e;

	if (!ctx)
		return -EINVAL;
	c->ssl = SSL_new(ctx);
	if (!c->ssl)
		return -ENOMEM;
	if (SSL_set_fd(c->ssl, c->fd) != 1)
		return -ENOMEM;
	if (server) {
		SSL_set_accept_state(c->ssl);
		return 0;
	}
	SSL_set_connect_state(c->ssl);
	e = client_setup(c);
	return e;
}

void tdm_tls_conn_free(struct tdm_conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	c->ssl = NULL;
}

/* Maps an OpenSSL result to our convention; logs real failures. */
static long map(struct tdm_conn *c, int r, const char *op)
{
	int e = SSL_get_error(c->ssl, r);
	unsigned long q;
	char buf[256] = "";
	char peer[TDM_ADDR_STRLEN];

	switch (e) {
	case SSL_ERROR_WANT_READ:
		c->tls_want = TDM_LOOP_READ;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		c->tls_want = TDM_LOOP_WRITE;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		q = ERR_peek_error();
		ERR_clear_error();
		if (!q)
			return errno ? -errno : 0; /* EOF without close_notify */
		break;
	default:
		break;
	}
	q = ERR_get_error();
	if (q)
		ERR_error_string_n(q, buf, sizeof(buf));
	ERR_clear_error();
	if (TDM_LOG_ENABLED(&tdm_log_stream, TDM_LOG_INFO)) {
		tdm_addr_format(&c->peer, peer, sizeof(peer));
		tdm_log_pairs(&tdm_log_stream, TDM_LOG_INFO, "TLS failure",
			      "op", op, "peer", peer, "reason", buf, NULL);
	}
	return -EPROTO;
}

int tdm_tls_handshake(struct tdm_conn *c)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->tls_want = 0;
		return 0;
	}
	r = (int)map(c, r, "handshake");
	return r == -EAGAIN ? r : -EPROTO;
}

long tdm_tls_read(struct tdm_conn *c, void *buf, size_t len)
{
	size_t n = 0;
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_read_ex(c->ssl, buf, len, &n);
	if (r == 1) {
		c->tls_want = 0;
		return (long)n;
	}
	return map(c, 0, "read");
}

long tdm_tls_write(struct tdm_conn *c, const void *buf, size_t len)
{
	size_t n = 0;
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_write_ex(c->ssl, buf, len, &n);
	if (r == 1) {
		c->tls_want = 0;
		return (long)n;
	}
	r = (int)map(c, 0, "write");
	return r == 0 ? -EPIPE : r;
}

bool tdm_tls_pending(struct tdm_conn *c)
{
	return c->ssl && SSL_pending(c->ssl) > 0;
}
