/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/net/ws.c, the WebSocket frame codec: the RFC 6455 §5.7
 * examples, every length encoding both ways, the masking rule of each
 * side, every protocol error with its close code, fragmentation with
 * interleaved control frames, the size limit, UTF-8 validation, a
 * multi-frame stream decoded split at every byte, and OOM injection.
 * Inputs that must not be over-read sit before a guard page. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include "net/ws.h"
#include "net/ws_impl.h"
#include "test.h"

#define BIG 65536

static const uint8_t key5_7[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* Decodes raw[0..n) (from a guard copy) with a fresh decoder. */
static long dec1(const void *raw, size_t n, size_t max,
		 struct tdm_ws_dec *d, struct tdm_ws_event *ev, uint16_t *cc)
{
	const char *g = tdm_guard_copy(raw, n);
	long r;

	r = tdm_ws_decode(d, g, n, max, ev, cc);
	tdm_guard_free(g, n);
	return r;
}

/* Decodes one complete frame with a fresh decoder and expects err. */
static void expect_err(bool server, const void *raw, size_t n, long err,
		       uint16_t code)
{
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;

	tdm_ws_dec_init(&d, server);
	CU_ASSERT_EQUAL(dec1(raw, n, BIG, &d, &ev, &cc), err);
	CU_ASSERT_EQUAL(cc, code);
	CU_ASSERT_EQUAL(ev.op, TDM_WS_CONT);
	tdm_ws_dec_free(&d);
}

static void expect_event(struct tdm_ws_dec *d, const void *raw, size_t n,
			 enum tdm_ws_op op, const char *payload)
{
	struct tdm_ws_event ev;
	uint16_t cc = 0;

	CU_ASSERT_EQUAL(dec1(raw, n, BIG, d, &ev, &cc), (long)n);
	CU_ASSERT_EQUAL(ev.op, op);
	if (payload) {
		CU_ASSERT_EQUAL(ev.len, strlen(payload));
		CU_ASSERT(ev.len == strlen(payload) &&
			  memcmp(ev.data, payload, ev.len) == 0);
	}
}

/* ---- RFC 6455 §5.7 ----------------------------------------------------*/

static void test_net_ws_rfc_examples(void)
{
	static const uint8_t hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t mhello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					  0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	static const uint8_t frag1[] = { 0x01, 0x03, 0x48, 0x65, 0x6c };
	static const uint8_t frag2[] = { 0x80, 0x02, 0x6c, 0x6f };
	static const uint8_t ping[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t mpong[] = { 0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	struct tdm_ws_dec c, s;

	tdm_ws_dec_init(&c, false);
	tdm_ws_dec_init(&s, true);
	expect_event(&c, hello, sizeof(hello), TDM_WS_TEXT, "Hello");
	expect_event(&s, mhello, sizeof(mhello), TDM_WS_TEXT, "Hello");
	expect_event(&c, frag1, sizeof(frag1), TDM_WS_CONT, NULL);
	CU_ASSERT_TRUE(c.in_msg);
	expect_event(&c, frag2, sizeof(frag2), TDM_WS_TEXT, "Hello");
	CU_ASSERT_FALSE(c.in_msg);
	expect_event(&c, ping, sizeof(ping), TDM_WS_PING, "Hello");
	expect_event(&s, mpong, sizeof(mpong), TDM_WS_PONG, "Hello");
	tdm_ws_dec_free(&c);
	tdm_ws_dec_free(&s);
}

static void test_net_ws_rfc_encode(void)
{
	static const uint8_t hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t mhello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					  0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	struct tdm_buf b = TDM_BUF_INIT;

	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_TEXT, "Hello", 5, false), 0);
	CU_ASSERT(b.len == sizeof(hello) && !memcmp(b.data, hello, b.len));
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(tdm_ws_encode_frame(&b, TDM_WS_TEXT, true, "Hello", 5,
					    key5_7), 0);
	CU_ASSERT(b.len == sizeof(mhello) && !memcmp(b.data, mhello, b.len));
	tdm_buf_free(&b);
}

/* ---- Lengths ------------------------------------------------------------*/

/* Encodes n bytes (masked or not), checks the header layout, decodes
 * it back on the other side and compares. */
static void roundtrip_len(size_t n, bool mask)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	char *p = malloc(n ? n : 1);
	size_t hlen = (n < 126 ? 2 : n <= 0xffff ? 4 : 10) + (mask ? 4 : 0);
	uint16_t cc = 0;

	for (size_t i = 0; i < n; i++)
		p[i] = (char)(i * 7 + 1);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_BINARY, p, n, mask), 0);
	CU_ASSERT_EQUAL(b.len, hlen + n);
	CU_ASSERT_EQUAL((uint8_t)b.data[0], 0x82);
	CU_ASSERT_EQUAL((uint8_t)b.data[1] & 0x7f,
			n < 126 ? n : n <= 0xffff ? 126u : 127u);
	CU_ASSERT_EQUAL(((uint8_t)b.data[1] & 0x80) != 0, mask);
	tdm_ws_dec_init(&d, mask);
	CU_ASSERT_EQUAL(dec1(b.data, b.len, n, &d, &ev, &cc), (long)b.len);
	CU_ASSERT_EQUAL(ev.op, TDM_WS_BINARY);
	CU_ASSERT(ev.len == n && (n == 0 || memcmp(ev.data, p, n) == 0));
	/* one byte short: not yet */
	CU_ASSERT_EQUAL(dec1(b.data, b.len - 1, n, &d, &ev, &cc), -EAGAIN);
	/* one byte over the limit: refused at once */
	if (n)
		CU_ASSERT_EQUAL(dec1(b.data, hlen, n - 1, &d, &ev, &cc),
				-EMSGSIZE);
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
	free(p);
}

