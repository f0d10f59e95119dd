/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/net/ws*.c and their tests: the pieces of the WebSocket
 * codec below the API of net/ws.h, exposed so the tests can build frames
 * the public encoder refuses to (fragments, fixed masking keys, invalid
 * frames) and check the UTF-8 validator directly. */
#ifndef TDM_NET_WS_IMPL_H
#define TDM_NET_WS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/buf.h>

/* Appends one frame with opcode op (any 4-bit value), FIN as given,
 * masked with key when key is not NULL. No protocol checks at all: a raw
 * seam for tests and for senders that fragment. 0 or -ENOMEM; on error
 * out is unchanged apart from its sticky error. */
int tdm_ws_encode_frame(struct tdm_buf *out, unsigned op, bool fin,
			const void *data, size_t len, const uint8_t *key);

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF, no truncated sequence at the end. */
bool tdm_ws_utf8_valid(const void *data, size_t len);

/* True for the close codes a peer may send (RFC 6455 §7.4: 1000-1003,
 * 1007-1014, 3000-4999). */
bool tdm_ws_close_code_valid(unsigned code);

/* base64(SHA-1(key + RFC 6455 GUID)) of a 24-char key into out (28 chars
 * and a NUL). 0, or -EIO when libcrypto fails. */
int tdm_ws_accept_value(const char *key, size_t len, char out[32]);

#endif
