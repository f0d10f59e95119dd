/* SPDX-License-Identifier: GPL-2.0-or-later
 * modules/http: answering requests. libmicrohttpd runs each daemon on
 * its own pool of threads with internal polling: connections are read
 * without blocking, so a client that trickles or stalls only holds its
 * own connection (until `timeout`), and a slow command only holds the
 * thread that runs it. Bodies are accumulated here, bounded by max_body.
 *
 * Routes (docs/admin-api.md): POST /rpc -> tdm_rpc_handle(), GET /metrics
 * -> tdm_stats_prometheus(), GET /health -> tdm_node_state(). */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http.h"

/* Per-connection memory of libmicrohttpd: request line and headers must
 * fit (the body is accumulated in our own buffer). */
#define HTTP_CONN_MEMORY (64 * 1024)
/* A body without Content-Length that grows past max_body is read on and
 * dropped, to answer 413 at its end; this much more, and the connection
 * is closed without an answer. */
#define HTTP_DISCARD_MAX ((size_t)16 << 20)

/* The daemons' closures: which kind of socket a request came in on. */
static const bool kind_tcp = false, kind_unix = true;

/* One request being read (libmicrohttpd's per-request pointer). */
struct http_req {
	struct tdm_buf body;  /* POST /rpc body so far */
	bool too_big;         /* over max_body: the rest is discarded */
	size_t discarded;     /* bytes of body dropped since */
	bool answered;        /* a response is queued */
	char caller[TDM_ADDR_STRLEN]; /* "127.0.0.1:40312" or "unix" */
};

/* ---- Statistics ---------------------------------------------------------- */

static const unsigned stat_codes[] = { 200, 204, 401, 404, 405, 413, 500, 503 };
#define NCODES (sizeof(stat_codes) / sizeof(stat_codes[0]))
static atomic_ulong stat_count[NCODES + 1]; /* last: any other code */

static void count_code(unsigned code)
{
	unsigned i;

	for (i = 0; i < NCODES && stat_codes[i] != code; i++)
		;
	atomic_fetch_add_explicit(&stat_count[i], 1, memory_order_relaxed);
}

static void read_requests(struct tdm_stat_out *o)
{
	char code[8];

	for (unsigned i = 0; i < NCODES; i++) {
		snprintf(code, sizeof(code), "%u", stat_codes[i]);
		tdm_stat_sample(o, (double)atomic_load(&stat_count[i]), "code", code,
				NULL);
	}
	tdm_stat_sample(o, (double)atomic_load(&stat_count[NCODES]), "code",
			"other", NULL);
}

const struct tdm_stat_def http_stats[] = {
	{ "http_requests_total", TDM_STAT_COUNTER,
	  "Admin API requests answered, by HTTP status", .read = read_requests },
	TDM_STAT_END
};

/* ---- Answers --------------------------------------------------------------- */

/* Queues a response of `code` with `body` (len bytes) and logs it.
 * owned: body is tdm_malloc'ed and freed by libmicrohttpd once sent (or
 * here on failure); else it is static. extra_name/extra_value: one more
 * header (Allow, WWW-Authenticate) or NULL. */
static enum MHD_Result answer(struct MHD_Connection *c, struct http_req *q,
			      const char *method, const char *url,
			      unsigned code, const char *ctype, void *body,
			      size_t len, bool owned, const char *extra_name,
			      const char *extra_value)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	struct tdm_log_rec r;

	if (owned && body)
		resp = MHD_create_response_from_buffer_with_free_callback(len, body,
									  tdm_free);
	else
		resp = MHD_create_response_from_buffer(len, body ? body : (void *)"",
						       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (owned)
			tdm_free(body);
		TDM_LOGW(&http_log, "out of memory answering %s %s from %s",
			 method, url, q->caller);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (extra_name)
		MHD_add_response_header(resp, extra_name, extra_value);
	rc = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	if (rc != MHD_YES) {
		TDM_LOGW(&http_log, "cannot queue the %u answer to %s %s from %s",
			 code, method, url, q->caller);
		return MHD_NO;
	}
	q->answered = true;
	count_code(code);
	if (tdm_log_begin(&r, &http_log, code >= 500 ? TDM_LOG_WARN : TDM_LOG_DEBUG,
			  "request")) {
		tdm_log_cstr(&r, "method", method);
		tdm_log_cstr(&r, "path", url);
		tdm_log_int(&r, "status", code);
		tdm_log_cstr(&r, "caller", q->caller);
		tdm_log_end(&r);
	}
	return MHD_YES;
}

