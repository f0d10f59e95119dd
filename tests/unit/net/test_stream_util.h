/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers for the stream transport tests: test certificates made with
 * the OpenSSL API into a temporary directory, a server fixture (loop +
 * worker streams listening on loopback), raw and TLS clients, and
 * "run the loop until X" with a generous hang guard (never a timing
 * assertion). */
#ifndef TDM_TEST_STREAM_UTIL_H
#define TDM_TEST_STREAM_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <openssl/ssl.h>
#include <tandem/loop.h>
#include "net/stream.h"

#define TS_GUARD_MS 15000 /* hang guard only */

/* PEM files: a CA, server certificates for default.test, a.example and
 * b.example, and a client certificate, all signed by the CA. */
struct ts_certs {
	char ca[256];
	char def_cert[256], def_key[256];
	char a_cert[256], a_key[256];
	char b_cert[256], b_key[256];
	char cli_cert[256], cli_key[256];
};
/* Made once per process; removed at exit. NULL on failure. */
const struct ts_certs *ts_certs(void);

/* Received messages (thread-safe). */
struct ts_msg {
	char data[2048];
	size_t len;
	struct tdm_rcv rcv;
};
struct ts_sink {
	pthread_mutex_t lock;
	struct ts_msg msgs[16];
	int n;
};
void ts_deliver(void *arg, const char *data, size_t len,
		const struct tdm_rcv *rcv);
int ts_sink_count(struct ts_sink *k);

/* Failed sends. */
struct ts_fails {
	uint64_t cookie;
	int err;
	int n;
};
void ts_on_fail(void *arg, uint64_t cookie, int err);

/* A worker listening on ip ("127.0.0.1" or "[::1]") port 0. */
struct ts_srv {
	struct tdm_streams *s;
	struct tdm_listen l;
	struct tdm_addr bound;
	struct ts_sink sink;
	struct ts_fails fails;
};
int ts_srv_open(struct ts_srv *v, struct tdm_loop *loop, unsigned worker,
		enum tdm_proto p, const char *ip);
/* The same on a given address (a second worker on the first's port). */
int ts_srv_open_addr(struct ts_srv *v, struct tdm_loop *loop, unsigned worker,
		     enum tdm_proto p, const struct tdm_addr *a);
void ts_srv_close(struct ts_srv *v);
/* Runs the loop until v's sink has received n messages (bounded). */
bool ts_wait_msgs(struct tdm_loop *loop, struct ts_srv *v, int n);
/* Closes a and b (either may be NULL), drains and frees *loop, and ends
 * the stream layer: the end of every stream test. */
void ts_teardown(struct tdm_loop **loop, struct ts_srv *a, struct ts_srv *b);

/* Runs the loop until cond(arg) holds or the guard expires; returns the
 * final cond. */
bool ts_run_until(struct tdm_loop *l, bool (*cond)(void *), void *arg);
/* Runs the loop for n short iterations. */
void ts_spin(struct tdm_loop *l, int n);
/* Drains deferred and posted work (before freeing). */
void ts_drain(struct tdm_loop *l);

/* Plain TCP client connected to a (blocking connect, then non-blocking). */
int ts_connect(const struct tdm_addr *a);
bool ts_send(int fd, const void *p, size_t n);
/* Reads into buf (NUL-terminated) while running the loop until needle
 * appears (NULL: any byte); l NULL: just wait (the loop runs in another
 * thread). Returns bytes read, or -1 on EOF/error
 * before that. */
long ts_read_until(struct tdm_loop *l, int fd, char *buf, size_t cap,
		   const char *needle);
/* Runs the loop until the peer closed fd (read returns 0 or an error). */
bool ts_wait_closed(struct tdm_loop *l, int fd);

/* TLS client over a fresh TCP connection to a, handshake driven while
 * the loop runs. ctx NULL: a default client context (TLS 1.2+, no
 * verification). Returns NULL when the handshake failed. */
SSL *ts_tls_connect(struct tdm_loop *l, const struct tdm_addr *a,
		    SSL_CTX *ctx, const char *sni);
bool ts_tls_send(struct tdm_loop *l, SSL *ssl, const void *p, size_t n);
long ts_tls_read_until(struct tdm_loop *l, SSL *ssl, char *buf, size_t cap,
		       const char *needle);
void ts_tls_close(SSL *ssl);
/* The subject CN of the server's certificate (static buffer). */
const char *ts_tls_peer_cn(SSL *ssl);

/* A small SIP request with Content-Length. */
size_t ts_sip(char *buf, size_t cap, const char *method, const char *body);

#endif
