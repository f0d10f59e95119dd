/* SPDX-License-Identifier: GPL-2.0-or-later
 * The WebSocket opening handshake (RFC 6455 §4, RFC 7118 §4): the server
 * side checks a client's HTTP/1.1 Upgrade request and writes the 101 (or
 * the error answer); the client side writes a request with a random key
 * and checks the server's 101. Both read the head the same way: lines
 * ending in CRLF (a bare LF is tolerated), header names compared without
 * case, list headers (Connection, Upgrade, Sec-WebSocket-Protocol) split
 * on commas and possibly repeated. */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <tandem/buf.h>
#include <tandem/str.h>
#include "net/ws.h"
#include "net/ws_impl.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_LEN 24
#define WS_ACCEPT_LEN 28

/* What the header lines of a head said. */
struct hs {
	bool upgrade;        /* Upgrade lists "websocket" */
	bool connection;     /* Connection lists "upgrade" */
	bool sip;            /* Sec-WebSocket-Protocol lists "sip" */
	unsigned nkey, nversion, naccept, nproto, next;
	struct tdm_str key, version, accept, proto;
};

/* ---- Reading a head -----------------------------------------------------*/

/* The next line of buf[*pos..end) without its CR LF; false when no LF
 * is left. */
static bool next_line(const char *buf, size_t end, size_t *pos,
		      struct tdm_str *line)
{
	const char *s = buf + *pos;
	const char *lf = memchr(s, '\n', end - *pos);
	size_t n;

	if (!lf)
		return false;
	n = (size_t)(lf - s);
	line->s = s;
	line->len = n && s[n - 1] == '\r' ? n - 1 : n;
	*pos += n + 1;
	return true;
}

/* Length of the head (up to and including the empty line) within the
 * first max bytes: > 0, -EAGAIN or -EMSGSIZE. */
static long head_len(const char *buf, size_t len, size_t max)
{
	size_t end = len < max ? len : max, pos = 0;
	struct tdm_str line;

	while (next_line(buf, end, &pos, &line))
		if (line.len == 0)
			return (long)pos;
	return len >= max ? -EMSGSIZE : -EAGAIN;
}

/* True when the comma-separated list v holds tok (any case). */
static bool list_has(const struct tdm_str *v, const char *tok)
{
	struct tdm_str rest = *v, item;
	long comma;

	while (rest.len) {
		comma = tdm_str_chr(&rest, ',');
		item = tdm_str_sub(&rest, 0, comma < 0 ? rest.len : (size_t)comma);
		item = tdm_str_trim(item);
		if (tdm_str_caseeq_c(&item, tok))
			return true;
		rest = tdm_str_sub(&rest, comma < 0 ? rest.len : (size_t)comma + 1,
				   rest.len);
	}
	return false;
}

/* Keeps a single-valued header, counting repeats (which are refused). */
static void keep(struct tdm_str *slot, unsigned *n, const struct tdm_str *v)
{
	*slot = *v;
	(*n)++;
}

/* Records what one header says, if it is one we care about. */
static void note_header(struct hs *h, const struct tdm_str *name,
			const struct tdm_str *v)
{
	if (TDM_STR_CASEEQ_LIT(name, "upgrade"))
		h->upgrade |= list_has(v, "websocket");
	else if (TDM_STR_CASEEQ_LIT(name, "connection"))
		h->connection |= list_has(v, "upgrade");
	else if (TDM_STR_CASEEQ_LIT(name, "sec-websocket-key"))
		keep(&h->key, &h->nkey, v);
	else if (TDM_STR_CASEEQ_LIT(name, "sec-websocket-version"))
		keep(&h->version, &h->nversion, v);
	else if (TDM_STR_CASEEQ_LIT(name, "sec-websocket-accept"))
		keep(&h->accept, &h->naccept, v);
	else if (TDM_STR_CASEEQ_LIT(name, "sec-websocket-extensions"))
		h->next++;
	else if (TDM_STR_CASEEQ_LIT(name, "sec-websocket-protocol")) {
		h->sip |= list_has(v, "sip");
		keep(&h->proto, &h->nproto, v);
	}
}

/* One "name: value" line. No space before the colon, and no obsolete
 * line folding (RFC 7230 §3.2.4). 0 or -EBADMSG. */
