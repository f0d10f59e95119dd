/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers for the stream transport tests (see test_stream_util.h).
 * Certificates are generated with the OpenSSL API at test time, so no
 * key material is committed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "test_stream_util.h"

/* ---- Certificates ---------------------------------------------------------*/

static char cert_dir[64];
static struct ts_certs certs;
static bool certs_ok;

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, val);
	if (e) {
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
}

/* A certificate for cn signed by (ca, cakey), or self-signed when ca is
 * NULL; valid 100 years. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *ca, EVP_PKEY *cakey,
		       bool is_ca, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n;
	char san[128];

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 100L * 365 * 24 * 3600);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n);
	if (is_ca) {
		add_ext(x, ca ? ca : x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, ca ? ca : x, NID_key_usage,
			"critical,keyCertSign,cRLSign");
	} else {
		snprintf(san, sizeof(san), "DNS:%s,IP:127.0.0.1,IP:::1", cn);
		add_ext(x, ca, NID_subject_alt_name, san);
	}
	X509_sign(x, cakey ? cakey : key, EVP_sha256());
	return x;
}

static bool write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = x ? PEM_write_X509(f, x) == 1
	       : PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
	return fclose(f) == 0 && ok;
}

static bool leaf(const char *cn, X509 *ca, EVP_PKEY *cakey, char *certp,
		 char *keyp, const char *stem, long serial)
{
	EVP_PKEY *k = new_key();
	X509 *x = make_cert(cn, k, ca, cakey, false, serial);
	bool ok;

	snprintf(certp, 256, "%s/%s.crt", cert_dir, stem);
	snprintf(keyp, 256, "%s/%s.key", cert_dir, stem);
	ok = k && x && write_pem(certp, x, NULL) && write_pem(keyp, NULL, k);
	X509_free(x);
	EVP_PKEY_free(k);
	return ok;
}

static void remove_certs(void)
{
	const char *files[] = { certs.ca, certs.def_cert, certs.def_key,
				certs.a_cert, certs.a_key, certs.b_cert,
				certs.b_key, certs.cli_cert, certs.cli_key };

	if (!*cert_dir)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		if (*files[i])
			unlink(files[i]);
	rmdir(cert_dir);
	*cert_dir = '\0';
}

const struct ts_certs *ts_certs(void)
{
	EVP_PKEY *cakey;
	X509 *ca;
	bool ok;

	if (certs_ok)
		return &certs;
	snprintf(cert_dir, sizeof(cert_dir), "/tmp/tdm-stream-certs.XXXXXX");
	if (!mkdtemp(cert_dir))
		return NULL;
	atexit(remove_certs);
	cakey = new_key();
	ca = make_cert("Tandem Test CA", cakey, NULL, NULL, true, 1);
	snprintf(certs.ca, sizeof(certs.ca), "%s/ca.crt", cert_dir);
	ok = cakey && ca && write_pem(certs.ca, ca, NULL) &&
	     leaf("default.test", ca, cakey, certs.def_cert, certs.def_key,
		  "default", 2) &&
	     leaf("a.example", ca, cakey, certs.a_cert, certs.a_key, "a", 3) &&
	     leaf("b.example", ca, cakey, certs.b_cert, certs.b_key, "b", 4) &&
	     leaf("client.test", ca, cakey, certs.cli_cert, certs.cli_key,
		  "client", 5);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	certs_ok = ok;
	return ok ? &certs : NULL;
}

/* ---- Sinks ----------------------------------------------------------------*/

void ts_deliver(void *arg, const char *data, size_t len,
		const struct tdm_rcv *rcv)
{
	struct ts_sink *k = arg;

	pthread_mutex_lock(&k->lock);
	if (k->n < 16) {
		struct ts_msg *m = &k->msgs[k->n];

		m->len = len < sizeof(m->data) - 1 ? len : sizeof(m->data) - 1;
		memcpy(m->data, data, m->len);
		m->data[m->len] = '\0';
		m->rcv = *rcv;
	}
	k->n++;
	pthread_mutex_unlock(&k->lock);
}

