/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for modules/registrar/lookup.c, aor.c and natping.c: target
 * order (q, then most recent), GRUU selection, NAT and flow targets,
 * the -1/-2 answers, AOR keys, and one keep-alive round with a fake
 * send function (nothing goes on the network). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/node.h>
#include "reg.h"
#include "test.h"

static struct reg_ul *mk(void)
{
	struct reg_ul_cfg c = { .buckets = 64, .stripes = 8, .max_contacts = 10 };
	struct reg_ul *ul = NULL;

	CU_ASSERT_EQUAL_FATAL(reg_ul_create(&c, &ul), 0);
	return ul;
}

static void add(struct reg_ul *ul, const char *aor, const char *contact, int q,
		int64_t mod, int64_t expires)
{
	struct reg_ul_binding b = { 0 };

	b.aor = tdm_str_c(aor);
	b.contact = tdm_str_c(contact);
	b.callid = TDM_STR("x");
	b.q = (int16_t)q;
	b.last_modified = mod;
	b.expires = expires;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
}

static void test_reg_lookup_order(void)
{
	struct reg_ul *ul = mk();
	struct tdm_arena *a;
	struct reg_targets t;
	struct tdm_str aor = TDM_STR("bob@d"), gr = TDM_STR_NULL;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 1024), 0);
	add(ul, "bob@d", "sip:low@h", 100, 10, 1000);
	add(ul, "bob@d", "sip:none-old@h", -1, 10, 1000); /* no q: 1.0 */
	add(ul, "bob@d", "sip:high@h", 1000, 20, 1000);
	add(ul, "bob@d", "sip:mid@h", 500, 30, 1000);
	add(ul, "bob@d", "sip:gone@h", 900, 40, 50);     /* expired */
	add(ul, "bob@d", "sip:low-new@h", 100, 50, 1000);
	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 100, a, &t), REG_FOUND);
	CU_ASSERT_EQUAL_FATAL(t.n, 5);
	TDM_ASSERT_STR(t.t[0].uri, "sip:high@h");     /* q 1.0, newer */
	TDM_ASSERT_STR(t.t[1].uri, "sip:none-old@h");
	TDM_ASSERT_STR(t.t[2].uri, "sip:mid@h");
	TDM_ASSERT_STR(t.t[3].uri, "sip:low-new@h");  /* same q: newest first */
	TDM_ASSERT_STR(t.t[4].uri, "sip:low@h");
	CU_ASSERT_EQUAL(t.t[0].q, 1000);
	CU_ASSERT_EQUAL(t.t[1].q, -1);
	CU_ASSERT_EQUAL(t.t[0].dst.len, 0);
	CU_ASSERT_EQUAL(t.t[0].conn_id, 0);

	aor = TDM_STR("nobody@d");
	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 100, a, &t), REG_NO_AOR);
	aor = TDM_STR("bob@d");
	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 5000, a, &t), REG_NO_CONTACT);
	tdm_arena_free(a);
	reg_ul_destroy(ul);
}

static void test_reg_lookup_nat_flow_gruu(void)
{
	struct reg_ul *ul = mk();
	struct tdm_arena *a;
	struct reg_targets t;
	struct tdm_str aor = TDM_STR("carol@d"), gr = TDM_STR_NULL;
	struct reg_ul_binding b = { 0 };

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 1024), 0);
	b.aor = aor;
	b.contact = TDM_STR("sip:carol@10.0.0.5:5060");
	b.received = TDM_STR("udp:203.0.113.9:61000");
	b.path = TDM_STR("<sip:edge;lr>");
	b.flags = REG_UL_NAT;
	b.instance = TDM_STR("urn:uuid:one");
	b.expires = 1000;
	b.last_modified = 2;
	b.q = -1;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b.contact = TDM_STR("sip:carol@10.0.0.6;transport=tcp");
	b.received = TDM_STR("tcp:203.0.113.9:40000");
	b.path = TDM_STR_NULL;
	b.flags = REG_UL_NAT | REG_UL_STREAM | REG_UL_OUTBOUND;
	b.conn_id = 42;
	b.instance = TDM_STR("urn:uuid:two");
	b.reg_id = 1;
	b.last_modified = 1;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);

	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 100, a, &t), REG_FOUND);
	CU_ASSERT_EQUAL_FATAL(t.n, 2);
	TDM_ASSERT_STR(t.t[0].dst, "sip:203.0.113.9:61000;transport=udp");
	TDM_ASSERT_STR(t.t[0].path, "<sip:edge;lr>");
	CU_ASSERT_EQUAL(t.t[0].conn_id, 0);
	TDM_ASSERT_STR(t.t[1].uri, "sip:carol@10.0.0.6;transport=tcp");
	CU_ASSERT_EQUAL(t.t[1].dst.len, 0); /* a flow: its connection or 430 */
	CU_ASSERT_EQUAL(t.t[1].conn_id, 42);

	gr = TDM_STR("urn:uuid:two");
	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 100, a, &t), REG_FOUND);
	CU_ASSERT_EQUAL_FATAL(t.n, 1);
	CU_ASSERT_EQUAL(t.t[0].conn_id, 42);
	gr = TDM_STR("urn:uuid:three");
	CU_ASSERT_EQUAL(reg_lookup_aor(ul, &aor, &gr, 100, a, &t), REG_NO_CONTACT);
	tdm_arena_free(a);
	reg_ul_destroy(ul);
}