#define JSON "application/json"

/* A small static JSON body: answer_json(c, q, m, u, 404, "{...}", NULL, NULL). */
static enum MHD_Result answer_json(struct MHD_Connection *c, struct http_req *q,
				   const char *method, const char *url,
				   unsigned code, const char *json,
				   const char *extra_name, const char *extra_value)
{
	return answer(c, q, method, url, code, JSON, (void *)json, strlen(json),
		      false, extra_name, extra_value);
}

/* ---- The token ------------------------------------------------------------- */

/* Equal strings, in a time that depends only on the length of `got`
 * (the token is not leaked byte by byte). tok is not empty. */
static bool token_eq(const char *got, size_t glen, const char *tok)
{
	size_t tlen = strlen(tok);
	volatile unsigned char d = glen != tlen;

	for (size_t i = 0; i < glen; i++)
		d |= (unsigned char)got[i] ^ (unsigned char)tok[i % tlen];
	return d == 0;
}

/* True when the request carries "Authorization: Bearer <token>". */
static bool authorized(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	size_t len;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ' || *h == '\t')
		h++;
	len = strlen(h);
	while (len && (h[len - 1] == ' ' || h[len - 1] == '\t'))
		len--;
	return token_eq(h, len, http_token);
}

/* ---- Routes ------------------------------------------------------------------ */

static enum MHD_Result get_health(struct MHD_Connection *c, struct http_req *q,
				  const char *method, const char *url)
{
	switch (tdm_node_state()) {
	case TDM_NODE_RUNNING:
		return answer_json(c, q, method, url, 200, "{\"status\":\"ok\"}",
				   NULL, NULL);
	case TDM_NODE_STARTING:
		return answer_json(c, q, method, url, 503,
				   "{\"status\":\"starting\"}", NULL, NULL);
	default:
		return answer_json(c, q, method, url, 503,
				   "{\"status\":\"stopping\"}", NULL, NULL);
	}
}

static enum MHD_Result get_metrics(struct MHD_Connection *c, struct http_req *q,
				   const char *method, const char *url)
{
	struct tdm_buf b = TDM_BUF_INIT;
	int rc = tdm_stats_prometheus(&b);

	if (rc == -ESHUTDOWN) { /* the node is unloading its modules */
		tdm_buf_free(&b);
		return answer_json(c, q, method, url, 503, "{\"status\":\"stopping\"}",
				   NULL, NULL);
	}
	if (rc < 0 || b.err) {
		tdm_buf_free(&b);
		return answer_json(c, q, method, url, 500,
				   "{\"error\":\"cannot render the statistics\"}",
				   NULL, NULL);
	}
	return answer(c, q, method, url, 200,
		      "text/plain; version=0.0.4; charset=utf-8", b.data, b.len,
		      true, NULL, NULL);
}

/* The whole body is in: hand it to the dispatcher. */
static enum MHD_Result post_rpc(struct MHD_Connection *c, struct http_req *q,
				const char *method, const char *url)
{
	char *out = NULL;
	size_t outlen = 0;
	int rc;

	rc = tdm_rpc_handle(q->body.data ? q->body.data : "", q->body.len,
			    q->caller, &out, &outlen);
	tdm_buf_free(&q->body);
	if (rc < 0) {
		tdm_free(out);
		TDM_LOGW(&http_log, "rpc from %s: %s", q->caller, tdm_strerror(rc));
		return answer_json(c, q, method, url, 500,
				   "{\"error\":\"internal error\"}", NULL, NULL);
	}
	if (!out)
		return answer(c, q, method, url, 204, JSON, NULL, 0, false, NULL, NULL);
	return answer(c, q, method, url, 200, JSON, out, outlen, true, NULL, NULL);
}

static const char too_large[] = "{\"error\":\"request body too large\"}";

/* First call of a request (headers read, body not yet): everything that
 * can be answered from the headers is answered here. Returns MHD_YES
 * without an answer only for POST /rpc, whose body comes next. */
