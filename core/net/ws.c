/* SPDX-License-Identifier: GPL-2.0-or-later
 * WebSocket frames (RFC 6455 §5): decoding with reassembly of fragmented
 * messages, and encoding. The decoder is a pure function of its state and
 * the bytes it is shown: a frame is consumed only once it is complete, so
 * the caller keeps unconsumed bytes and calls again when more arrive.
 *
 * Checks are ordered by the bytes they need (first two header bytes, then
 * the extended length, then the payload), so a prefix of a stream decodes
 * either to -EAGAIN or to the same answer as the whole stream. */
#include <errno.h>
#include <string.h>
#include <openssl/rand.h>
#include <tandem/buf.h>
#include "net/ws.h"
#include "net/ws_impl.h"

#define WS_FIN 0x80u
#define WS_RSV 0x70u
#define WS_OPMASK 0x0fu
#define WS_MASKBIT 0x80u
#define WS_CTL_MAX 125u

/* What a frame header said. */
struct frame {
	bool fin, masked;
	unsigned op;
	uint8_t key[4];
	uint64_t plen;
	size_t hlen; /* header bytes, masking key included */
};

static bool is_control(unsigned op)
{
	return op >= TDM_WS_CLOSE;
}

void tdm_ws_dec_init(struct tdm_ws_dec *d, bool server)
{
	*d = (struct tdm_ws_dec){ .server = server, .msg = TDM_BUF_INIT,
				  .msg_op = TDM_WS_CONT, .in_msg = false };
}

void tdm_ws_dec_free(struct tdm_ws_dec *d)
{
	tdm_buf_free(&d->msg);
	d->in_msg = false;
	d->msg_op = TDM_WS_CONT;
}

/* The checks that need only the first two bytes: reserved bits (we
 * negotiate no extension), opcode, the masking rule of our side, control
 * frame rules, and the place of the frame in a fragmented message. */
static int check_start(const struct tdm_ws_dec *d, const uint8_t *p)
{
	unsigned op = p[0] & WS_OPMASK;
	bool fin = p[0] & WS_FIN, masked = p[1] & WS_MASKBIT;

	if (p[0] & WS_RSV)
		return -EBADMSG;
	if (masked != d->server)
		return -EBADMSG;
	if (is_control(op))
		return op > TDM_WS_PONG || !fin ||
			(p[1] & 0x7fu) > WS_CTL_MAX ? -EBADMSG : 0;
	if (op > TDM_WS_BINARY)
		return -EBADMSG;
	return (op == TDM_WS_CONT) != d->in_msg ? -EBADMSG : 0;
}

/* Reads the frame header at p[0..len) into f after check_start().
 * 0, -EAGAIN or -EBADMSG (a 64-bit length with its top bit set). */
static int read_header(const uint8_t *p, size_t len, struct frame *f)
{
	size_t ext, n = 2;

	f->fin = p[0] & WS_FIN;
	f->op = p[0] & WS_OPMASK;
	f->masked = p[1] & WS_MASKBIT;
	f->plen = p[1] & 0x7fu;
	ext = f->plen == 126 ? 2 : f->plen == 127 ? 8 : 0;
	if (len - n < ext)
		return -EAGAIN;
	if (ext) {
		f->plen = 0;
		for (size_t i = 0; i < ext; i++)
			f->plen = f->plen << 8 | p[n + i];
		n += ext;
		if (f->plen >> 63)
			return -EBADMSG;
	}
	if (f->masked) {
		if (len - n < 4)
			return -EAGAIN;
		memcpy(f->key, p + n, 4);
		n += 4;
	}
	f->hlen = n;
	return 0;
}

/* A data frame must keep the message within max bytes (checked before
 * its payload arrives, so an oversized frame is refused at once). */
static int check_size(const struct tdm_ws_dec *d, const struct frame *f,
		      size_t max)
{
	if (is_control(f->op))
		return 0;
	if (d->msg.len > max || f->plen > max - d->msg.len)
		return -EMSGSIZE;
	return 0;
}