static int header_line(struct hs *h, const struct tdm_str *line)
{
	long colon = tdm_str_chr(line, ':');
	struct tdm_str name, v;

	if (colon <= 0)
		return -EBADMSG;
	name = tdm_str_sub(line, 0, (size_t)colon);
	for (size_t i = 0; i < name.len; i++)
		if (name.s[i] == ' ' || name.s[i] == '\t' || name.s[i] == '\0')
			return -EBADMSG;
	v = tdm_str_trim(tdm_str_sub(line, (size_t)colon + 1, line->len));
	note_header(h, &name, &v);
	return 0;
}

/* Splits the head buf[0..hlen) into its start line and headers. */
static int read_head(const char *buf, size_t hlen, struct tdm_str *start,
		     struct hs *h)
{
	size_t pos = 0;
	struct tdm_str line;

	*h = (struct hs){ .upgrade = false };
	if (!next_line(buf, hlen, &pos, start) || start->len == 0)
		return -EBADMSG;
	while (next_line(buf, hlen, &pos, &line) && line.len)
		if (header_line(h, &line))
			return -EBADMSG;
	return 0;
}

/* Splits "a b c..." at its first two spaces (c may hold spaces). */
static int split3(const struct tdm_str *l, struct tdm_str out[3])
{
	struct tdm_str rest = *l;

	for (int i = 0; i < 2; i++) {
		long sp = tdm_str_chr(&rest, ' ');

		if (sp <= 0)
			return -EBADMSG;
		out[i] = tdm_str_sub(&rest, 0, (size_t)sp);
		rest = tdm_str_sub(&rest, (size_t)sp + 1, rest.len);
	}
	out[2] = rest;
	return 0;
}

/* ---- Keys -----------------------------------------------------------*/

static bool b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Sec-WebSocket-Key must be base64 of 16 bytes: 22 digits and "==". */
static bool key_valid(const struct tdm_str *k)
{
	if (k->len != WS_KEY_LEN || k->s[22] != '=' || k->s[23] != '=')
		return false;
	for (size_t i = 0; i < 22; i++)
		if (!b64_char(k->s[i]))
			return false;
	return true;
}

int tdm_ws_accept_value(const char *key, size_t len, char out[32])
{
	char in[WS_KEY_LEN + sizeof(WS_GUID) - 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (len != WS_KEY_LEN)
		return -EINVAL;
	memcpy(in, key, WS_KEY_LEN);
	memcpy(in + WS_KEY_LEN, WS_GUID, sizeof(WS_GUID) - 1);
	if (!EVP_Digest(in, sizeof(in), md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != 20)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)out, md, 20); /* 28 chars + NUL */
	return 0;
}

/* ---- Server side ----------------------------------------------------*/

/* The error answers; 426 tells the client which version we speak. */
static long refuse(struct tdm_buf *resp, const char **why, const char *r,
		   bool version)
{
	static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
				  "Connection: close\r\n"
				  "Content-Length: 0\r\n\r\n";
	static const char ver[] = "HTTP/1.1 426 Upgrade Required\r\n"
				  "Sec-WebSocket-Version: 13\r\n"
				  "Connection: close\r\n"
				  "Content-Length: 0\r\n\r\n";

	if (why)
		*why = r;
	if (tdm_buf_append_c(resp, version ? ver : bad))
		return -ENOMEM;
	return -EBADMSG;
}

/* "GET <target> HTTP/1.1": NULL when fine, else the reason. */
static const char *check_request_line(const struct tdm_str *l)
{
	struct tdm_str p[3];

	if (split3(l, p))
		return "malformed request line";
	if (!tdm_str_eq_c(&p[0], "GET"))
		return "method is not GET";
	if (!tdm_str_eq_c(&p[2], "HTTP/1.1"))
		return "not HTTP/1.1";
	return NULL;
}

/* The checks of RFC 6455 §4.2.1 on the headers, in a fixed order;
 * *version is set when the fault is the version (answered with 426). */
static const char *check_request(const struct hs *h, bool *version)
{
	*version = false;
	if (!h->upgrade)
		return "no Upgrade: websocket";
	if (!h->connection)
		return "no Connection: Upgrade";
	if (h->nversion == 0)
		return "no Sec-WebSocket-Version";
	if (h->nversion > 1 || !tdm_str_eq_c(&h->version, "13")) {
		*version = true;
		return "unsupported Sec-WebSocket-Version";
	}
	if (h->nkey != 1 || !key_valid(&h->key))
		return "bad Sec-WebSocket-Key";
	if (!h->sip)
		return "sip subprotocol not offered";
	return NULL;
}

