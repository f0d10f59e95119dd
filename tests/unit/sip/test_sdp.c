/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/sdp.c: parsing real offers and answers (RFC 4317,
 * WebRTC, multicast), refusing malformed ones with the right offset, and
 * rewriting for media anchoring with byte-exact expected bodies. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sdp.h>
#include "test.h"

/* RFC 4317 §2.1 style offer, CRLF endings. */
static const char offer[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\n"
	"s= \r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"a=group:BUNDLE a v\r\n"
	"m=audio 49170 RTP/AVP 0 8 97\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:97 iLBC/8000\r\n"
	"a=rtcp:49171\r\n"
	"a=candidate:1 1 UDP 2130706431 192.0.2.10 49170 typ host\r\n"
	"a=sendonly\r\n"
	"m=video 51372/2 RTP/AVP 31 32\r\n"
	"c=IN IP6 2001:db8::1\r\n"
	"a=rtpmap:31 H261/90000\r\n"
	"a=rtpmap:32 MPV/90000\r\n"
	"a=rtcp:53020 IN IP4 126.16.64.4\r\n"
	"a=candidate:1 1 UDP 2130706431 192.0.2.10 51372 typ host\r\n";

/* Compares a buffer's content with a C string. */
#define ASSERT_BUF(b, cstr)                                                   \
	CU_ASSERT_TRUE(tdm_test_str_eq(&(struct tdm_str){ (b)->data,          \
							  (b)->len },          \
				       (cstr), __FILE__, __LINE__))

/* Parses text (guard-page copy) into a fresh arena. */
struct parsed {
	struct tdm_arena *a;
	const char *buf;
	size_t len;
	struct tdm_sdp *sdp;
	struct tdm_sip_error err;
	int rc;
};

static void parse(struct parsed *p, const char *text)
{
	memset(p, 0, sizeof(*p));
	p->len = strlen(text);
	p->buf = tdm_guard_copy(text, p->len);
	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&p->a, 4096), 0);
	p->rc = tdm_sdp_parse(&p->sdp, p->a, p->buf, p->len, &p->err);
}

static void done(struct parsed *p)
{
	tdm_arena_free(p->a);
	tdm_guard_free(p->buf, p->len);
}