static void test_net_ws_lengths(void)
{
	static const size_t lens[] = { 0, 1, 125, 126, 127, 1000, 65535,
				       65536, 70000 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		roundtrip_len(lens[i], false);
		roundtrip_len(lens[i], true);
	}
}

static void test_net_ws_length_bytes(void)
{
	static const uint8_t b256[] = { 0x82, 0x7e, 0x01, 0x00 };
	static const uint8_t b64k[] = { 0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0 };
	struct tdm_buf b = TDM_BUF_INIT;
	char *p = calloc(1, 65536);

	/* RFC 6455 §5.7: 256 bytes and 64 KiB in one unmasked frame */
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_BINARY, p, 256, false), 0);
	CU_ASSERT(!memcmp(b.data, b256, sizeof(b256)));
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_BINARY, p, 65536, false), 0);
	CU_ASSERT(!memcmp(b.data, b64k, sizeof(b64k)));
	tdm_buf_free(&b);
	free(p);
}

/* Longer-than-needed length encodings are accepted; a 64-bit length
 * with its top bit set is not. */
static void test_net_ws_length_odd(void)
{
	static const uint8_t l16[] = { 0x82, 0x7e, 0x00, 0x02, 'h', 'i' };
	static const uint8_t l64[] = { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 2,
				       'h', 'i' };
	static const uint8_t top[] = { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t huge[] = { 0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff };
	struct tdm_ws_dec d;

	tdm_ws_dec_init(&d, false);
	expect_event(&d, l16, sizeof(l16), TDM_WS_BINARY, "hi");
	expect_event(&d, l64, sizeof(l64), TDM_WS_BINARY, "hi");
	tdm_ws_dec_free(&d);
	expect_err(false, top, sizeof(top), -EBADMSG, 1002);
	expect_err(false, huge, sizeof(huge), -EMSGSIZE, 1009);
}

/* ---- Protocol errors ----------------------------------------------------*/

static void test_net_ws_masking_rule(void)
{
	static const uint8_t unmasked[] = { 0x81, 0x01, 'a' };
	static const uint8_t masked[] = { 0x81, 0x81, 1, 2, 3, 4, 'a' ^ 1 };

	expect_err(true, unmasked, sizeof(unmasked), -EBADMSG, 1002);
	expect_err(false, masked, sizeof(masked), -EBADMSG, 1002);
	/* refused on the first two bytes, before the payload arrives */
	expect_err(true, unmasked, 2, -EBADMSG, 1002);
}

static void test_net_ws_reserved(void)
{
	uint8_t f[] = { 0x81, 0x00 };

	for (unsigned rsv = 0x10; rsv <= 0x40; rsv <<= 1) {
		f[0] = (uint8_t)(0x81 | rsv);
		expect_err(false, f, sizeof(f), -EBADMSG, 1002);
	}
	for (unsigned op = 3; op <= 0xf; op++) {
		if (op >= 8 && op <= 0xa)
			continue;
		f[0] = (uint8_t)(0x80 | op);
		expect_err(false, f, sizeof(f), -EBADMSG, 1002);
	}
}

static void test_net_ws_control_rules(void)
{
	static const uint8_t frag_ping[] = { 0x09, 0x00 };
	static const uint8_t long_ping[] = { 0x89, 0x7e, 0x00, 0x7e };
	static const uint8_t cont[] = { 0x80, 0x01, 'x' };
	static const uint8_t start[] = { 0x01, 0x01, 'x' };
	static const uint8_t ping125[2 + 125] = { 0x89, 125 };
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;

	expect_err(false, frag_ping, sizeof(frag_ping), -EBADMSG, 1002);
	expect_err(false, long_ping, sizeof(long_ping), -EBADMSG, 1002);
	expect_err(false, cont, sizeof(cont), -EBADMSG, 1002);
	tdm_ws_dec_init(&d, false);
	expect_event(&d, ping125, sizeof(ping125), TDM_WS_PING, NULL);
	CU_ASSERT_EQUAL(dec1(start, 3, BIG, &d, &ev, &cc), 3);
	/* a new data message while one is open */
	CU_ASSERT_EQUAL(dec1(start, 3, BIG, &d, &ev, &cc), -EBADMSG);
	CU_ASSERT_EQUAL(cc, 1002);
	tdm_ws_dec_free(&d);
}

static void test_net_ws_close(void)
{
	static const uint8_t empty[] = { 0x88, 0x00 };
	static const uint8_t one[] = { 0x88, 0x01, 0x03 };
	static const uint8_t bye[] = { 0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e' };
	static const uint8_t badutf[] = { 0x88, 0x03, 0x03, 0xe8, 0xff };
	static const unsigned bad[] = { 0, 999, 1004, 1005, 1006, 1015, 1016,
					2999, 5000, 65535 };
	uint8_t f[] = { 0x88, 0x02, 0, 0 };
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc;

	tdm_ws_dec_init(&d, false);
	CU_ASSERT_EQUAL(dec1(empty, 2, BIG, &d, &ev, &cc), 2);
	CU_ASSERT(ev.op == TDM_WS_CLOSE && ev.close_code == 1005 && !ev.len);
	CU_ASSERT_EQUAL(dec1(bye, sizeof(bye), BIG, &d, &ev, &cc), 7);
	CU_ASSERT(ev.op == TDM_WS_CLOSE && ev.close_code == 1000);
	CU_ASSERT(ev.len == 5 && !memcmp(ev.data + 2, "bye", 3));
	tdm_ws_dec_free(&d);
	expect_err(false, one, sizeof(one), -EBADMSG, 1002);
	expect_err(false, badutf, sizeof(badutf), -EBADMSG, 1007);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f[2] = (uint8_t)(bad[i] >> 8);
		f[3] = (uint8_t)bad[i];
		expect_err(false, f, sizeof(f), -EBADMSG, 1002);
	}
}

/* ---- UTF-8 --------------------------------------------------------------*/

static void test_net_ws_utf8(void)
{
	static const char *const good[] = {
		"", "plain", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xe2\x82\xac",
		"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
		"\xf4\x8f\xbf\xbf", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
	};
	static const char *const bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41",
		"\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xe2\x82", "\xe2\x28\xa1", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80",
		"\xff", "\xfe", "\xf0\x90\x80", "a\xf0\x90\x80\x28",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_TRUE(tdm_ws_utf8_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(tdm_ws_utf8_valid(bad[i], strlen(bad[i])));
	CU_ASSERT_TRUE(tdm_ws_utf8_valid("a\0b", 3));
}

static void test_net_ws_text_utf8(void)
{
	static const uint8_t bad[] = { 0x81, 0x02, 0xc0, 0x80 };
	static const uint8_t bin[] = { 0x82, 0x02, 0xc0, 0x80 };
	/* "€" split across two fragments: valid only as a whole */
	static const uint8_t f1[] = { 0x01, 0x02, 0xe2, 0x82 };
	static const uint8_t f2[] = { 0x80, 0x01, 0xac };
	struct tdm_ws_dec d;

	expect_err(false, bad, sizeof(bad), -EBADMSG, 1007);
	tdm_ws_dec_init(&d, false);
	expect_event(&d, bin, sizeof(bin), TDM_WS_BINARY, "\xc0\x80");
	expect_event(&d, f1, sizeof(f1), TDM_WS_CONT, NULL);
	expect_event(&d, f2, sizeof(f2), TDM_WS_TEXT, "\xe2\x82\xac");
	tdm_ws_dec_free(&d);
}

/* ---- Fragmentation and limits -------------------------------------------*/

static void test_net_ws_fragments_ping(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc;
	size_t off = 0;
	long n;
	static const struct {
		enum tdm_ws_op op;
		const char *data;
	} want[] = { { TDM_WS_CONT, NULL },   { TDM_WS_PING, "p" },
		     { TDM_WS_CONT, NULL },   { TDM_WS_PONG, "" },
		     { TDM_WS_CLOSE, NULL },  { TDM_WS_TEXT, "Hello" } };

	tdm_ws_encode_frame(&b, TDM_WS_TEXT, false, "Hel", 3, key5_7);
	tdm_ws_encode_frame(&b, TDM_WS_PING, true, "p", 1, key5_7);
	tdm_ws_encode_frame(&b, TDM_WS_CONT, false, "l", 1, key5_7);
	tdm_ws_encode_frame(&b, TDM_WS_PONG, true, "", 0, key5_7);
	tdm_ws_encode_close(&b, 1001, "away", true);
	tdm_ws_encode_frame(&b, TDM_WS_CONT, true, "o", 1, key5_7);
	CU_ASSERT_EQUAL(b.err, 0);
	tdm_ws_dec_init(&d, true);
	for (size_t i = 0; i < 6; i++, off += (size_t)n) {
		n = tdm_ws_decode(&d, b.data + off, b.len - off, 5, &ev, &cc);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(ev.op, want[i].op);
		if (want[i].data)
			CU_ASSERT(ev.len == strlen(want[i].data) &&
				  !memcmp(ev.data, want[i].data, ev.len));
		if (ev.op == TDM_WS_CLOSE)
			CU_ASSERT_EQUAL(ev.close_code, 1001);
	}
	CU_ASSERT_EQUAL(off, b.len);
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

static void test_net_ws_max(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;

	tdm_ws_encode_frame(&b, TDM_WS_BINARY, false, "abc", 3, NULL);
	tdm_ws_encode_frame(&b, TDM_WS_PING, true, "0123456789", 10, NULL);
	tdm_ws_encode_frame(&b, TDM_WS_CONT, false, "de", 2, NULL);
	tdm_ws_encode_frame(&b, TDM_WS_CONT, true, "f", 1, NULL);
	tdm_ws_dec_init(&d, false);
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data, b.len, 5, &ev, &cc), 5);
	/* control frames do not count against the message limit */
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data + 5, b.len - 5, 5, &ev, &cc), 12);
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data + 17, b.len - 17, 5, &ev, &cc), 4);
	/* "f" would make 6: refused from its header alone */
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data + 21, 2, 5, &ev, &cc), -EMSGSIZE);
	CU_ASSERT_EQUAL(cc, 1009);
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data + 21, 3, 6, &ev, &cc), 3);
	CU_ASSERT(ev.op == TDM_WS_BINARY && ev.len == 6 &&
		  !memcmp(ev.data, "abcdef", 6));
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