static void test_reg_aor_keys(void)
{
	char buf[REG_AOR_MAX];
	struct tdm_str out;

	CU_ASSERT_EQUAL(reg_aor_from_text(&(struct tdm_str)TDM_STR("sip:Alice@Example.COM:5060;transport=tcp"),
					  buf, &out), 0);
	TDM_ASSERT_STR(out, "Alice@example.com");
	CU_ASSERT_EQUAL(reg_aor_from_text(&(struct tdm_str)TDM_STR("<sips:bob@d>"), buf, &out), 0);
	TDM_ASSERT_STR(out, "bob@d");
	CU_ASSERT_EQUAL(reg_aor_from_text(&(struct tdm_str)TDM_STR(" carol@D "), buf, &out), 0);
	TDM_ASSERT_STR(out, "carol@d");
	CU_ASSERT_EQUAL(reg_aor_from_text(&(struct tdm_str)TDM_STR("tel:+123"), buf, &out),
			-EINVAL);
	CU_ASSERT_EQUAL(reg_aor_from_text(&(struct tdm_str)TDM_STR(""), buf, &out), -EINVAL);
}

static void test_reg_received_parse(void)
{
	enum tdm_proto p;
	struct tdm_addr a;

	CU_ASSERT_EQUAL(reg_received_parse(&(struct tdm_str)TDM_STR("udp:127.0.0.1:5070"), &p, &a), 0);
	CU_ASSERT_EQUAL(p, TDM_PROTO_UDP);
	CU_ASSERT_EQUAL(reg_received_parse(&(struct tdm_str)TDM_STR("tcp:[::1]:5070"), &p, &a), 0);
	CU_ASSERT_EQUAL(p, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(reg_received_parse(&(struct tdm_str)TDM_STR("bogus"), &p, &a), -EINVAL);
	CU_ASSERT_EQUAL(reg_received_parse(&(struct tdm_str)TDM_STR("xyz:127.0.0.1:1"), &p, &a), -EINVAL);
}

/* ---- keep-alives ---------------------------------------------------------- */

static int sent_n;
static char sent_last[2048];
static struct tdm_node_dest sent_dest;

static int fake_send(const struct tdm_node_dest *d, const void *buf, size_t len)
{
	sent_n++;
	sent_dest = *d;
	if (len >= sizeof(sent_last))
		len = sizeof(sent_last) - 1;
	memcpy(sent_last, buf, len);
	sent_last[len] = '\0';
	return 0;
}

static int einval_send(const struct tdm_node_dest *d, const void *buf, size_t len)
{
	if (d->listen_index >= 0)
		return -EINVAL;
	return fake_send(d, buf, len);
}

static void test_reg_natping(void)
{
	struct reg_ul *ul = mk();
	struct reg_cfg cfg = { .natping_interval = 30, .natping_method = "options",
			       .natping_from = "sip:ping@example.com" };
	struct reg_ul_binding b = { 0 };

	b.aor = TDM_STR("dave@d");
	b.contact = TDM_STR("sip:dave@10.0.0.5:5060");
	b.received = TDM_STR("udp:127.0.0.1:61000");
	b.flags = REG_UL_NAT;
	b.expires = 1000;
	b.listen_index = 3;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	/* not NATed, stream, expired: no ping */
	b.contact = TDM_STR("sip:dave@127.0.0.1:5062");
	b.received = TDM_STR("");
	b.flags = 0;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b.contact = TDM_STR("sip:dave@10.0.0.7");
	b.received = TDM_STR("tcp:127.0.0.1:40000");
	b.flags = REG_UL_NAT | REG_UL_STREAM;
	b.conn_id = 5;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b.contact = TDM_STR("sip:dave@10.0.0.8");
	b.received = TDM_STR("udp:127.0.0.1:61001");
	b.flags = REG_UL_NAT;
	b.expires = 10;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);

	sent_n = 0;
	CU_ASSERT_EQUAL(reg_natping_round(ul, &cfg, 100, fake_send), 1);
	CU_ASSERT_EQUAL(sent_n, 1);
	CU_ASSERT_EQUAL(sent_dest.proto, TDM_PROTO_UDP);
	CU_ASSERT_EQUAL(sent_dest.listen_index, 3);
	CU_ASSERT_TRUE(strncmp(sent_last, "OPTIONS sip:dave@10.0.0.5:5060 SIP/2.0\r\n", 40) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sent_last, "From: <sip:ping@example.com>;tag="));
	CU_ASSERT_PTR_NOT_NULL(strstr(sent_last, "\r\nCSeq: 1 OPTIONS\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sent_last, ";branch=z9hG4bK"));
	CU_ASSERT_TRUE(strstr(sent_last, "\r\n\r\n") == sent_last + strlen(sent_last) - 4);

	cfg.natping_method = "crlf";
	sent_n = 0;
	CU_ASSERT_EQUAL(reg_natping_round(ul, &cfg, 100, fake_send), 1);
	CU_ASSERT_STRING_EQUAL(sent_last, "\r\n\r\n");
	/* a listen index that is not UDP: sent from any listen address */
	sent_n = 0;
	CU_ASSERT_EQUAL(reg_natping_round(ul, &cfg, 100, einval_send), 1);
	CU_ASSERT_EQUAL(sent_dest.listen_index, -1);
	reg_ul_destroy(ul);
}

TDM_TEST_SUITE(registrar_lookup,
	       TDM_TEST(test_reg_lookup_order),
	       TDM_TEST(test_reg_lookup_nat_flow_gruu),
	       TDM_TEST(test_reg_aor_keys),
	       TDM_TEST(test_reg_received_parse),
	       TDM_TEST(test_reg_natping))