static void test_sip_sdp_offer(void)
{
	struct parsed p;
	const struct tdm_sdp_media *m;

	parse(&p, offer);
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	TDM_ASSERT_STR(p.sdp->origin.username, "alice");
	TDM_ASSERT_STR(p.sdp->origin.sess_id, "2890844526");
	TDM_ASSERT_STR(p.sdp->origin.sess_version, "2890844526");
	TDM_ASSERT_STR(p.sdp->origin.nettype, "IN");
	TDM_ASSERT_STR(p.sdp->origin.addrtype, "IP4");
	TDM_ASSERT_STR(p.sdp->origin.addr, "host.atlanta.example.com");
	CU_ASSERT_EQUAL(p.sdp->origin.type, TDM_SDP_IP4);
	TDM_ASSERT_STR(p.sdp->session_name, " ");
	CU_ASSERT_TRUE(p.sdp->has_conn);
	TDM_ASSERT_STR(p.sdp->conn.addr, "192.0.2.10");
	CU_ASSERT_EQUAL(p.sdp->start, 0);
	CU_ASSERT_EQUAL(p.sdp->attr_count, 1);
	TDM_ASSERT_STR(p.sdp->attrs[0].name, "group");
	TDM_ASSERT_STR(p.sdp->attrs[0].value, "BUNDLE a v");
	CU_ASSERT_EQUAL(p.sdp->dir, TDM_SDP_DIR_NONE);
	CU_ASSERT_EQUAL_FATAL(p.sdp->media_count, 2);

	m = &p.sdp->media[0];
	TDM_ASSERT_STR(m->media, "audio");
	CU_ASSERT_EQUAL(m->port, 49170);
	CU_ASSERT_EQUAL(m->port_count, 1);
	TDM_ASSERT_STR(m->proto, "RTP/AVP");
	CU_ASSERT_EQUAL_FATAL(m->fmt_count, 3);
	TDM_ASSERT_STR(m->fmts[0], "0");
	TDM_ASSERT_STR(m->fmts[2], "97");
	CU_ASSERT_FALSE(m->has_conn);
	TDM_ASSERT_STR(m->conn.addr, "192.0.2.10"); /* inherited */
	CU_ASSERT_EQUAL(m->attr_count, 6);
	CU_ASSERT_EQUAL(m->dir, TDM_SDP_SENDONLY);
	CU_ASSERT_EQUAL(tdm_sdp_media_dir(p.sdp, 0), TDM_SDP_SENDONLY);
	CU_ASSERT_EQUAL(m->rtcp_port, 49171);
	CU_ASSERT_EQUAL(m->rtcp_conn.addr.len, 0);
	CU_ASSERT_EQUAL_FATAL(m->rtpmap_count, 3);
	CU_ASSERT_EQUAL(m->rtpmaps[2].pt, 97);
	TDM_ASSERT_STR(m->rtpmaps[2].encoding, "iLBC");
	CU_ASSERT_EQUAL(m->rtpmaps[2].clock, 8000);

	m = &p.sdp->media[1];
	TDM_ASSERT_STR(m->media, "video");
	CU_ASSERT_EQUAL(m->port, 51372);
	CU_ASSERT_EQUAL(m->port_count, 2);
	CU_ASSERT_TRUE(m->has_conn);
	CU_ASSERT_EQUAL(m->conn.type, TDM_SDP_IP6);
	TDM_ASSERT_STR(m->conn.addr, "2001:db8::1");
	CU_ASSERT_EQUAL(m->dir, TDM_SDP_DIR_NONE);
	CU_ASSERT_EQUAL(tdm_sdp_media_dir(p.sdp, 1), TDM_SDP_SENDRECV);
	CU_ASSERT_EQUAL(m->rtcp_port, 53020);
	TDM_ASSERT_STR(m->rtcp_conn.addr, "126.16.64.4");
	CU_ASSERT_EQUAL(m->rtpmap_count, 2);
	TDM_ASSERT_STR(m->rtpmaps[1].encoding, "MPV");
	CU_ASSERT_EQUAL(m->rtpmaps[1].clock, 90000);
	CU_ASSERT_EQUAL(p.sdp->line_count, 19);
	done(&p);
}

/* LF endings, no ending on the last line, multicast, session direction,
 * rtpmap with channels, extension line types, an empty line. */
static void test_sip_sdp_variants(void)
{
	struct parsed p;
	const struct tdm_sdp_media *m;

	parse(&p, "v=0\n"
		  "o=- 1 2 IN IP6 ::1\n"
		  "s=Seminar\n"
		  "i=A Seminar on the session description protocol\n"
		  "u=http://www.example.com/seminars/sdp.pdf\n"
		  "e=j.doe@example.com (Jane Doe)\n"
		  "c=IN IP4 224.2.17.12/127/3\n"
		  "b=AS:128\n"
		  "t=2873397496 2873404696\n"
		  "r=7d 1h 0 25h\n"
		  "a=recvonly\n"
		  "\n"
		  "m=audio 49170 RTP/AVP 96\n"
		  "a=rtpmap:96 opus/48000/2\n"
		  "m=application 0 udp wb");
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_EQUAL(p.sdp->origin.type, TDM_SDP_IP6);
	TDM_ASSERT_STR(p.sdp->conn.addr, "224.2.17.12");
	TDM_ASSERT_STR(p.sdp->conn.suffix, "/127/3");
	CU_ASSERT_EQUAL(p.sdp->start, 2873397496u);
	CU_ASSERT_EQUAL(p.sdp->stop, 2873404696u);
	CU_ASSERT_EQUAL(p.sdp->dir, TDM_SDP_RECVONLY);
	CU_ASSERT_EQUAL_FATAL(p.sdp->media_count, 2);
	m = &p.sdp->media[0];
	CU_ASSERT_EQUAL(tdm_sdp_media_dir(p.sdp, 0), TDM_SDP_RECVONLY);
	CU_ASSERT_EQUAL_FATAL(m->rtpmap_count, 1);
	TDM_ASSERT_STR(m->rtpmaps[0].encoding, "opus");
	TDM_ASSERT_STR(m->rtpmaps[0].params, "2");
	CU_ASSERT_EQUAL(m->rtcp_port, -1);
	m = &p.sdp->media[1];
	CU_ASSERT_EQUAL(m->port, 0);
	TDM_ASSERT_STR(m->proto, "udp");
	CU_ASSERT_EQUAL_FATAL(m->fmt_count, 1);
	TDM_ASSERT_STR(m->fmts[0], "wb");
	done(&p);

	/* a rejected stream may come without formats or connection */
	parse(&p, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
		  "m=audio 0 RTP/AVP\r\n");
	CU_ASSERT_EQUAL(p.rc, 0);
	done(&p);
}