/* Every strict prefix of a frame is -EAGAIN, and nothing is read past
 * the end (guard page). */
static void test_net_ws_prefixes(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	char p[300];
	uint16_t cc;

	memset(p, 'x', sizeof(p));
	tdm_ws_encode(&b, TDM_WS_TEXT, p, 300, true);
	tdm_ws_encode(&b, TDM_WS_TEXT, p, 3, true);
	tdm_ws_dec_init(&d, true);
	for (size_t n = 0; n < 308; n++)
		CU_ASSERT_EQUAL(dec1(b.data, n, BIG, &d, &ev, &cc), -EAGAIN);
	CU_ASSERT_EQUAL(dec1(b.data, 308, BIG, &d, &ev, &cc), 308);
	CU_ASSERT_EQUAL(dec1(b.data, b.len, BIG, &d, &ev, &cc), 308);
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

/* ---- A stream split at every byte ----------------------------------------*/

struct rec {
	char log[4096];
	size_t len;
};

/* Decodes all complete frames of acc[*off..len), logging events into r
 * as "op:len:payload;". Returns the last result (-EAGAIN normally). */
static long drain(struct tdm_ws_dec *d, const char *acc, size_t len,
		  size_t *off, struct rec *r)
{
	struct tdm_ws_event ev;
	uint16_t cc;
	long n;

	while ((n = tdm_ws_decode(d, acc + *off, len - *off, 1000, &ev, &cc)) > 0) {
		*off += (size_t)n;
		if (ev.op == TDM_WS_CONT)
			continue;
		r->len += (size_t)snprintf(r->log + r->len, sizeof(r->log) - r->len,
					   "%d:%zu:%.*s;", (int)ev.op, ev.len,
					   (int)ev.len, ev.data);
	}
	return n;
}

static void build_stream(struct tdm_buf *b, bool mask)
{
	char bin[300];
	const uint8_t *k = mask ? key5_7 : NULL;

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (char)('a' + i % 26);
	tdm_ws_encode_frame(b, TDM_WS_TEXT, false, "INVITE ", 7, k);
	tdm_ws_encode_frame(b, TDM_WS_PING, true, "alive?", 6, k);
	tdm_ws_encode_frame(b, TDM_WS_CONT, false, "sip:bob", 7, k);
	tdm_ws_encode_frame(b, TDM_WS_CONT, true, " SIP/2.0", 8, k);
	tdm_ws_encode_frame(b, TDM_WS_BINARY, true, bin, sizeof(bin), k);
	tdm_ws_encode_frame(b, TDM_WS_PONG, true, "", 0, k);
	tdm_ws_encode_frame(b, TDM_WS_TEXT, true, "\xe2\x82\xac", 3, k);
	tdm_ws_encode_close(b, 1000, "done", mask);
}

static void split_stream(bool server)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	static struct rec whole, part;
	size_t off;

	build_stream(&b, server);
	tdm_ws_dec_init(&d, server);
	whole.len = off = 0;
	CU_ASSERT_EQUAL(drain(&d, b.data, b.len, &off, &whole), -EAGAIN);
	CU_ASSERT_EQUAL(off, b.len);
	CU_ASSERT(strstr(whole.log, "1:22:INVITE sip:bob SIP/2.0;") != NULL);
	CU_ASSERT(strstr(whole.log, "9:6:alive?;") != NULL);
	for (size_t cut = 0; cut <= b.len; cut++) {
		part.len = off = 0;
		CU_ASSERT_EQUAL(drain(&d, b.data, cut, &off, &part), -EAGAIN);
		CU_ASSERT_EQUAL(drain(&d, b.data, b.len, &off, &part), -EAGAIN);
		CU_ASSERT(off == b.len && part.len == whole.len &&
			  !memcmp(part.log, whole.log, whole.len));
	}
	/* and one byte at a time */
	part.len = off = 0;
	for (size_t n = 0; n <= b.len; n++)
		CU_ASSERT_EQUAL(drain(&d, b.data, n, &off, &part), -EAGAIN);
	CU_ASSERT(part.len == whole.len && !memcmp(part.log, whole.log, whole.len));
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

static void test_net_ws_split_every_byte(void)
{
	split_stream(true);
	split_stream(false);
}

/* ---- Encoder ------------------------------------------------------------*/

static void test_net_ws_encode_errors(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	char p[126] = { 0 };
	char reason[125];

	memset(reason, 'r', sizeof(reason));
	reason[124] = '\0'; /* 124 bytes: one too many */
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_CONT, "x", 1, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, (enum tdm_ws_op)3, "x", 1, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_PING, p, 126, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_TEXT, NULL, 1, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 1004, NULL, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 1000, reason, false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 1000, "\xff", false), -EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_PING, p, 125, false), 0);
	CU_ASSERT_EQUAL(b.len, 127);
	tdm_buf_reset(&b);
	reason[123] = '\0';
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 4999, reason, false), 0);
	CU_ASSERT_EQUAL(b.len, 127);
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 1005, "ignored", false), 0);
	CU_ASSERT(b.len == 2 && !memcmp(b.data, "\x88\x00", 2));
	tdm_buf_free(&b);
}