int ts_sink_count(struct ts_sink *k)
{
	int n;

	pthread_mutex_lock(&k->lock);
	n = k->n;
	pthread_mutex_unlock(&k->lock);
	return n;
}

void ts_on_fail(void *arg, uint64_t cookie, int err)
{
	struct ts_fails *f = arg;

	f->cookie = cookie;
	f->err = err;
	f->n++;
}

int ts_srv_open(struct ts_srv *v, struct tdm_loop *loop, unsigned worker,
		enum tdm_proto p, const char *ip)
{
	char txt[64];
	struct tdm_str in;
	struct tdm_addr a;
	int err;

	snprintf(txt, sizeof(txt), "%s:0", ip);
	in = (struct tdm_str){ txt, strlen(txt) };
	err = tdm_addr_parse(&a, &in, NULL);
	if (err)
		return err;
	return ts_srv_open_addr(v, loop, worker, p, &a);
}

int ts_srv_open_addr(struct ts_srv *v, struct tdm_loop *loop, unsigned worker,
		     enum tdm_proto p, const struct tdm_addr *a)
{
	int err;

	/* OpenSSL writes with write(2): a peer gone mid-write must not kill
	 * the test (tandemd ignores SIGPIPE the same way, core/node/node.c). */
	signal(SIGPIPE, SIG_IGN);
	memset(v, 0, sizeof(*v));
	pthread_mutex_init(&v->sink.lock, NULL);
	v->l.proto = p;
	v->l.addr = *a;
	err = tdm_streams_new(&v->s, loop, worker, ts_deliver, &v->sink);
	if (err)
		return err;
	tdm_streams_on_fail(v->s, ts_on_fail, &v->fails);
	err = tdm_streams_listen(v->s, &v->l);
	if (!err)
		err = tdm_streams_bound(v->s, &v->l, &v->bound);
	return err;
}

void ts_srv_close(struct ts_srv *v)
{
	tdm_streams_free(v->s);
	v->s = NULL;
	pthread_mutex_destroy(&v->sink.lock);
}

/* ---- Loop driving ---------------------------------------------------------*/

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool ts_run_until(struct tdm_loop *l, bool (*cond)(void *), void *arg)
{
	long long end = now_ms() + TS_GUARD_MS;

	while (!cond(arg)) {
		if (now_ms() > end)
			return false;
		tdm_loop_run_once(l, 10);
	}
	return true;
}

void ts_spin(struct tdm_loop *l, int n)
{
	while (n-- > 0)
		tdm_loop_run_once(l, 5);
}

void ts_drain(struct tdm_loop *l)
{
	for (int i = 0; i < 4; i++)
		tdm_loop_run_once(l, 0);
}

/* ---- Raw clients -----------------------------------------------------------*/

int ts_connect(const struct tdm_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len)) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

bool ts_send(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t r = send(fd, c, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EAGAIN) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			poll(&pf, 1, 100);
			continue;
		}
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