/* Each malformed body with where and why it must be refused; sizeof keeps
 * embedded NULs. */
#define BAD(text, off, why) { text, sizeof(text) - 1, off, why }
static const struct {
	const char *text;
	size_t len;
	uint32_t offset;
	const char *reason;
} bad_cases[] = {
	BAD("", 0, "empty SDP"),
	BAD("\r\n", 0, "empty SDP"),
	BAD("v=1\r\n", 0, "SDP must start with v=0"),
	BAD("o=- 1 1 IN IP4 h\r\nv=0\r\n", 0, "SDP must start with v=0"),
	BAD("v=0\r\ns=x\r\n", 0, "SDP without o= line"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\n", 0, "SDP without s= line"),
	BAD("v=0\r\nv=0\r\n", 5, "repeated SDP v= line"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\no=- 1 1 IN IP4 h\r\n", 23,
	    "repeated SDP o= line"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 0 RTP/AVP 0\r\ns=x\r\n",
	    49, "SDP o= or s= inside media"),
	BAD("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", 7, "malformed SDP origin"),
	BAD("v=0\r\no=- 1 1 IN IP4 h x\r\ns=-\r\n", 7, "malformed SDP origin"),
	BAD("v=0\r\nx\r\n", 5, "malformed SDP line"),
	BAD("v=0\r\nA=b\r\n", 5, "malformed SDP line"),
	BAD("v=0\r\n a=b\r\n", 5, "malformed SDP line"),
	BAD("v=0\r\ns=a\rb\r\n", 8, "control character in SDP"),
	BAD("v=0\r\ns=a\0b\r\n", 8, "control character in SDP"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n", 30,
	    "malformed SDP connection"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 /24\r\n", 37,
	    "malformed SDP connection"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nc=IN\r\n", 42,
	    "malformed SDP connection"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nt=1\r\n", 37,
	    "malformed SDP timing"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0\r\n", 30,
	    "malformed SDP timing"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=x 0\r\n", 30,
	    "malformed SDP timing"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio\r\n",
	    42, "malformed SDP media"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 70000 RTP/AVP 0\r\n",
	    48, "malformed SDP media port"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5/0 RTP/AVP 0\r\n",
	    50, "malformed SDP media port"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP\r\n",
	    50, "SDP media without formats"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 5 RTP/AVP 0\r\n", 30,
	    "SDP media without connection"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\na=\r\n", 30,
	    "malformed SDP attribute"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\na=a b\r\n", 31,
	    "malformed SDP attribute"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP 0\r\n"
	    "a=rtcp:x\r\n", 68, "malformed SDP rtcp attribute"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP 0\r\n"
	    "a=rtcp:5 IN\r\n", 70, "malformed SDP rtcp attribute"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP 0\r\n"
	    "a=rtpmap:0 PCMU\r\n", 72, "malformed SDP rtpmap"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP 0\r\n"
	    "a=rtpmap:200 PCMU/8000\r\n", 70, "malformed SDP rtpmap"),
	BAD("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 5 RTP/AVP 0\r\n"
	    "a=rtpmap:0 PCMU/8000/\r\n", 72, "malformed SDP rtpmap"),
};

static void test_sip_sdp_malformed(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad_cases); i++) {
		struct parsed p;
		size_t len = bad_cases[i].len;

		memset(&p, 0, sizeof(p));
		p.len = len;
		p.buf = tdm_guard_copy(bad_cases[i].text, len);
		CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&p.a, 0), 0);
		p.rc = tdm_sdp_parse(&p.sdp, p.a, p.buf, p.len, &p.err);
		CU_ASSERT_EQUAL(p.rc, -EBADMSG);
		if (p.rc != -EBADMSG || p.err.offset != bad_cases[i].offset ||
		    strcmp(p.err.reason, bad_cases[i].reason)) {
			fprintf(stderr, "case %zu: rc %d offset %u reason %s\n",
				i, p.rc, (unsigned)p.err.offset,
				p.rc == -EBADMSG ? p.err.reason : "-");
			CU_FAIL("wrong error");
		}
		done(&p);
	}
}