static void test_net_ws_encode_masked(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc;

	CU_ASSERT_EQUAL(tdm_ws_encode(&b, TDM_WS_TEXT, "REGISTER", 8, true), 0);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&b, 1001, "bye", true), 0);
	CU_ASSERT_EQUAL(b.len, 6 + 8 + 6 + 5);
	tdm_ws_dec_init(&d, true);
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data, b.len, 100, &ev, &cc), 14);
	CU_ASSERT(ev.op == TDM_WS_TEXT && ev.len == 8 &&
		  !memcmp(ev.data, "REGISTER", 8));
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, b.data + 14, b.len - 14, 100, &ev, &cc), 11);
	CU_ASSERT(ev.op == TDM_WS_CLOSE && ev.close_code == 1001 &&
		  ev.len == 5 && !memcmp(ev.data + 2, "bye", 3));
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

/* ---- Out of memory --------------------------------------------------------*/

static int oom_body(void *arg)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;
	size_t off = 0;
	long n = 0;
	int err;

	(void)arg;
	tdm_ws_dec_init(&d, true);
	build_stream(&b, true);
	err = b.err;
	while (!err && off < b.len) {
		n = tdm_ws_decode(&d, b.data + off, b.len - off, 1000, &ev, &cc);
		if (n == -ENOMEM)
			CU_ASSERT_EQUAL(cc, 1011);
		if (n < 0)
			err = (int)n;
		else
			off += (size_t)n;
	}
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
	return err;
}