static int write_101(struct tdm_buf *resp, const struct tdm_str *key)
{
	char acc[32];

	if (tdm_ws_accept_value(key->s, key->len, acc))
		return -EIO;
	tdm_buf_printf(resp, "HTTP/1.1 101 Switching Protocols\r\n"
			     "Upgrade: websocket\r\n"
			     "Connection: Upgrade\r\n"
			     "Sec-WebSocket-Accept: %s\r\n"
			     "Sec-WebSocket-Protocol: sip\r\n\r\n", acc);
	return resp->err ? -ENOMEM : 0;
}

long tdm_ws_accept(const char *buf, size_t len, size_t max,
		   struct tdm_buf *resp, const char **why)
{
	long hlen = head_len(buf, len, max);
	struct tdm_str start;
	const char *bad;
	bool version = false;
	struct hs h;
	int err;

	if (hlen == -EMSGSIZE && why)
		*why = "request too long";
	if (hlen < 0)
		return hlen;
	if (read_head(buf, (size_t)hlen, &start, &h))
		return refuse(resp, why, "malformed header", false);
	bad = check_request_line(&start);
	if (!bad)
		bad = check_request(&h, &version);
	if (bad)
		return refuse(resp, why, bad, version);
	err = write_101(resp, &h.key);
	if (err && why)
		*why = err == -EIO ? "libcrypto failure" : "out of memory";
	return err ? err : hlen;
}

/* ---- Client side ----------------------------------------------------*/

/* A value we put into a header line must not break out of it. */
static bool line_safe(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

int tdm_ws_connect_request(const char *host, const char *path,
			   struct tdm_buf *out, char key_out[32])
{
	unsigned char raw[16];
	char key[32];

	if (!path)
		path = "/";
	if (!line_safe(host) || !*host || !line_safe(path) || *path != '/' ||
	    strchr(path, ' '))
		return -EINVAL;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)key, raw, sizeof(raw)); /* 24 + NUL */
	if (tdm_ws_accept_value(key, WS_KEY_LEN, key_out))
		return -EIO;
	tdm_buf_printf(out, "GET %s HTTP/1.1\r\n"
			    "Host: %s\r\n"
			    "Upgrade: websocket\r\n"
			    "Connection: Upgrade\r\n"
			    "Sec-WebSocket-Key: %s\r\n"
			    "Sec-WebSocket-Version: 13\r\n"
			    "Sec-WebSocket-Protocol: sip\r\n\r\n",
		       path, host, key);
	return out->err ? -ENOMEM : 0;
}

/* "HTTP/1.1 101 <reason>" (the reason may be empty or absent): NULL
 * when fine, else the reason. */
static const char *check_status_line(const struct tdm_str *l)
{
	if (l->len < 12 || memcmp(l->s, "HTTP/1.1 ", 9) != 0)
		return "malformed status line";
	if (memcmp(l->s + 9, "101", 3) != 0 || (l->len > 12 && l->s[12] != ' '))
		return "status is not 101";
	return NULL;
}

/* RFC 6455 §4.1: the answer must carry our accept value, echo the sip
 * subprotocol and accept no extension (we offered none). */
static const char *check_response(const struct hs *h, const char *key)
{
	if (!h->upgrade)
		return "no Upgrade: websocket";
	if (!h->connection)
		return "no Connection: Upgrade";
	if (h->naccept != 1 || !tdm_str_eq_c(&h->accept, key))
		return "wrong Sec-WebSocket-Accept";
	if (h->nproto != 1 || !tdm_str_caseeq_c(&h->proto, "sip"))
		return "sip subprotocol not selected";
	if (h->next)
		return "unrequested extension";
	return NULL;
}

long tdm_ws_connect_response(const char *buf, size_t len, size_t max,
			     const char key[32], const char **why)
{
	long hlen = head_len(buf, len, max);
	struct tdm_str start;
	const char *bad;
	struct hs h;

	if (hlen == -EMSGSIZE && why)
		*why = "response too long";
	if (hlen < 0)
		return hlen;
	if (read_head(buf, (size_t)hlen, &start, &h))
		bad = "malformed header";
	else
		bad = check_status_line(&start);
	if (!bad)
		bad = check_response(&h, key);
	if (bad && why)
		*why = bad;
	return bad ? -EBADMSG : hlen;
}
