/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the WebSocket protocol (RFC 6455) as SIP over
 * WebSocket needs it (RFC 7118): the server side of the opening handshake
 * (an HTTP/1.1 Upgrade request with Sec-WebSocket-Protocol: sip), the
 * client side for connections we open, and frame decoding/encoding.
 * A pure codec: no sockets, no loop; the stream transport feeds it bytes
 * and sends what it produces. */
#ifndef TDM_NET_WS_H
#define TDM_NET_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/buf.h>

/* ---- Opening handshake --------------------------------------------------*/

/* Looks at buf[0..len), the bytes received so far on a new server-side
 * connection. Returns:
 *   > 0       the length of a complete, valid Upgrade request; *resp gets
 *             the 101 Switching Protocols response to send (with
 *             Sec-WebSocket-Accept and Sec-WebSocket-Protocol: sip);
 *   -EAGAIN   incomplete (no blank line yet, and under max bytes);
 *   -EMSGSIZE the request is longer than max;
 *   -EBADMSG  not a valid WebSocket upgrade (wrong method, missing or bad
 *             Upgrade/Connection/Sec-WebSocket-Key/-Version headers, or no
 *             "sip" among the offered subprotocols): *resp gets the HTTP
 *             error response to send before closing (400 Bad Request, 426
 *             with Sec-WebSocket-Version: 13 for a wrong version) and
 *             *why a short static reason.
 * The request may be followed by frames in the same buffer. */
long tdm_ws_accept(const char *buf, size_t len, size_t max,
		   struct tdm_buf *resp, const char **why);

/* Client side: writes the Upgrade request for host/path with a random
 * key into out, and keeps the expected accept value in key_out (a
 * NUL-terminated base64 string of 28 chars). 0 or -ENOMEM. */
int tdm_ws_connect_request(const char *host, const char *path,
			   struct tdm_buf *out, char key_out[32]);
/* Checks the server's answer as tdm_ws_accept() checks the request:
 * > 0 length of a valid 101 response, -EAGAIN, -EMSGSIZE, -EBADMSG. */
long tdm_ws_connect_response(const char *buf, size_t len, size_t max,
			     const char key[32], const char **why);

/* ---- Frames ---------------------------------------------------------------*/

enum tdm_ws_op {
	TDM_WS_CONT = 0x0,
	TDM_WS_TEXT = 0x1,
	TDM_WS_BINARY = 0x2,
	TDM_WS_CLOSE = 0x8,
	TDM_WS_PING = 0x9,
	TDM_WS_PONG = 0xA,
};

/* Per-connection decoder state (fragmented messages are reassembled). */
struct tdm_ws_dec {
	bool server;          /* frames from clients must be masked, from
			       * servers must not be */
	struct tdm_buf msg;   /* the data message being reassembled */
	enum tdm_ws_op msg_op;
	bool in_msg;
};
void tdm_ws_dec_init(struct tdm_ws_dec *d, bool server);
void tdm_ws_dec_free(struct tdm_ws_dec *d);

/* One decoded event. */
struct tdm_ws_event {
	enum tdm_ws_op op;    /* TEXT/BINARY: a complete message (fragments
			       * joined); CLOSE, PING, PONG: a control frame */
	const char *data;     /* unmasked payload, valid until the next call */
	size_t len;
	uint16_t close_code;  /* CLOSE: the status code, or 1005 when none */
};

/* Decodes from buf[0..len). Returns:
 *   > 0        bytes consumed; *ev is set when a complete message or
 *              control frame was decoded (ev->op), else ev->op is
 *              TDM_WS_CONT (a fragment was absorbed);
 *   -EAGAIN    not one complete frame yet;
 *   -EMSGSIZE  a message over max bytes;
 *   -EBADMSG   protocol error (unmasked client frame, reserved bits or
 *              opcodes, fragmented or oversized control frame, invalid
 *              UTF-8 in a TEXT message, continuation without start...):
 *              close with 1002 (or 1007 for bad UTF-8: *close_code). */
long tdm_ws_decode(struct tdm_ws_dec *d, const char *buf, size_t len,
		   size_t max, struct tdm_ws_event *ev, uint16_t *close_code);

/* Appends one frame (FIN set) with payload data[0..len) to out; masked
 * with a random key when mask is set (client side). 0 or -ENOMEM. */
int tdm_ws_encode(struct tdm_buf *out, enum tdm_ws_op op, const void *data,
		  size_t len, bool mask);
/* A CLOSE frame with code and optional reason. */
int tdm_ws_encode_close(struct tdm_buf *out, uint16_t code,
			const char *reason, bool mask);

#endif
