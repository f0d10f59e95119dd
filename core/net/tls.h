/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to the stream transports: OpenSSL 3 contexts (server with a
 * certificate per SNI name, client), and the TLS half of a connection's
 * I/O. Functions follow the conventions of conn.c's plain socket I/O:
 * byte counts, 0 for EOF, -EAGAIN with c->tls_want saying which
 * direction OpenSSL waits for, or another -errno. */
#ifndef TDM_NET_TLS_H
#define TDM_NET_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include "net/conn.h"

/* Loads certificates and keys (errors name the file) and builds the
 * contexts. Without cfg->tls_cert there is no server context: listening
 * on tls/wss then fails. */
int tdm_tls_global_init(const struct tdm_stream_cfg *cfg, char *err,
			size_t errlen);
void tdm_tls_global_free(void);
bool tdm_tls_can_serve(void);

/* Attaches an SSL object to c (server side for accepted connections;
 * client side presents c->sni and verifies the server when configured). */
int tdm_tls_conn_new(struct tdm_conn *c, bool server);
void tdm_tls_conn_free(struct tdm_conn *c);
/* 0 when complete, -EAGAIN, -EPROTO on failure (logged). */
int tdm_tls_handshake(struct tdm_conn *c);
long tdm_tls_read(struct tdm_conn *c, void *buf, size_t len);
long tdm_tls_write(struct tdm_conn *c, const void *buf, size_t len);
/* Decrypted bytes already inside OpenSSL. */
bool tdm_tls_pending(struct tdm_conn *c);

#endif