long ts_read_until(struct tdm_loop *l, int fd, char *buf, size_t cap,
		   const char *needle)
{
	long long end = now_ms() + TS_GUARD_MS;
	size_t len = 0;

	buf[0] = '\0';
	while (now_ms() < end) {
		ssize_t r = recv(fd, buf + len, cap - 1 - len, 0);

		if (r > 0) {
			len += (size_t)r;
			buf[len] = '\0';
			if (!needle || memmem(buf, len, needle, strlen(needle)))
				return (long)len;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if (l) {
			tdm_loop_run_once(l, 5);
		} else {
			struct pollfd pf = { .fd = fd, .events = POLLIN };

			poll(&pf, 1, 10);
		}
	}
	return -1;
}

bool ts_wait_closed(struct tdm_loop *l, int fd)
{
	long long end = now_ms() + TS_GUARD_MS;
	char b[512];

	while (now_ms() < end) {
		ssize_t r = recv(fd, b, sizeof(b), 0);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return true;
		if (r < 0)
			tdm_loop_run_once(l, 10);
	}
	return false;
}

/* ---- TLS clients -----------------------------------------------------------*/

SSL *ts_tls_connect(struct tdm_loop *l, const struct tdm_addr *a,
		    SSL_CTX *ctx, const char *sni)
{
	long long end = now_ms() + TS_GUARD_MS;
	SSL_CTX *own = NULL;
	SSL *ssl;
	int fd = ts_connect(a), r;

	if (fd < 0)
		return NULL;
	if (!ctx) {
		own = ctx = SSL_CTX_new(TLS_client_method());
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	}
	ssl = SSL_new(ctx);
	SSL_CTX_free(own); /* the SSL keeps its reference */
	SSL_set_fd(ssl, fd);
	if (sni)
		SSL_set_tlsext_host_name(ssl, sni);
	while (now_ms() < end) {
		ERR_clear_error();
		r = SSL_connect(ssl);
		if (r == 1)
			return ssl;
		r = SSL_get_error(ssl, r);
		if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE)
			break;
		tdm_loop_run_once(l, 5);
	}
	ERR_clear_error();
	ts_tls_close(ssl);
	return NULL;
}

bool ts_tls_send(struct tdm_loop *l, SSL *ssl, const void *p, size_t n)
{
	long long end = now_ms() + TS_GUARD_MS;
	size_t w;

	while (now_ms() < end) {
		int r = SSL_write_ex(ssl, p, n, &w);

		if (r == 1)
			return true;
		r = SSL_get_error(ssl, 0);
		if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE)
			return false;
		tdm_loop_run_once(l, 5);
	}
	return false;
}

long ts_tls_read_until(struct tdm_loop *l, SSL *ssl, char *buf, size_t cap,
		       const char *needle)
{
	long long end = now_ms() + TS_GUARD_MS;
	size_t len = 0, n;

	buf[0] = '\0';
	while (now_ms() < end) {
		int r;

		ERR_clear_error();
		r = SSL_read_ex(ssl, buf + len, cap - 1 - len, &n);
		if (r == 1) {
			len += n;
			buf[len] = '\0';
			if (!needle || strstr(buf, needle))
				return (long)len;
			continue;
		}
		r = SSL_get_error(ssl, 0);
		if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE) {
			ERR_clear_error();
			return -1;
		}
		tdm_loop_run_once(l, 5);
	}
	return -1;
}

void ts_tls_close(SSL *ssl)
{
	int fd;

	if (!ssl)
		return;
	fd = SSL_get_fd(ssl);
	SSL_free(ssl);
	close(fd);
}

const char *ts_tls_peer_cn(SSL *ssl)
{
	static char cn[128];
	X509 *x = SSL_get1_peer_certificate(ssl);

	cn[0] = '\0';
	if (x) {
		X509_NAME_get_text_by_NID(X509_get_subject_name(x),
					  NID_commonName, cn, sizeof(cn));
		X509_free(x);
	}
	return cn;
}

size_t ts_sip(char *buf, size_t cap, const char *method, const char *body)
{
	int n = snprintf(buf, cap,
			 "%s sip:bob@example.com SIP/2.0\r\n"
			 "Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n"
			 "Call-ID: abc\r\nCSeq: 1 %s\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 method, method, strlen(body), body);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

struct count_arg {
	struct ts_sink *k;
	int n;
};

static bool got_n(void *arg)
{
	struct count_arg *c = arg;

	return ts_sink_count(c->k) >= c->n;
}

bool ts_wait_msgs(struct tdm_loop *loop, struct ts_srv *v, int n)
{
	struct count_arg c = { &v->sink, n };

	return ts_run_until(loop, got_n, &c);
}

void ts_teardown(struct tdm_loop **loop, struct ts_srv *a, struct ts_srv *b)
{
	ts_drain(*loop);
	if (a)
		ts_srv_close(a);
	if (b)
		ts_srv_close(b);
	ts_drain(*loop);
	tdm_loop_free(*loop);
	*loop = NULL;
	tdm_stream_global_free();
}
