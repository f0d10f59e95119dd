/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for modules/registrar/save.c: REGISTER processing on real parsed
 * messages — Contact parsing, expires rules (param, header, default,
 * 423, clamp), Contact: *, Call-ID/CSeq ordering, q, max_contacts, Path,
 * Outbound (reg-id, 439), GRUU and NAT received — and the text of the
 * answers (the extra header lines given to tdm_scr_reply()). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sip.h>
#include "reg.h"
#include "test.h"

#define NOW 1000000

static struct reg_cfg cfg = {
	.default_expires = 3600, .min_expires = 60, .max_expires = 7200,
	.max_contacts = 3, .natping_interval = 30, .natping_method = "options",
	.flow_timer = 0, .timer_interval = 10, .hash_size = 64,
	.outbound = true, .gruu = true,
};

static struct reg_ul *mk(void)
{
	struct reg_ul_cfg c = { .buckets = 64, .stripes = 8,
				.max_contacts = (unsigned)cfg.max_contacts };
	struct reg_ul *ul = NULL;

	CU_ASSERT_EQUAL_FATAL(reg_ul_create(&c, &ul), 0);
	return ul;
}

static const struct reg_src udp_src = {
	.known = true, .proto = TDM_PROTO_UDP, .ip = TDM_STR("192.0.2.1"),
	.port = 5060, .listen_index = 0,
};

/* Builds and processes a REGISTER for alice@example.com with the given
 * extra header lines; the reply lands in *rep (caller frees hdrs). */
static int do_reg(struct reg_ul *ul, const char *callid, unsigned cseq,
		  const char *hdrs, const struct reg_src *src, int64_t now,
		  struct reg_reply *rep)
{
	char buf[4096];
	struct tdm_sip_msg *m;
	int n, rc;

	n = snprintf(buf, sizeof(buf),
		     "REGISTER sip:example.com SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-%u\r\n"
		     "From: <sip:alice@example.com>;tag=1\r\n"
		     "To: <sip:alice@Example.COM>\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: %u REGISTER\r\n"
		     "Max-Forwards: 70\r\n"
		     "User-Agent: test/1\r\n"
		     "%s"
		     "Content-Length: 0\r\n\r\n",
		     cseq, callid, cseq, hdrs);
	CU_ASSERT_FATAL(n > 0 && n < (int)sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, buf, (size_t)n, NULL, NULL), 0);
	rc = reg_save(ul, &cfg, m, src ? src : &udp_src, now, rep);
	tdm_sip_msg_free(m);
	return rc;
}

static bool has(const struct reg_reply *r, const char *s)
{
	return r->hdrs.data && strstr(r->hdrs.data, s) != NULL;
}

static int count(const struct reg_reply *r, const char *s)
{
	int n = 0;

	for (const char *p = r->hdrs.data; p && (p = strstr(p, s)); p++)
		n++;
	return n;
}

static int grab(const struct reg_ul_binding *b, void *arg)
{
	struct reg_ul_binding **out = arg;

	*out = reg_ul_binding_dup(b);
	return 1;
}

/* The only (first) binding of alice, as a copy to free. */
static struct reg_ul_binding *alice(struct reg_ul *ul)
{
	struct reg_ul_binding *b = NULL;
	struct tdm_str aor = TDM_STR("alice@example.com");

	reg_ul_aor_walk(ul, &aor, grab, &b);
	return b;
}