/* Writing with no edits gives back the input, byte for byte. */
static void test_sip_sdp_unchanged(void)
{
	static const char *const texts[] = {
		offer,
		"v=0\no=- 1 2 IN IP4 h\ns=x\nc=IN IP4 1.2.3.4\nt=0 0\n\n"
		"m=audio 1 RTP/AVP 0\r\n\r\n",
		"v=0\r\no=- 1 2 IN IP4 h\r\ns=x\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 1 RTP/AVP 0",
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(texts); i++) {
		struct tdm_buf out = TDM_BUF_INIT;
		struct tdm_sdp_edits *e;
		struct parsed p;

		parse(&p, texts[i]);
		CU_ASSERT_EQUAL_FATAL(p.rc, 0);
		CU_ASSERT_EQUAL_FATAL(tdm_sdp_edits_new(&e, p.sdp, p.a), 0);
		CU_ASSERT_EQUAL(tdm_sdp_write(e, &out), 0);
		ASSERT_BUF(&out, texts[i]);
		tdm_buf_free(&out);
		done(&p);
	}
}

/* Parses the rewritten body again: a rewrite must stay valid SDP. */
static void check_reparse(const struct tdm_buf *out)
{
	struct tdm_arena *a;
	struct tdm_sdp *sdp;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_sdp_parse(&sdp, a, out->data, out->len, NULL), 0);
	tdm_arena_free(a);
}

/* What a media relay does: every address and port replaced, ICE removed,
 * RTCP pointed at the relay, direction forced. */
static void test_sip_sdp_relay(void)
{
	static const char expect[] =
		"v=0\r\n"
		"o=alice 2890844526 2890844526 IN IP4 203.0.113.5\r\n"
		"s= \r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"t=0 0\r\n"
		"a=group:BUNDLE a v\r\n"
		"m=audio 20000 RTP/AVP 0 8 97\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:97 iLBC/8000\r\n"
		"a=rtcp:20001\r\n"
		"a=sendrecv\r\n"
		"m=video 20002/2 RTP/AVP 31 32\r\n"
		"c=IN IP4 203.0.113.5\r\n"
		"a=rtpmap:31 H261/90000\r\n"
		"a=rtpmap:32 MPV/90000\r\n"
		"a=rtcp:20003 IN IP4 203.0.113.5\r\n"
		"a=sendrecv\r\n";
	struct tdm_str ip = TDM_STR("203.0.113.5"), ip4 = TDM_STR("IP4");
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sdp_edits *e;
	struct parsed p;
	char tmp[64];

	parse(&p, offer);
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sdp_edits_new(&e, p.sdp, p.a), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, TDM_SDP_ALL, &ip4, &ip), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_origin(e, &ip4, &ip), 0);
	for (unsigned i = 0; i < p.sdp->media_count; i++) {
		const struct tdm_sdp_media *m = &p.sdp->media[i];
		uint16_t port = (uint16_t)(20000 + 2 * i);
		int n;

		CU_ASSERT_EQUAL(tdm_sdp_edit_set_port(e, i, port), 0);
		if (m->rtcp_port < 0)
			continue;
		/* a temporary: the edit list keeps its own copy */
		if (m->rtcp_conn.addr.len)
			n = snprintf(tmp, sizeof(tmp), "%u IN IP4 %.*s",
				     port + 1u, TDM_STR_FMT(&ip));
		else
			n = snprintf(tmp, sizeof(tmp), "%u", port + 1u);
		CU_ASSERT_EQUAL(tdm_sdp_edit_set_attr(e, (int)i, "rtcp",
				&(struct tdm_str){ tmp, (size_t)n }), 0);
		memset(tmp, 'x', sizeof(tmp));
	}
	CU_ASSERT_EQUAL(tdm_sdp_edit_del_attr(e, TDM_SDP_ALL, "candidate"), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_dir(e, TDM_SDP_ALL, TDM_SDP_SENDRECV), 0);
	CU_ASSERT_EQUAL(tdm_sdp_write(e, &out), 0);
	ASSERT_BUF(&out, expect);
	check_reparse(&out);
	/* writing twice gives the same result */
	tdm_buf_reset(&out);
	CU_ASSERT_EQUAL(tdm_sdp_write(e, &out), 0);
	ASSERT_BUF(&out, expect);
	tdm_buf_free(&out);
	done(&p);
}