static void unmask(char *p, size_t len, const uint8_t key[4])
{
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(p[i] ^ key[i & 3]);
}

/* CLOSE payload: empty (code 1005), or a valid code and UTF-8 reason. */
static int close_payload(struct tdm_ws_event *ev, uint16_t *cc)
{
	const uint8_t *p = (const uint8_t *)ev->data;

	if (ev->len == 0) {
		ev->close_code = 1005;
		return 0;
	}
	if (ev->len == 1)
		return -EBADMSG;
	ev->close_code = (uint16_t)(p[0] << 8 | p[1]);
	if (!tdm_ws_close_code_valid(ev->close_code))
		return -EBADMSG;
	if (!tdm_ws_utf8_valid(p + 2, ev->len - 2)) {
		*cc = 1007;
		return -EBADMSG;
	}
	return 0;
}

/* A control frame's payload sits after the message being reassembled
 * (if any); the message keeps its length, so the next fragment simply
 * overwrites it. */
static int control_event(struct tdm_ws_dec *d, const struct frame *f,
			 size_t at, struct tdm_ws_event *ev, uint16_t *cc)
{
	ev->op = (enum tdm_ws_op)f->op;
	ev->data = d->msg.data + at;
	ev->len = (size_t)f->plen;
	d->msg.len = at;
	if (f->op == TDM_WS_CLOSE)
		return close_payload(ev, cc);
	return 0;
}

/* A data frame was appended to the message: report the message when the
 * frame ends it (a TEXT message must be valid UTF-8). */
static int data_event(struct tdm_ws_dec *d, const struct frame *f,
		      struct tdm_ws_event *ev, uint16_t *cc)
{
	if (f->op != TDM_WS_CONT)
		d->msg_op = (enum tdm_ws_op)f->op;
	d->in_msg = !f->fin;
	if (!f->fin)
		return 0;
	if (d->msg_op == TDM_WS_TEXT &&
	    !tdm_ws_utf8_valid(d->msg.data, d->msg.len)) {
		*cc = 1007;
		return -EBADMSG;
	}
	ev->op = d->msg_op;
	ev->data = d->msg.data;
	ev->len = d->msg.len;
	return 0;
}

/* Copies (and unmasks) a complete frame's payload, then reports it. */
static int take_payload(struct tdm_ws_dec *d, const char *p,
			const struct frame *f, struct tdm_ws_event *ev,
			uint16_t *cc)
{
	size_t at = d->msg.len;

	if (tdm_buf_append(&d->msg, p, (size_t)f->plen))
		return -ENOMEM;
	if (f->masked)
		unmask(d->msg.data + at, (size_t)f->plen, f->key);
	if (is_control(f->op))
		return control_event(d, f, at, ev, cc);
	return data_event(d, f, ev, cc);
}

/* The header checks in the order of the bytes they need. */
static int decode_header(const struct tdm_ws_dec *d, const uint8_t *p,
			 size_t len, size_t max, struct frame *f)
{
	int err;

	if (len < 2)
		return -EAGAIN;
	err = check_start(d, p);
	if (!err)
		err = read_header(p, len, f);
	if (!err)
		err = check_size(d, f, max);
	if (!err && f->plen > len - f->hlen)
		err = -EAGAIN;
	return err;
}

static uint16_t close_code_for(int err, uint16_t cc)
{
	switch (err) {
	case -EMSGSIZE:
		return 1009;
	case -ENOMEM:
		return 1011;
	default:
		return cc;
	}
}