static void test_reg_save_basic(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	struct reg_ul_binding *b;

	CU_ASSERT_EQUAL(do_reg(ul, "c1", 1, "Contact: <sip:alice@192.0.2.1:5060>\r\n",
			       NULL, NOW, &r), 0);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, "Contact: <sip:alice@192.0.2.1:5060>;expires=3600\r\n"));
	CU_ASSERT_TRUE(has(&r, "Date: "));
	CU_ASSERT_TRUE(has(&r, " GMT\r\n"));
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	TDM_ASSERT_STR(b->aor, "alice@example.com"); /* host lower-cased */
	TDM_ASSERT_STR(b->received, "");            /* not NATed */
	TDM_ASSERT_STR(b->user_agent, "test/1");
	TDM_ASSERT_STR(b->callid, "c1");
	CU_ASSERT_EQUAL(b->cseq, 1);
	CU_ASSERT_EQUAL(b->expires, NOW + 3600);
	CU_ASSERT_EQUAL(b->q, -1);
	CU_ASSERT_EQUAL(b->flags, 0);
	reg_ul_binding_free(b);

	/* a query (no Contact) lists the bindings and changes nothing */
	CU_ASSERT_EQUAL(do_reg(ul, "c9", 1, "", NULL, NOW + 100, &r), 0);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, ";expires=3500\r\n"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_expires_rules(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;

	/* Expires header */
	do_reg(ul, "c1", 1, "Expires: 120\r\nContact: <sip:a@192.0.2.1>\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, ";expires=120\r\n"));
	tdm_buf_free(&r.hdrs);
	/* the contact parameter wins */
	do_reg(ul, "c1", 2, "Expires: 120\r\nContact: <sip:a@192.0.2.1>;expires=300\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_TRUE(has(&r, ";expires=300\r\n"));
	tdm_buf_free(&r.hdrs);
	/* clamped to max_expires */
	do_reg(ul, "c1", 3, "Contact: <sip:a@192.0.2.1>;expires=99999\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_TRUE(has(&r, ";expires=7200\r\n"));
	tdm_buf_free(&r.hdrs);
	/* too brief: 423 with Min-Expires, nothing changed */
	do_reg(ul, "c1", 4, "Contact: <sip:a@192.0.2.1>;expires=30\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 423);
	CU_ASSERT_STRING_EQUAL(r.reason, "Interval Too Brief");
	CU_ASSERT_TRUE(has(&r, "Min-Expires: 60\r\n"));
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c1", 5, "Expires: 1\r\nContact: <sip:a@192.0.2.1>\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 423);
	tdm_buf_free(&r.hdrs);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	/* expires=0 removes (not a 423) */
	do_reg(ul, "c1", 6, "Contact: <sip:a@192.0.2.1>;expires=0\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_FALSE(has(&r, "Contact:"));
	tdm_buf_free(&r.hdrs);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 0);
	/* bad Expires header */
	do_reg(ul, "c1", 7, "Expires: soon\r\nContact: <sip:a@192.0.2.1>\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_contact_parsing(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;

	do_reg(ul, "c1", 1, "Contact: <mailto:a@b>\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c1", 2, "Contact: <sip:@@>\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	/* two contacts in one header, one in another, compact form */
	do_reg(ul, "c1", 3,
	       "Contact: <sip:a@192.0.2.1>, \"B\" <sip:b@192.0.2.1>;q=0.5\r\n"
	       "m: sip:c@192.0.2.1;expires=600\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(count(&r, "Contact: "), 3);
	CU_ASSERT_TRUE(has(&r, "<sip:b@192.0.2.1>;expires=3600;q=0.5\r\n"));
	CU_ASSERT_TRUE(has(&r, "<sip:c@192.0.2.1>;expires=600\r\n"));
	tdm_buf_free(&r.hdrs);
	/* the same contact written differently (§19.1.4) is the same binding */
	do_reg(ul, "c1", 4, "Contact: <sip:c@192.0.2.1;foo=bar>;expires=900\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 3);
	CU_ASSERT_TRUE(has(&r, "<sip:a@192.0.2.1>;expires=3600\r\n"));
	CU_ASSERT_TRUE(has(&r, "<sip:c@192.0.2.1;foo=bar>;expires=900\r\n"));
	tdm_buf_free(&r.hdrs);
	/* ... but a transport parameter on one side only makes it another */
	do_reg(ul, "c1", 5, "Contact: <sip:b@192.0.2.1;transport=tcp>\r\n",
	       NULL, NOW + 1, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 3); /* max 3: the oldest gave way */
	CU_ASSERT_TRUE(has(&r, "transport=tcp"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_star(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;

	do_reg(ul, "c1", 1, "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.1>\r\n",
	       NULL, NOW, &r);
	tdm_buf_free(&r.hdrs);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 2);
	do_reg(ul, "c2", 1, "Contact: *\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c2", 1, "Expires: 10\r\nContact: *\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	/* same Call-ID, old CSeq: * keeps those bindings */
	do_reg(ul, "c1", 1, "Expires: 0\r\nContact: *\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 2);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c2", 1, "Expires: 0\r\nContact: *\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_FALSE(has(&r, "Contact:"));
	CU_ASSERT_EQUAL(reg_ul_count(ul), 0);
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_callid_cseq(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	struct reg_ul_binding *b;

	do_reg(ul, "c1", 10, "Contact: <sip:a@192.0.2.1>\r\n", NULL, NOW, &r);
	tdm_buf_free(&r.hdrs);
	/* lower CSeq, same Call-ID: 500, no change */
	do_reg(ul, "c1", 9, "Contact: <sip:a@192.0.2.1>;expires=100\r\n", NULL,
	       NOW + 1, &r);
	CU_ASSERT_EQUAL(r.code, 500);
	CU_ASSERT_PTR_NOT_NULL(r.reason);
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	CU_ASSERT_EQUAL(b->expires, NOW + 3600);
	reg_ul_binding_free(b);
	/* equal CSeq soon after: a retransmission, answered 200 unchanged */
	do_reg(ul, "c1", 10, "Contact: <sip:a@192.0.2.1>;expires=100\r\n", NULL,
	       NOW + 2, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, ";expires=3598\r\n"));
	tdm_buf_free(&r.hdrs);
	/* equal CSeq much later: 500 */
	do_reg(ul, "c1", 10, "Contact: <sip:a@192.0.2.1>;expires=100\r\n", NULL,
	       NOW + 100, &r);
	CU_ASSERT_EQUAL(r.code, 500);
	tdm_buf_free(&r.hdrs);
	/* all or nothing: one contact fine, one out of order */
	do_reg(ul, "c1", 9,
	       "Contact: <sip:new@192.0.2.1>, <sip:a@192.0.2.1>\r\n", NULL,
	       NOW + 100, &r);
	CU_ASSERT_EQUAL(r.code, 500);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	tdm_buf_free(&r.hdrs);
	/* another Call-ID (a rebooted phone) may use any CSeq */
	do_reg(ul, "c2", 1, "Contact: <sip:a@192.0.2.1>;expires=100\r\n", NULL,
	       NOW + 100, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	TDM_ASSERT_STR(b->callid, "c2");
	CU_ASSERT_EQUAL(b->expires, NOW + 200);
	reg_ul_binding_free(b);
	/* higher CSeq, same Call-ID: updates */
	do_reg(ul, "c2", 2, "Contact: <sip:a@192.0.2.1>;expires=0\r\n", NULL,
	       NOW + 100, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 0);
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_max_contacts(void)
{
	struct reg_ul *ul = mk(); /* max 3 */
	struct reg_reply r;

	do_reg(ul, "c1", 1, "Contact: <sip:a@192.0.2.1>\r\n", NULL, NOW, &r);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c2", 1, "Contact: <sip:b@192.0.2.1>\r\n", NULL, NOW + 1, &r);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c3", 1, "Contact: <sip:c@192.0.2.1>\r\n", NULL, NOW + 2, &r);
	tdm_buf_free(&r.hdrs);
	/* a 4th replaces the least recently refreshed (a) */
	do_reg(ul, "c4", 1, "Contact: <sip:d@192.0.2.1>\r\n", NULL, NOW + 3, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(count(&r, "Contact: "), 3);
	CU_ASSERT_FALSE(has(&r, "sip:a@"));
	CU_ASSERT_TRUE(has(&r, "sip:d@"));
	tdm_buf_free(&r.hdrs);
	/* an expired binding (not swept yet) gives way before the oldest */
	do_reg(ul, "c6", 1, "Contact: <sip:x@192.0.2.1>;expires=0\r\n", NULL, NOW + 3, &r);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c1", 2, "Contact: <sip:a@192.0.2.1>;expires=60\r\n", NULL, NOW + 3, &r);
	CU_ASSERT_EQUAL(r.code, 200); /* replaced b, the oldest */
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c7", 1, "Contact: <sip:z@192.0.2.1>\r\n", NULL, NOW + 100, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_FALSE(has(&r, "sip:a@"));   /* expired: gave way */
	CU_ASSERT_TRUE(has(&r, "sip:c@"));    /* older, but alive */
	CU_ASSERT_TRUE(has(&r, "sip:d@"));
	CU_ASSERT_TRUE(has(&r, "sip:z@"));
	tdm_buf_free(&r.hdrs);
	/* more new contacts in one REGISTER than allowed: 403 */
	do_reg(ul, "c5", 1,
	       "Contact: <sip:e@192.0.2.1>, <sip:f@192.0.2.1>, "
	       "<sip:g@192.0.2.1>, <sip:h@192.0.2.1>\r\n", NULL, NOW + 4, &r);
	CU_ASSERT_EQUAL(r.code, 403);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 3);
	tdm_buf_free(&r.hdrs);
	/* refreshing the three and adding a fourth cannot fit either: 403,
	 * and the three are left as they were (nothing half-applied) */
	do_reg(ul, "c8", 1,
	       "Contact: <sip:c@192.0.2.1>;expires=90, <sip:d@192.0.2.1>;expires=90, "
	       "<sip:z@192.0.2.1>;expires=90, <sip:w@192.0.2.1>\r\n", NULL,
	       NOW + 5, &r);
	CU_ASSERT_EQUAL(r.code, 403);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c9", 1, "", NULL, NOW + 5, &r); /* a query */
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(count(&r, "Contact: "), 3);
	CU_ASSERT_FALSE(has(&r, "sip:w@"));
	CU_ASSERT_FALSE(has(&r, "expires=90"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_q(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;

	do_reg(ul, "c1", 1,
	       "Contact: <sip:a@192.0.2.1>;q=0.1, <sip:b@192.0.2.1>;q=1.0, "
	       "<sip:c@192.0.2.1>;q=0.25\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, "<sip:a@192.0.2.1>;expires=3600;q=0.1\r\n"));
	CU_ASSERT_TRUE(has(&r, "<sip:b@192.0.2.1>;expires=3600;q=1\r\n"));
	CU_ASSERT_TRUE(has(&r, "<sip:c@192.0.2.1>;expires=3600;q=0.25\r\n"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_path(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	struct reg_ul_binding *b;

	do_reg(ul, "c1", 1,
	       "Path: <sip:edge1.example.net;lr>\r\nPath: <sip:edge2.example.net;lr>\r\n"
	       "Contact: <sip:a@192.0.2.1>\r\n", NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_FALSE(has(&r, "Path:")); /* client did not say Supported: path */
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	TDM_ASSERT_STR(b->path, "<sip:edge1.example.net;lr>,<sip:edge2.example.net;lr>");
	reg_ul_binding_free(b);
	do_reg(ul, "c1", 2,
	       "Supported: path\r\nPath: <sip:edge1.example.net;lr>\r\n"
	       "Contact: <sip:a@192.0.2.1>\r\n", NULL, NOW, &r);
	CU_ASSERT_TRUE(has(&r, "Path: <sip:edge1.example.net;lr>\r\n"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_outbound(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	struct reg_ul_binding *b;
	struct reg_src tcp = { .known = true, .proto = TDM_PROTO_TCP,
			       .ip = TDM_STR("198.51.100.7"), .port = 40312,
			       .conn_id = 77, .listen_index = 1 };
	const char *inst = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
	char h[512];

	snprintf(h, sizeof(h), "Supported: outbound, path\r\n"
		 "Contact: <sip:a@10.0.0.5:5060;transport=tcp;ob>;%s;reg-id=1\r\n", inst);
	do_reg(ul, "c1", 1, h, &tcp, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, "Require: outbound\r\n"));
	CU_ASSERT_TRUE(has(&r, ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1"));
	CU_ASSERT_FALSE(has(&r, "Flow-Timer"));
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	CU_ASSERT_EQUAL(b->conn_id, 77);
	CU_ASSERT_EQUAL(b->reg_id, 1);
	CU_ASSERT_EQUAL(b->listen_index, 1);
	CU_ASSERT_TRUE(b->flags & REG_UL_OUTBOUND);
	CU_ASSERT_TRUE(b->flags & REG_UL_STREAM);
	CU_ASSERT_TRUE(b->flags & REG_UL_NAT);
	TDM_ASSERT_STR(b->received, "tcp:198.51.100.7:40312");
	TDM_ASSERT_STR(b->instance, "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
	reg_ul_binding_free(b);

	/* a new flow (other connection, other contact) for the same instance
	 * and reg-id replaces the binding */
	tcp.conn_id = 78;
	snprintf(h, sizeof(h),
		 "Contact: <sip:a@10.0.0.5:5070;transport=tcp;ob>;%s;reg-id=1\r\n", inst);
	do_reg(ul, "c2", 1, h, &tcp, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	CU_ASSERT_EQUAL(b->conn_id, 78);
	reg_ul_binding_free(b);
	/* reg-id 2: a second flow */
	snprintf(h, sizeof(h),
		 "Contact: <sip:a@10.0.0.5:5070;transport=tcp;ob>;%s;reg-id=2\r\n", inst);
	do_reg(ul, "c2", 2, h, &tcp, NOW, &r);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 2);
	tdm_buf_free(&r.hdrs);

	/* two contacts with reg-id: 400 */
	snprintf(h, sizeof(h),
		 "Contact: <sip:a@10.0.0.5>;%s;reg-id=1, <sip:b@10.0.0.5>;%s;reg-id=2\r\n",
		 inst, inst);
	do_reg(ul, "c3", 1, h, &tcp, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	/* Flow-Timer when configured */
	cfg.flow_timer = 25;
	snprintf(h, sizeof(h), "Contact: <sip:a@10.0.0.5>;%s;reg-id=1\r\n", inst);
	do_reg(ul, "c2", 3, h, &tcp, NOW, &r);
	CU_ASSERT_TRUE(has(&r, "Flow-Timer: 25\r\n"));
	cfg.flow_timer = 0;
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_outbound_first_hop(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	const char *c = "Contact: <sip:a@10.0.0.5>;+sip.instance=\"<urn:uuid:1>\";reg-id=1\r\n";
	char h[512];

	/* two Vias, Path without ;ob: 439 */
	snprintf(h, sizeof(h), "Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK-x\r\n"
		 "Path: <sip:edge.example.net;lr>\r\n%s", c);
	do_reg(ul, "c1", 1, h, NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 439);
	tdm_buf_free(&r.hdrs);
	snprintf(h, sizeof(h), "Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK-x\r\n"
		 "Path: <sip:edge.example.net;lr;ob>\r\n%s", c);
	do_reg(ul, "c1", 2, h, NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, "Require: outbound\r\n"));
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_gruu(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;

	do_reg(ul, "c1", 1,
	       "Supported: gruu\r\nContact: <sip:a@192.0.2.1>;+sip.instance=\"<urn:uuid:abc>\"\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_TRUE(has(&r, ";pub-gruu=\"sip:alice@example.com;gr=urn:uuid:abc\""));
	CU_ASSERT_FALSE(has(&r, "reg-id"));
	tdm_buf_free(&r.hdrs);
	/* without Supported: gruu, no GRUU */
	do_reg(ul, "c1", 2,
	       "Contact: <sip:a@192.0.2.1>;+sip.instance=\"<urn:uuid:abc>\"\r\n",
	       NULL, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	CU_ASSERT_FALSE(has(&r, "pub-gruu"));
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1); /* same instance: same binding */
	tdm_buf_free(&r.hdrs);
	reg_ul_destroy(ul);
}

static void test_reg_save_nat(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	struct reg_ul_binding *b;
	struct reg_src nat = { .known = true, .proto = TDM_PROTO_UDP,
			       .ip = TDM_STR("203.0.113.9"), .port = 61000,
			       .listen_index = 2 };
	struct reg_src v6 = { .known = true, .proto = TDM_PROTO_UDP,
			      .ip = TDM_STR("2001:db8::1"), .port = 5060 };

	do_reg(ul, "c1", 1, "Contact: <sip:alice@10.0.0.5:5060>\r\n", &nat, NOW, &r);
	CU_ASSERT_EQUAL(r.code, 200);
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	TDM_ASSERT_STR(b->received, "udp:203.0.113.9:61000");
	CU_ASSERT_EQUAL(b->flags, REG_UL_NAT);
	CU_ASSERT_EQUAL(b->listen_index, 2);
	CU_ASSERT_EQUAL(b->conn_id, 0);
	reg_ul_binding_free(b);
	/* same address, written differently (IPv6, default port) */
	do_reg(ul, "c2", 1, "Contact: <sip:alice@[2001:DB8:0::1]>\r\n", &v6, NOW, &r);
	tdm_buf_free(&r.hdrs);
	do_reg(ul, "c2", 2, "Contact: <sip:alice@10.0.0.5:5060>;expires=0\r\n", &nat, NOW, &r);
	tdm_buf_free(&r.hdrs);
	b = alice(ul);
	TDM_ASSERT_STR(b->received, "");
	CU_ASSERT_EQUAL(b->flags, 0);
	reg_ul_binding_free(b);
	reg_ul_destroy(ul);
}

static void test_reg_save_not_register(void)
{
	struct reg_ul *ul = mk();
	struct reg_reply r;
	const char *s = "OPTIONS sip:example.com SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1\r\n"
			"From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
			"Call-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	struct tdm_sip_msg *m;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, s, strlen(s), NULL, NULL), 0);
	CU_ASSERT_EQUAL(reg_save(ul, &cfg, m, &udp_src, NOW, &r), 0);
	CU_ASSERT_EQUAL(r.code, 400);
	tdm_buf_free(&r.hdrs);
	tdm_sip_msg_free(m);
	reg_ul_destroy(ul);
}

static void test_reg_date(void)
{
	struct tdm_buf b = { 0 };

	reg_date_hdr(784887151, &b); /* RFC 3261's example date */
	CU_ASSERT_STRING_EQUAL(b.data, "Date: Tue, 15 Nov 1994 08:12:31 GMT\r\n");
	tdm_buf_free(&b);
}

TDM_TEST_SUITE(registrar_save,
	       TDM_TEST(test_reg_save_basic),
	       TDM_TEST(test_reg_save_expires_rules),
	       TDM_TEST(test_reg_save_contact_parsing),
	       TDM_TEST(test_reg_save_star),
	       TDM_TEST(test_reg_save_callid_cseq),
	       TDM_TEST(test_reg_save_max_contacts),
	       TDM_TEST(test_reg_save_q),
	       TDM_TEST(test_reg_save_path),
	       TDM_TEST(test_reg_save_outbound),
	       TDM_TEST(test_reg_save_outbound_first_hop),
	       TDM_TEST(test_reg_save_gruu),
	       TDM_TEST(test_reg_save_nat),
	       TDM_TEST(test_reg_save_not_register),
	       TDM_TEST(test_reg_date))