/* Attribute edits in detail, LF endings (new lines follow the body). */
static void test_sip_sdp_attrs(void)
{
	static const char in[] =
		"v=0\n"
		"o=- 1 2 IN IP4 h\n"
		"s=-\n"
		"c=IN IP4 192.0.2.1\n"
		"t=0 0\n"
		"a=inactive\n"
		"m=audio 4000 RTP/AVP 0 101\n"
		"a=ptime:20\n"
		"a=fmtp:101 0-15\n"
		"a=ptime:30\n"
		"m=video 4002 RTP/AVP 96\n"
		"b=AS:500\n"
		"a=rtpmap:96 VP8/90000\n"
		"a=recvonly";
	static const char expect[] =
		"v=0\n"
		"o=- 1 2 IN IP4 h\n"
		"s=-\n"
		"c=IN IP4 192.0.2.1\n"
		"t=0 0\n"
		"m=audio 4000 RTP/AVP 0 101\n"
		"a=ptime:40\n"
		"a=fmtp:101 0-15\n"
		"a=ssrc:1 cname:x\n"
		"a=ssrc:2 cname:x\n"
		"m=video 4002 RTP/AVP 96\n"
		"c=IN IP6 2001:db8::5\n"
		"b=AS:500\n"
		"a=rtpmap:96 VP8/90000\n"
		"a=sendonly\n"
		"a=label:1\n";
	struct tdm_str v = TDM_STR("40"), s1 = TDM_STR("1 cname:x"),
		       s2 = TDM_STR("2 cname:x"), one = TDM_STR("1"),
		       ip6 = TDM_STR("IP6"), ip = TDM_STR("2001:db8::5");
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sdp_edits *e;
	struct parsed p;

	parse(&p, in);
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sdp_edits_new(&e, p.sdp, p.a), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_dir(e, TDM_SDP_SESSION, TDM_SDP_DIR_NONE), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_add_attr(e, 0, "ptime", &one), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_attr(e, 0, "ptime", &v), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_add_attr(e, 0, "ssrc", &s1), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_add_attr(e, 0, "ssrc", &s2), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_dir(e, 1, TDM_SDP_INACTIVE), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_dir(e, 1, TDM_SDP_SENDONLY), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_attr(e, 1, "label", &one), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, 1, &ip6, &ip), 0);
	CU_ASSERT_EQUAL(tdm_sdp_write(e, &out), 0);
	ASSERT_BUF(&out, expect);
	check_reparse(&out);
	tdm_buf_free(&out);
	done(&p);
}

/* A session without session-level c=: ALL sets every media c= and adds
 * none at session level; set_conn on the session adds one before t=. */