long tdm_ws_decode(struct tdm_ws_dec *d, const char *buf, size_t len,
		   size_t max, struct tdm_ws_event *ev, uint16_t *close_code)
{
	struct frame f;
	uint16_t cc = 1002;
	int err;

	if (!d->in_msg)
		tdm_buf_reset(&d->msg);
	d->msg.err = 0; /* a failed append left the content intact: retry */
	*ev = (struct tdm_ws_event){ .op = TDM_WS_CONT };
	err = decode_header(d, (const uint8_t *)buf, len, max, &f);
	if (!err)
		err = take_payload(d, buf + f.hlen, &f, ev, &cc);
	if (err) {
		if (close_code && err != -EAGAIN)
			*close_code = close_code_for(err, cc);
		ev->op = TDM_WS_CONT;
		return err;
	}
	return (long)(f.hlen + f.plen);
}

/* ---- Encoding -------------------------------------------------------*/

/* Writes the header for a len-byte payload into h (at most 14 bytes);
 * returns its length. */
static size_t put_header(uint8_t *h, unsigned op, bool fin, uint64_t len,
			 const uint8_t *key)
{
	size_t n = 2;

	h[0] = (uint8_t)((fin ? WS_FIN : 0) | (op & WS_OPMASK));
	if (len < 126) {
		h[1] = (uint8_t)len;
	} else if (len <= 0xffff) {
		h[1] = 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		n = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
		n = 10;
	}
	if (key) {
		h[1] |= WS_MASKBIT;
		memcpy(h + n, key, 4);
		n += 4;
	}
	return n;
}

int tdm_ws_encode_frame(struct tdm_buf *out, unsigned op, bool fin,
			const void *data, size_t len, const uint8_t *key)
{
	uint8_t h[14];
	size_t hlen = put_header(h, op, fin, len, key);
	size_t at;

	if (len > SIZE_MAX - sizeof(h))
		return out->err = -ENOMEM;
	if (tdm_buf_reserve(out, hlen + len))
		return -ENOMEM;
	tdm_buf_append(out, h, hlen);
	at = out->len;
	tdm_buf_append(out, data, len);
	if (key)
		unmask(out->data + at, len, key);
	return 0;
}

/* A fresh masking key for a client frame (RFC 6455 §5.3). */
static int random_key(uint8_t key[4])
{
	return RAND_bytes(key, 4) == 1 ? 0 : -EIO;
}

int tdm_ws_encode(struct tdm_buf *out, enum tdm_ws_op op, const void *data,
		  size_t len, bool mask)
{
	uint8_t key[4];
	int err;

	if (op != TDM_WS_TEXT && op != TDM_WS_BINARY && op != TDM_WS_CLOSE &&
	    op != TDM_WS_PING && op != TDM_WS_PONG)
		return -EINVAL;
	if ((is_control(op) && len > WS_CTL_MAX) || (len && !data))
		return -EINVAL;
	if (mask) {
		err = random_key(key);
		if (err)
			return err;
	}
	return tdm_ws_encode_frame(out, op, true, data, len, mask ? key : NULL);
}

int tdm_ws_encode_close(struct tdm_buf *out, uint16_t code,
			const char *reason, bool mask)
{
	uint8_t p[WS_CTL_MAX];
	size_t rlen = reason ? strlen(reason) : 0;

	if (code == 0 || code == 1005)
		return tdm_ws_encode(out, TDM_WS_CLOSE, NULL, 0, mask);
	if (!tdm_ws_close_code_valid(code) || rlen > WS_CTL_MAX - 2 ||
	    !tdm_ws_utf8_valid(reason, rlen))
		return -EINVAL;
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	if (rlen)
		memcpy(p + 2, reason, rlen);
	return tdm_ws_encode(out, TDM_WS_CLOSE, p, rlen + 2, mask);
}

bool tdm_ws_close_code_valid(unsigned code)
{
	return (code >= 1000 && code <= 1003) ||
	       (code >= 1007 && code <= 1014) ||
	       (code >= 3000 && code <= 4999);
}

/* ---- UTF-8 ----------------------------------------------------------*/

bool tdm_ws_utf8_valid(const void *data, size_t len)
{
	return tdm_utf8_valid(data, len);
}
