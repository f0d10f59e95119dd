/* SPDX-License-Identifier: GPL-2.0-or-later
 * Stream framing (RFC 3261 §18.3): finds where one SIP message ends in a
 * TCP/TLS/WebSocket byte stream. Kept apart from parsing: framing only
 * looks for the blank line and Content-Length, incrementally, so a message
 * arriving in many segments is scanned once, and only complete messages
 * reach tdm_sip_msg_parse(). */
#ifndef TANDEM_FRAME_H
#define TANDEM_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>

/* Per-connection framing state; zero it (tdm_frame_init) per message. */
struct tdm_frame {
	size_t scanned;   /* bytes of the header part already searched */
	size_t hdr_len;   /* length up to and including the blank line, or 0 */
	size_t body_len;  /* Content-Length once the headers are complete */
};

TDM_API void tdm_frame_init(struct tdm_frame *f);

/* Looks at buf[0..len), the bytes received so far for the current message
 * (the same prefix grows from call to call). Returns:
 *   > 0        the length of the complete message at the start of buf;
 *   -EAGAIN    incomplete, call again when more bytes arrived;
 *   -EMSGSIZE  the message is (or will be) larger than max;
 *   -EBADMSG   no usable Content-Length (a stream message must carry one,
 *              RFC 3261 §18.3) or a malformed one.
 * Leading CRLFs (keep-alives, RFC 5626 §4.4.1) must be removed first with
 * tdm_frame_keepalive(). */
TDM_API long tdm_frame_check(struct tdm_frame *f, const char *buf, size_t len,
			     size_t max);

/* Number of leading CR/LF bytes in buf: a "CRLFCRLF" ping or the
 * "CRLF" pong of RFC 5626, to be consumed before framing. */
TDM_API size_t tdm_frame_keepalive(const char *buf, size_t len);

#endif