static void test_sip_sdp_conn_insert(void)
{
	static const char in[] =
		"v=0\r\n"
		"o=- 1 2 IN IP4 h\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"c=IN IP4 192.0.2.1/127\r\n"
		"c=IN IP4 192.0.2.2/127\r\n"
		"m=audio 0 RTP/AVP 0\r\n";
	static const char expect[] =
		"v=0\r\n"
		"o=- 1 2 IN IP4 h\r\n"
		"s=-\r\n"
		"c=IN IP4 10.0.0.1\r\n"
		"t=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"c=IN IP4 10.0.0.2\r\n"
		"m=audio 0 RTP/AVP 0\r\n"
		"c=IN IP4 10.0.0.2\r\n";
	struct tdm_str ip4 = TDM_STR("IP4"), a1 = TDM_STR("10.0.0.1"),
		       a2 = TDM_STR("10.0.0.2");
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sdp_edits *e;
	struct parsed p;

	parse(&p, in);
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sdp_edits_new(&e, p.sdp, p.a), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, TDM_SDP_ALL, &ip4, &a2), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, TDM_SDP_SESSION, &ip4, &a1), 0);
	CU_ASSERT_EQUAL(tdm_sdp_write(e, &out), 0);
	ASSERT_BUF(&out, expect);
	check_reparse(&out);
	tdm_buf_free(&out);
	done(&p);
}

static void test_sip_sdp_edit_einval(void)
{
	struct tdm_str ip4 = TDM_STR("IP4"), ok = TDM_STR("1.2.3.4"),
		       crlf = TDM_STR("1.2.3.4\r\na=x"), sp = TDM_STR("1 2"),
		       empty = TDM_STR("");
	struct tdm_sdp_edits *e;
	struct parsed p;

	parse(&p, offer);
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sdp_edits_new(&e, p.sdp, p.a), 0);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, 2, &ip4, &ok), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, -3, &ip4, &ok), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, 0, &ip4, &crlf), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, 0, &ip4, &sp), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_conn(e, 0, &empty, &ok), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_origin(e, &ip4, &empty), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_port(e, 2, 5), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_del_attr(e, 0, ""), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_del_attr(e, 0, "a:b"), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_attr(e, 0, "x", &crlf), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_add_attr(e, 5, "x", NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sdp_edit_set_dir(e, 0, (enum tdm_sdp_dir)9), -EINVAL);
	CU_ASSERT_STRING_EQUAL(tdm_sdp_dir_name(TDM_SDP_INACTIVE), "inactive");
	CU_ASSERT_STRING_EQUAL(tdm_sdp_dir_name(TDM_SDP_DIR_NONE), "");
	done(&p);
}

/* Parse, rewrite and write with allocation failures injected anywhere. */
static int relay_once(void *arg)
{
	struct tdm_str ip = TDM_STR("203.0.113.5"), ip4 = TDM_STR("IP4");
	const char *text = arg;
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sdp_edits *e;
	struct tdm_arena *a;
	struct tdm_sdp *sdp;
	int rc;

	if ((rc = tdm_arena_new(&a, 0)))
		return rc;
	rc = tdm_sdp_parse(&sdp, a, text, strlen(text), NULL);
	if (!rc)
		rc = tdm_sdp_edits_new(&e, sdp, a);
	if (!rc)
		rc = tdm_sdp_edit_set_conn(e, TDM_SDP_ALL, &ip4, &ip);
	if (!rc)
		rc = tdm_sdp_edit_del_attr(e, TDM_SDP_ALL, "candidate");
	if (!rc)
		rc = tdm_sdp_write(e, &out);
	tdm_buf_free(&out);
	tdm_arena_free(a);
	return rc;
}

static void test_sip_sdp_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(relay_once, (void *)offer), 0);
}

TDM_TEST_SUITE(sip_sdp,
	       TDM_TEST(test_sip_sdp_offer),
	       TDM_TEST(test_sip_sdp_variants),
	       TDM_TEST(test_sip_sdp_malformed),
	       TDM_TEST(test_sip_sdp_unchanged),
	       TDM_TEST(test_sip_sdp_relay),
	       TDM_TEST(test_sip_sdp_attrs),
	       TDM_TEST(test_sip_sdp_conn_insert),
	       TDM_TEST(test_sip_sdp_edit_einval),
	       TDM_TEST(test_sip_sdp_oom))