static enum MHD_Result on_headers(struct MHD_Connection *c, struct http_req *q,
				  bool is_unix, const char *url,
				  const char *method)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	const char *cl;

	if (!is_unix && http_token && !authorized(c))
		return answer_json(c, q, method, url, 401,
				   "{\"error\":\"unauthorized: send Authorization: Bearer TOKEN\"}",
				   MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				   "Bearer realm=\"tandem\"");
	if (strcmp(url, "/rpc") == 0) {
		if (strcmp(method, "POST") != 0)
			return answer_json(c, q, method, url, 405,
					   "{\"error\":\"method not allowed: use POST\"}",
					   MHD_HTTP_HEADER_ALLOW, "POST");
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > (unsigned long long)http_cfg.max_body)
			return answer_json(c, q, method, url, 413, too_large, NULL, NULL);
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") == 0 || strcmp(url, "/health") == 0) {
		if (!get)
			return answer_json(c, q, method, url, 405,
					   "{\"error\":\"method not allowed: use GET\"}",
					   MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return url[1] == 'm' ? get_metrics(c, q, method, url)
				     : get_health(c, q, method, url);
	}
	return answer_json(c, q, method, url, 404, "{\"error\":\"not found\"}",
			   NULL, NULL);
}

/* The client's address for logs and the dispatcher. */
static void set_caller(struct MHD_Connection *c, struct http_req *q, bool is_unix)
{
	const union MHD_ConnectionInfo *ci;
	struct tdm_addr a;

	snprintf(q->caller, sizeof(q->caller), "%s", is_unix ? "unix" : "?");
	if (is_unix)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	if (tdm_addr_from_sockaddr(&a, ci->client_addr,
				   ci->client_addr->sa_family == AF_INET6
					   ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in)) == 0)
		tdm_addr_format(&a, q->caller, sizeof(q->caller));
}

/* libmicrohttpd's access handler: called once when the headers are in,
 * once per piece of body, and once more when the body is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	bool is_unix = *(const bool *)cls;
	struct http_req *q = *con_cls;

	(void)version;
	if (!q) {
		q = tdm_calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*con_cls = q;
		set_caller(c, q, is_unix);
		return on_headers(c, q, is_unix, url, method);
	}
	if (q->answered) { /* answered early: the rest is not read */
		*size = 0;
		return MHD_YES;
	}
	if (*size) {
		if (!q->too_big && q->body.len + *size > (size_t)http_cfg.max_body) {
			/* chunked: no Content-Length said so before */
			q->too_big = true;
			tdm_buf_free(&q->body);
		}
		if (q->too_big) {
			/* libmicrohttpd 0.9.75 cannot answer in the middle of a
			 * body: the rest is read and dropped, 413 at its end;
			 * past HTTP_DISCARD_MAX the connection is closed */
			q->discarded += *size;
			*size = 0;
			return q->discarded > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		if (tdm_buf_append(&q->body, data, *size) < 0) {
			*size = 0;
			return MHD_NO; /* out of memory: drop the connection */
		}
		*size = 0;
		return MHD_YES;
	}
	if (q->too_big)
		return answer_json(c, q, method, url, 413, too_large, NULL, NULL);
	return post_rpc(c, q, method, url);
}

/* libmicrohttpd's end of a request (answered, timed out or dropped). */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_req *q = *con_cls;

	(void)cls;
	(void)c;
	if (!q)
		return;
	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		TDM_LOGD(&http_log, "%s timed out", q->caller);
	tdm_buf_free(&q->body);
	tdm_free(q);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages, into our log: what clients cause
 * (hang-ups, malformed requests) at debug, everything else at warn. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	static const char *const client_noise[] = {
		"closed by remote side", "incomplete request", "Error processing request",
		"Failed to receive", "Failed to send", "reset by peer",
		"detected connection closure",
	};
	int level = TDM_LOG_WARN;
	char line[512];
	int n;

	(void)cls;
	if (!TDM_LOG_ENABLED(&http_log, TDM_LOG_WARN))
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	for (size_t i = 0; i < sizeof(client_noise) / sizeof(client_noise[0]); i++)
		if (strstr(line, client_noise[i]))
			level = TDM_LOG_DEBUG;
	TDM_LOG(&http_log, level, "libmicrohttpd: %s", line);
}

void *http_serve_start(int fd, bool is_unix)
{
	struct MHD_Daemon *d;
	unsigned int pool = (unsigned int)http_cfg.threads;

	d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		on_request, (void *)(is_unix ? &kind_unix : &kind_tcp),
		/* first, so that start-up messages come here too */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		/* a pool of 1 is one internal thread */
		MHD_OPTION_THREAD_POOL_SIZE, pool > 1 ? pool : 0u,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)http_cfg.timeout,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)http_cfg.max_connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (!d)
		TDM_LOGE(&http_log, "cannot start the HTTP server on the %s socket",
			 is_unix ? "Unix" : "TCP");
	return d;
}

void http_serve_stop(void *daemon)
{
	if (daemon)
		MHD_stop_daemon(daemon);
}