static void test_net_ws_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(oom_body, NULL), 0);
}

/* After -ENOMEM nothing was consumed: the same call succeeds later. */
static void test_net_ws_oom_retry(void)
{
	static const uint8_t hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;

	tdm_ws_dec_init(&d, false);
	tdm_alloc_fail_after(0);
	CU_ASSERT_EQUAL(tdm_ws_decode(&d, (const char *)hello, 7, 100, &ev, &cc),
			-ENOMEM);
	tdm_alloc_fail_after(-1);
	CU_ASSERT_EQUAL(cc, 1011);
	expect_event(&d, hello, sizeof(hello), TDM_WS_TEXT, "Hello");
	tdm_ws_dec_free(&d);
}

TDM_TEST_SUITE(net_ws,
	       TDM_TEST(test_net_ws_rfc_examples),
	       TDM_TEST(test_net_ws_rfc_encode),
	       TDM_TEST(test_net_ws_lengths),
	       TDM_TEST(test_net_ws_length_bytes),
	       TDM_TEST(test_net_ws_length_odd),
	       TDM_TEST(test_net_ws_masking_rule),
	       TDM_TEST(test_net_ws_reserved),
	       TDM_TEST(test_net_ws_control_rules),
	       TDM_TEST(test_net_ws_close),
	       TDM_TEST(test_net_ws_utf8),
	       TDM_TEST(test_net_ws_text_utf8),
	       TDM_TEST(test_net_ws_fragments_ping),
	       TDM_TEST(test_net_ws_max),
	       TDM_TEST(test_net_ws_prefixes),
	       TDM_TEST(test_net_ws_split_every_byte),
	       TDM_TEST(test_net_ws_encode_errors),
	       TDM_TEST(test_net_ws_encode_masked),
	       TDM_TEST(test_net_ws_oom),
	       TDM_TEST(test_net_ws_oom_retry))
