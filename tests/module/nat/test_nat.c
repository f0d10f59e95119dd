/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of modules/nat/nat_ip.c and nat_detect.c: address classes
 * (RFC 1918, RFC 6598, loopback, link-local, IPv6 ULA and mapped forms),
 * each nat.detect() test bit on requests and responses, and the Contact
 * rewrite of nat.fixed_contact() (params kept, IPv6, transport added,
 * several contacts and headers, "*"). */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include <tandem/sip.h>
#include "../../../modules/nat/nat_detect.h"
#include "../../../modules/nat/nat_ip.h"
#include "test.h"

static void test_nat_ip_classes(void)
{
	static const struct {
		const char *ip;
		enum nat_ip_class c;
		bool priv;
	} t[] = {
		{ "10.0.0.1", NAT_IP_PRIVATE, true },
		{ "10.255.255.255", NAT_IP_PRIVATE, true },
		{ "11.0.0.1", NAT_IP_PUBLIC, false },
		{ "172.15.255.255", NAT_IP_PUBLIC, false },
		{ "172.16.0.1", NAT_IP_PRIVATE, true },
		{ "172.31.255.255", NAT_IP_PRIVATE, true },
		{ "172.32.0.0", NAT_IP_PUBLIC, false },
		{ "192.168.1.20", NAT_IP_PRIVATE, true },
		{ "192.169.0.1", NAT_IP_PUBLIC, false },
		{ "100.63.255.255", NAT_IP_PUBLIC, false },
		{ "100.64.0.1", NAT_IP_SHARED, true },
		{ "100.127.255.255", NAT_IP_SHARED, true },
		{ "100.128.0.0", NAT_IP_PUBLIC, false },
		{ "127.0.0.1", NAT_IP_LOOPBACK, false },
		{ "127.9.9.9", NAT_IP_LOOPBACK, false },
		{ "169.254.3.4", NAT_IP_LINKLOCAL, false },
		{ "198.51.100.7", NAT_IP_PUBLIC, false },
		{ "::1", NAT_IP_LOOPBACK, false },
		{ "[::1]", NAT_IP_LOOPBACK, false },
		{ "fc00::1", NAT_IP_PRIVATE, true },
		{ "fd12:3456:789a::1", NAT_IP_PRIVATE, true },
		{ "fe80::1", NAT_IP_LINKLOCAL, false },
		{ "febf::1", NAT_IP_LINKLOCAL, false },
		{ "fec0::1", NAT_IP_PUBLIC, false },
		{ "2001:db8::5", NAT_IP_PUBLIC, false },
		{ "::ffff:192.168.0.9", NAT_IP_PRIVATE, true },
		{ "::ffff:8.8.8.8", NAT_IP_PUBLIC, false },
		{ "pc33.example.com", NAT_IP_NONE, false },
		{ "", NAT_IP_NONE, false },
		{ "10.0.0", NAT_IP_NONE, false },
		{ "10.0.0.1:5060", NAT_IP_NONE, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tdm_str s = tdm_str_c(t[i].ip);

		if (nat_ip_class(&s) != t[i].c || nat_ip_is_private(&s) != t[i].priv)
			fprintf(stderr, "class of %s: %d\n", t[i].ip, nat_ip_class(&s));
		CU_ASSERT_EQUAL(nat_ip_class(&s), t[i].c);
		CU_ASSERT_EQUAL(nat_ip_is_private(&s), t[i].priv);
	}
}

static void test_nat_ip_same_and_mismatch(void)
{
	struct tdm_str a = TDM_STR("10.0.0.1"), b = TDM_STR("::ffff:10.0.0.1");
	struct tdm_str c = TDM_STR("[2001:db8::1]"), d = TDM_STR("2001:DB8:0::1");
	struct tdm_str e = TDM_STR("host.example"), f = TDM_STR("10.0.0.2");

	CU_ASSERT_TRUE(nat_ip_same(&a, &b));
	CU_ASSERT_TRUE(nat_ip_same(&c, &d));
	CU_ASSERT_FALSE(nat_ip_same(&a, &f));
	CU_ASSERT_FALSE(nat_ip_same(&e, &e)); /* names are never "the same IP" */
	CU_ASSERT_TRUE(nat_ip_class_mismatch(NAT_IP_PRIVATE, NAT_IP_PUBLIC));
	CU_ASSERT_TRUE(nat_ip_class_mismatch(NAT_IP_PRIVATE, NAT_IP_LOOPBACK));
	CU_ASSERT_TRUE(nat_ip_class_mismatch(NAT_IP_LOOPBACK, NAT_IP_PRIVATE));
	CU_ASSERT_TRUE(nat_ip_class_mismatch(NAT_IP_SHARED, NAT_IP_PRIVATE));
	CU_ASSERT_FALSE(nat_ip_class_mismatch(NAT_IP_PRIVATE, NAT_IP_PRIVATE));
	CU_ASSERT_FALSE(nat_ip_class_mismatch(NAT_IP_LOOPBACK, NAT_IP_LOOPBACK));
	CU_ASSERT_FALSE(nat_ip_class_mismatch(NAT_IP_PUBLIC, NAT_IP_PRIVATE));
	CU_ASSERT_FALSE(nat_ip_class_mismatch(NAT_IP_NONE, NAT_IP_PUBLIC));
}

/* ---- detection ----------------------------------------------------------- */

#define REQ(via, contact, extra, body)                                        \
	"INVITE sip:bob@example.org SIP/2.0\r\n"                              \
	"Via: SIP/2.0/UDP " via ";branch=z9hG4bK1\r\n"                        \
	"From: <sip:alice@example.org>;tag=1\r\n"                            \
	"To: <sip:bob@example.org>\r\n"                                      \
	"Call-ID: c1\r\n"                                                     \
	"CSeq: 1 INVITE\r\n"                                                  \
	contact extra                                                         \
	"Content-Length: " body "\r\n"

static struct tdm_sip_msg *parse(const char *s)
{
	struct tdm_sip_msg *m = NULL;
	int rc = tdm_sip_msg_parse(&m, NULL, s, strlen(s), NULL, NULL);

	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return m;
}

static struct tdm_scr_peer peer(const char *ip, uint16_t port,
				enum tdm_proto proto)
{
	return (struct tdm_scr_peer){ .ip = tdm_str_c(ip), .port = port,
				      .proto = proto };
}

static unsigned detect(const char *msg, const char *ip, uint16_t port,
		       unsigned tests)
{
	struct tdm_sip_msg *m = parse(msg);
	struct tdm_scr_peer p = peer(ip, port, TDM_PROTO_UDP);
	unsigned r;

	r = nat_detect(m, &p, tests, m->arena);
	tdm_sip_msg_free(m);
	return r;
}

static void test_nat_detect_via(void)
{
	const char *same = REQ("203.0.113.5:5070", "", "", "0\r\n");
	const char *noport = REQ("203.0.113.5", "", "", "0\r\n");
	const char *priv = REQ("192.168.1.20:5060", "", "", "0\r\n");
	const char *name = REQ("pc33.example.com", "", "", "0\r\n");

	CU_ASSERT_EQUAL(detect(same, "203.0.113.5", 5070, NAT_T_ALL), 0);
	CU_ASSERT_EQUAL(detect(same, "203.0.113.5", 40312, NAT_T_ALL),
			NAT_T_VIA_PORT);
	CU_ASSERT_EQUAL(detect(same, "203.0.113.5", 40312, NAT_T_VIA_RECEIVED), 0);
	CU_ASSERT_EQUAL(detect(noport, "203.0.113.5", 5060, NAT_T_ALL), 0);
	CU_ASSERT_EQUAL(detect(noport, "203.0.113.5", 5062, NAT_T_ALL),
			NAT_T_VIA_PORT);
	CU_ASSERT_EQUAL(detect(same, "198.51.100.7", 5070, NAT_T_ALL),
			NAT_T_VIA_RECEIVED);
	CU_ASSERT_EQUAL(detect(priv, "198.51.100.7", 5060, NAT_T_ALL),
			NAT_T_VIA_RECEIVED | NAT_T_VIA_PRIVATE);
	CU_ASSERT_EQUAL(detect(priv, "198.51.100.7", 5060, NAT_T_VIA_PRIVATE),
			NAT_T_VIA_PRIVATE);
	/* a LAN client talking to a LAN server: not NAT by test 4 */
	CU_ASSERT_EQUAL(detect(priv, "192.168.1.20", 5060, NAT_T_ALL), 0);
	CU_ASSERT_EQUAL(detect(name, "198.51.100.7", 5060, NAT_T_ALL),
			NAT_T_VIA_RECEIVED);
}

static void test_nat_detect_contact(void)
{
	const char *c_priv = REQ("127.0.0.1:5060",
				 "Contact: <sip:alice@192.168.1.20:5060>\r\n",
				 "", "0\r\n");
	const char *c_v6 = REQ("127.0.0.1:5060",
			       "Contact: <sip:alice@[fd00::20]:5060>\r\n", "",
			       "0\r\n");
	const char *c_pub = REQ("127.0.0.1:5060",
				"Contact: <sip:alice@203.0.113.9>\r\n", "",
				"0\r\n");
	const char *c_loop = REQ("127.0.0.1:5060",
				 "Contact: <sip:alice@127.0.0.1:5060>\r\n", "",
				 "0\r\n");
	const char *c_two = REQ("127.0.0.1:5060",
				"Contact: <sip:a@host.example>, "
				"<sip:a@100.64.1.1>\r\n", "", "0\r\n");

	CU_ASSERT_EQUAL(detect(c_priv, "127.0.0.1", 5060, NAT_T_DEFAULT),
			NAT_T_CONTACT_PRIVATE);
	CU_ASSERT_EQUAL(detect(c_priv, "203.0.113.1", 5060, NAT_T_CONTACT_PRIVATE),
			NAT_T_CONTACT_PRIVATE);
	CU_ASSERT_EQUAL(detect(c_priv, "192.168.7.7", 5060, NAT_T_CONTACT_PRIVATE), 0);
	CU_ASSERT_EQUAL(detect(c_v6, "127.0.0.1", 5060, NAT_T_CONTACT_PRIVATE),
			NAT_T_CONTACT_PRIVATE);
	CU_ASSERT_EQUAL(detect(c_pub, "127.0.0.1", 5060, NAT_T_DEFAULT), 0);
	CU_ASSERT_EQUAL(detect(c_loop, "127.0.0.1", 5060, NAT_T_DEFAULT), 0);
	CU_ASSERT_EQUAL(detect(c_loop, "203.0.113.1", 5060, NAT_T_CONTACT_PRIVATE),
			NAT_T_CONTACT_PRIVATE);
	CU_ASSERT_EQUAL(detect(c_two, "127.0.0.1", 5060, NAT_T_CONTACT_PRIVATE),
			NAT_T_CONTACT_PRIVATE);
	/* bit 1 not asked: no Contact test */
	CU_ASSERT_EQUAL(detect(c_priv, "127.0.0.1", 5060, NAT_T_VIA_PORT), 0);
}

static void test_nat_detect_sdp(void)
{
	char buf[1024];
	const char *body = "v=0\r\no=- 1 1 IN IP4 192.168.1.20\r\ns=-\r\n"
			   "c=IN IP4 192.168.1.20\r\nt=0 0\r\n"
			   "m=audio 4000 RTP/AVP 0\r\n";
	const char *body2 = "v=0\r\no=- 1 1 IN IP4 203.0.113.2\r\ns=-\r\n"
			    "c=IN IP4 203.0.113.2\r\nt=0 0\r\n"
			    "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.1.2.3\r\n";
	const char *body3 = "v=0\r\no=- 1 1 IN IP4 203.0.113.2\r\ns=-\r\n"
			    "c=IN IP4 203.0.113.2\r\nt=0 0\r\n"
			    "m=audio 4000 RTP/AVP 0\r\n";

	snprintf(buf, sizeof(buf),
		 REQ("127.0.0.1:5060", "", "Content-Type: application/sdp\r\n",
		     "%zu") "\r\n%s", strlen(body), body);
	CU_ASSERT_EQUAL(detect(buf, "127.0.0.1", 5060, NAT_T_ALL),
			NAT_T_SDP_PRIVATE);
	CU_ASSERT_EQUAL(detect(buf, "127.0.0.1", 5060, NAT_T_DEFAULT), 0);
	snprintf(buf, sizeof(buf),
		 REQ("127.0.0.1:5060", "", "Content-Type: application/sdp\r\n",
		     "%zu") "\r\n%s", strlen(body2), body2);
	CU_ASSERT_EQUAL(detect(buf, "127.0.0.1", 5060, NAT_T_SDP_PRIVATE),
			NAT_T_SDP_PRIVATE);
	snprintf(buf, sizeof(buf),
		 REQ("127.0.0.1:5060", "", "Content-Type: application/sdp\r\n",
		     "%zu") "\r\n%s", strlen(body3), body3);
	CU_ASSERT_EQUAL(detect(buf, "127.0.0.1", 5060, NAT_T_SDP_PRIVATE), 0);
	/* not SDP: not looked at */
	snprintf(buf, sizeof(buf),
		 REQ("127.0.0.1:5060", "", "Content-Type: text/plain\r\n",
		     "%zu") "\r\n%s", strlen(body), body);
	CU_ASSERT_EQUAL(detect(buf, "127.0.0.1", 5060, NAT_T_SDP_PRIVATE), 0);
}

static void test_nat_detect_reply_skips_via(void)
{
	const char *r = "SIP/2.0 200 OK\r\n"
			"Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1\r\n"
			"From: <sip:alice@example.org>;tag=1\r\n"
			"To: <sip:bob@example.org>;tag=2\r\n"
			"Call-ID: c1\r\nCSeq: 1 INVITE\r\n"
			"Contact: <sip:bob@10.0.0.8:5062>\r\n"
			"Content-Length: 0\r\n\r\n";

	CU_ASSERT_EQUAL(detect(r, "203.0.113.1", 7000, NAT_T_ALL),
			NAT_T_CONTACT_PRIVATE);
}

/* ---- nat.fixed_contact() ------------------------------------------------- */

static int fixed(const char *contacts, const char *ip, uint16_t port,
		 enum tdm_proto proto, const char *want)
{
	char msg[1024];
	struct tdm_sip_msg *m;
	struct tdm_scr_peer p = peer(ip, port, proto);
	struct tdm_buf out = TDM_BUF_INIT;
	int rc;

	snprintf(msg, sizeof(msg), REQ("127.0.0.1", "%s", "", "0") "\r\n",
		 contacts);
	m = parse(msg);
	rc = nat_fix_contact(m, &p, &out);
	if (!rc && want) {
		if (strcmp(out.data, want))
			fprintf(stderr, "fixed: [%s]\n  want [%s]\n", out.data, want);
		CU_ASSERT_STRING_EQUAL(out.data, want);
	}
	tdm_buf_free(&out);
	tdm_sip_msg_free(m);
	return rc;
}

static void test_nat_fixed_contact_udp(void)
{
	CU_ASSERT_EQUAL(fixed("Contact: <sip:alice@192.168.1.20:5060;ob>;expires=600\r\n",
			      "198.51.100.7", 40312, TDM_PROTO_UDP,
			      "<sip:alice@198.51.100.7:40312;ob>;expires=600"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: \"Alice A\" <sip:alice@10.0.0.1>;+sip.instance=\"<urn:uuid:1>\"\r\n",
			      "198.51.100.7", 5060, TDM_PROTO_UDP,
			      "\"Alice A\" <sip:alice@198.51.100.7:5060>;+sip.instance=\"<urn:uuid:1>\""), 0);
	CU_ASSERT_EQUAL(fixed("Contact: sip:10.0.0.1:5070;expires=30\r\n",
			      "127.0.0.1", 5090, TDM_PROTO_UDP,
			      "sip:127.0.0.1:5090;expires=30"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: <sips:bob:pw@[fd00::2]:5061?Subject=x>\r\n",
			      "2001:db8::9", 6000, TDM_PROTO_UDP,
			      "<sips:bob:pw@[2001:db8::9]:6000?Subject=x>"), 0);
}

static void test_nat_fixed_contact_streams(void)
{
	CU_ASSERT_EQUAL(fixed("Contact: <sip:alice@192.168.1.20:5060>\r\n",
			      "198.51.100.7", 40312, TDM_PROTO_TCP,
			      "<sip:alice@198.51.100.7:40312;transport=tcp>"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: sip:alice@192.168.1.20\r\n",
			      "198.51.100.7", 40312, TDM_PROTO_TLS,
			      "<sip:alice@198.51.100.7:40312;transport=tls>"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: <sip:u1@df7jal23ls0d.invalid;transport=ws>;reg-id=1\r\n",
			      "127.0.0.1", 51000, TDM_PROTO_WS,
			      "<sip:u1@127.0.0.1:51000;transport=ws>;reg-id=1"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: <sip:a@10.0.0.1;lr?X=1>\r\n",
			      "127.0.0.1", 5, TDM_PROTO_WSS,
			      "<sip:a@127.0.0.1:5;lr;transport=wss?X=1>"), 0);
}

static void test_nat_fixed_contact_lists(void)
{
	CU_ASSERT_EQUAL(fixed("Contact: <sip:a@10.0.0.1>;q=0.5 ,  <sip:b@10.0.0.2:99>\r\n"
			      "m: <tel:+123>, <sip:c@host.example>\r\n",
			      "127.0.0.1", 5070, TDM_PROTO_UDP,
			      "<sip:a@127.0.0.1:5070>;q=0.5, <sip:b@127.0.0.1:5070>, "
			      "<tel:+123>, <sip:c@127.0.0.1:5070>"), 0);
	CU_ASSERT_EQUAL(fixed("Contact: *\r\n", "127.0.0.1", 5070,
			      TDM_PROTO_UDP, "*"), 0);
	CU_ASSERT_EQUAL(fixed("", "127.0.0.1", 5070, TDM_PROTO_UDP, NULL),
			-ENOENT);
	CU_ASSERT_EQUAL(fixed("Contact: <sip:a@10.0.0.1\r\n", "127.0.0.1",
			      5070, TDM_PROTO_UDP, NULL), -EBADMSG);
}

TDM_TEST_SUITE(nat,
	       TDM_TEST(test_nat_ip_classes),
	       TDM_TEST(test_nat_ip_same_and_mismatch),
	       TDM_TEST(test_nat_detect_via),
	       TDM_TEST(test_nat_detect_contact),
	       TDM_TEST(test_nat_detect_sdp),
	       TDM_TEST(test_nat_detect_reply_skips_via),
	       TDM_TEST(test_nat_fixed_contact_udp),
	       TDM_TEST(test_nat_fixed_contact_streams),
	       TDM_TEST(test_nat_fixed_contact_lists))
