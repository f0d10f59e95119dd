/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/net/addr.c: listen-address parsing (every error reason),
 * text forms, ports, ordering. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <tandem/addr.h>
#include "test.h"

static struct tdm_str S(const char *c)
{
	return tdm_str_c(c);
}

static const struct {
	const char *in;
	enum tdm_proto proto;
	int family;
	const char *text;    /* tdm_addr_format */
	const char *ip;      /* tdm_addr_format_ip */
	unsigned port;
} good[] = {
	{ "udp:127.0.0.1:5060", TDM_PROTO_UDP, AF_INET, "127.0.0.1:5060",
	  "127.0.0.1", 5060 },
	{ "tcp:[::1]:5060", TDM_PROTO_TCP, AF_INET6, "[::1]:5060", "::1", 5060 },
	{ "TLS:10.0.0.1:5061", TDM_PROTO_TLS, AF_INET, "10.0.0.1:5061",
	  "10.0.0.1", 5061 },
	{ "ws:0.0.0.0:80", TDM_PROTO_WS, AF_INET, "0.0.0.0:80", "0.0.0.0", 80 },
	{ "wss:[::]:443", TDM_PROTO_WSS, AF_INET6, "[::]:443", "::", 443 },
	{ "udp:[2001:DB8::0:1]:0", TDM_PROTO_UDP, AF_INET6, "[2001:db8::1]:0",
	  "2001:db8::1", 0 },
	{ "udp:255.255.255.255:65535", TDM_PROTO_UDP, AF_INET,
	  "255.255.255.255:65535", "255.255.255.255", 65535 },
	{ "udp:[::ffff:192.0.2.1]:5060", TDM_PROTO_UDP, AF_INET6,
	  "[::ffff:192.0.2.1]:5060", "::ffff:192.0.2.1", 5060 },
	{ "udp:[1111:2222:3333:4444:5555:6666:7777:8888]:65535", TDM_PROTO_UDP,
	  AF_INET6, "[1111:2222:3333:4444:5555:6666:7777:8888]:65535",
	  "1111:2222:3333:4444:5555:6666:7777:8888", 65535 },
};

static void test_net_addr_parse_listen_good(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(good); i++) {
		struct tdm_str in = S(good[i].in);
		struct tdm_addr a;
		enum tdm_proto p;
		const char *why = NULL;
		char buf[TDM_ADDR_STRLEN];
		int n;

		CU_ASSERT_EQUAL_FATAL(tdm_addr_parse_listen(&p, &a, &in, &why), 0);
		CU_ASSERT_PTR_NULL(why);
		CU_ASSERT_EQUAL(p, good[i].proto);
		CU_ASSERT_EQUAL(tdm_addr_family(&a), good[i].family);
		CU_ASSERT_EQUAL(tdm_addr_port(&a), good[i].port);
		n = tdm_addr_format(&a, buf, sizeof(buf));
		CU_ASSERT_EQUAL(n, (int)strlen(good[i].text));
		CU_ASSERT_STRING_EQUAL(buf, good[i].text);
		n = tdm_addr_format_ip(&a, buf, sizeof(buf));
		CU_ASSERT_EQUAL(n, (int)strlen(good[i].ip));
		CU_ASSERT_STRING_EQUAL(buf, good[i].ip);
	}
}

static const struct {
	const char *in;
	const char *why;
} bad_listen[] = {
	{ "", "empty address" },
	{ "127.0.0.1", "missing protocol (expected proto:ip:port)" },
	{ ":127.0.0.1:5060", "missing protocol (expected proto:ip:port)" },
	{ "sctp:127.0.0.1:5060", "unknown protocol (udp, tcp, tls, ws, wss)" },
	{ "localhost:5060", "unknown protocol (udp, tcp, tls, ws, wss)" },
	{ "udp:", "empty address" },
	{ "udp:localhost:5060", "host must be a literal IP address, not a name" },
	{ "udp:sip.example.com:5060",
	  "host must be a literal IP address, not a name" },
	{ "udp:a-very-long-host-name-that-is-longer-than-any-ip.example.com:5060",
	  "host must be a literal IP address, not a name" },
	{ "udp:127.0.0.1", "missing port" },
	{ "udp:127.0.0.1:", "missing port" },
	{ "udp:127.0.0.1:50x", "port is not a number" },
	{ "udp:127.0.0.1:+50", "port is not a number" },
	{ "udp:127.0.0.1:65536", "port out of range (0-65535)" },
	{ "udp:127.0.0.1:99999999999999999999", "port out of range (0-65535)" },
	{ "udp::5060", "missing host" },
	{ "udp:127.0.0:5060", "bad IPv4 address" },
	{ "udp:127.0.0.256:5060", "bad IPv4 address" },
	{ "udp:1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19:5060",
	  "bad IPv4 address" },
	{ "udp:::1:5060", "IPv6 address must be in brackets" },
	{ "udp:[::1:5060", "missing ']' after IPv6 address" },
	{ "udp:[::1]", "missing port" },
	{ "udp:[::1]5060", "expected ':' after ']'" },
	{ "udp:[]:5060", "empty IPv6 address" },
	{ "udp:[::g]:5060", "bad IPv6 address" },
	{ "udp:[127.0.0.1]:5060", "bad IPv6 address" },
	{ "udp:[fe80::1%eth0]:5060", "IPv6 zone index not supported" },
	{ "udp:[1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa]:5060",
	  "bad IPv6 address" },
};

static void test_net_addr_parse_listen_errors(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad_listen); i++) {
		struct tdm_str in = S(bad_listen[i].in);
		struct tdm_addr a;
		enum tdm_proto p = TDM_PROTO_UDP;
		const char *why = NULL;

		CU_ASSERT_EQUAL(tdm_addr_parse_listen(&p, &a, &in, &why), -EINVAL);
		CU_ASSERT_EQUAL(p, TDM_PROTO_NONE);
		CU_ASSERT_EQUAL(a.len, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		if (strcmp(why, bad_listen[i].why))
			fprintf(stderr, "\n%s: got \"%s\"\n", bad_listen[i].in, why);
		CU_ASSERT_STRING_EQUAL(why, bad_listen[i].why);
	}
}

static void test_net_addr_parse_plain(void)
{
	struct tdm_str in = TDM_STR("192.0.2.7:5070"), bad = TDM_STR("[::1]");
	struct tdm_str slice = TDM_STR("[::1]:5060;garbage");
	struct tdm_addr a;
	enum tdm_proto p;
	char buf[TDM_ADDR_STRLEN];

	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &in, NULL), 0);
	CU_ASSERT_EQUAL(tdm_addr_format(&a, buf, sizeof(buf)), 14);
	CU_ASSERT_STRING_EQUAL(buf, "192.0.2.7:5070");
	/* why may be NULL on errors too. */
	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &bad, NULL), -EINVAL);
	/* Slices are honoured: only the first 10 bytes are read. */
	slice.len = 10;
	CU_ASSERT_EQUAL(tdm_addr_parse_listen(NULL, &a, &TDM_STR("udp:1.2.3.4:5"),
					      NULL), 0);
	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &slice, NULL), 0);
	CU_ASSERT_EQUAL(tdm_addr_port(&a), 5060);
	/* NULL arguments. */
	CU_ASSERT_EQUAL(tdm_addr_parse(NULL, &in, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_parse(&a, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_parse_listen(&p, NULL, &in, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_parse_listen(&p, &a, NULL, NULL), -EINVAL);
}

static void test_net_addr_proto_names(void)
{
	static const char *const names[] = { "udp", "tcp", "tls", "ws", "wss" };

	for (unsigned i = 0; i < TDM_ARRAY_SIZE(names); i++) {
		struct tdm_str n = S(names[i]);

		CU_ASSERT_EQUAL(tdm_proto_parse(&n), (enum tdm_proto)(i + 1));
		CU_ASSERT_STRING_EQUAL(tdm_proto_name((enum tdm_proto)(i + 1)),
				       names[i]);
	}
	CU_ASSERT_EQUAL(tdm_proto_parse(&TDM_STR("WsS")), TDM_PROTO_WSS);
	CU_ASSERT_EQUAL(tdm_proto_parse(&TDM_STR("none")), TDM_PROTO_NONE);
	CU_ASSERT_EQUAL(tdm_proto_parse(&TDM_STR("")), TDM_PROTO_NONE);
	CU_ASSERT_EQUAL(tdm_proto_parse(NULL), TDM_PROTO_NONE);
	CU_ASSERT_STRING_EQUAL(tdm_proto_name(TDM_PROTO_NONE), "none");
	CU_ASSERT_STRING_EQUAL(tdm_proto_name((enum tdm_proto)99), "?");
}

static void test_net_addr_format_errors(void)
{
	struct tdm_addr a, unset;
	char buf[TDM_ADDR_STRLEN];

	memset(&unset, 0, sizeof(unset));
	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &TDM_STR("[::1]:5060"), NULL), 0);
	/* "[::1]:5060" is 10 bytes: 11 fits, 10 does not. */
	CU_ASSERT_EQUAL(tdm_addr_format(&a, buf, 11), 10);
	strcpy(buf, "junk");
	CU_ASSERT_EQUAL(tdm_addr_format(&a, buf, 10), -ENOSPC);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(tdm_addr_format(&a, NULL, 0), -ENOSPC);
	CU_ASSERT_EQUAL(tdm_addr_format_ip(&a, buf, 4), 3);
	CU_ASSERT_EQUAL(tdm_addr_format_ip(&a, buf, 3), -ENOSPC);
	CU_ASSERT_EQUAL(tdm_addr_format(&unset, buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_format_ip(NULL, buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_family(&unset), 0);
	CU_ASSERT_EQUAL(tdm_addr_port(&unset), 0);
	CU_ASSERT_EQUAL(tdm_addr_set_port(&unset, 5), -EINVAL);
}

static void test_net_addr_port_set(void)
{
	struct tdm_addr a;
	char buf[TDM_ADDR_STRLEN];

	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &TDM_STR("127.0.0.1:0"), NULL), 0);
	CU_ASSERT_EQUAL(tdm_addr_set_port(&a, 65535), 0);
	CU_ASSERT_EQUAL(tdm_addr_port(&a), 65535);
	tdm_addr_format(&a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "127.0.0.1:65535");
	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &TDM_STR("[::1]:1"), NULL), 0);
	CU_ASSERT_EQUAL(tdm_addr_set_port(&a, 5061), 0);
	tdm_addr_format(&a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[::1]:5061");
}

static void test_net_addr_from_sockaddr(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5060) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(5062) };
	struct sockaddr sa = { .sa_family = AF_UNIX };
	struct tdm_addr a, b;
	char buf[TDM_ADDR_STRLEN];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin6.sin6_addr = in6addr_loopback;
	CU_ASSERT_EQUAL(tdm_addr_from_sockaddr(&a, (struct sockaddr *)&sin,
					       sizeof(sin)), 0);
	CU_ASSERT_EQUAL(tdm_addr_parse(&b, &TDM_STR("127.0.0.1:5060"), NULL), 0);
	CU_ASSERT_TRUE(tdm_addr_eq(&a, &b));
	CU_ASSERT_EQUAL(tdm_addr_from_sockaddr(&a, (struct sockaddr *)&sin6,
					       sizeof(sin6)), 0);
	tdm_addr_format(&a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[::1]:5062");
	CU_ASSERT_EQUAL(tdm_addr_from_sockaddr(&a, (struct sockaddr *)&sin6,
					       sizeof(sin)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_addr_from_sockaddr(&a, &sa, sizeof(sa)),
			-EAFNOSUPPORT);
	CU_ASSERT_EQUAL(tdm_addr_from_sockaddr(&a, NULL, 0), -EINVAL);
}

/* Sorted ascending: tdm_addr_cmp must agree with the table order. */
static const char *const ordered[] = {
	"0.0.0.0:0",      "10.0.0.1:5060", "10.0.0.1:5061", "127.0.0.1:1",
	"127.0.0.2:0",    "[::]:0",        "[::1]:5060",     "[::1]:5061",
	"[::ffff:10.0.0.1]:5060",           "[2001:db8::1]:1",
};

static void test_net_addr_cmp(void)
{
	struct tdm_addr a[TDM_ARRAY_SIZE(ordered)], unset, copy;

	memset(&unset, 0, sizeof(unset));
	for (size_t i = 0; i < TDM_ARRAY_SIZE(ordered); i++) {
		struct tdm_str in = S(ordered[i]);

		CU_ASSERT_EQUAL_FATAL(tdm_addr_parse(&a[i], &in, NULL), 0);
		CU_ASSERT_TRUE(tdm_addr_cmp(&unset, &a[i]) < 0);
		CU_ASSERT_TRUE(tdm_addr_cmp(&a[i], &unset) > 0);
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(ordered); i++)
		for (size_t j = 0; j < TDM_ARRAY_SIZE(ordered); j++) {
			int c = tdm_addr_cmp(&a[i], &a[j]);

			CU_ASSERT_TRUE(i < j ? c < 0 : i > j ? c > 0 : c == 0);
			CU_ASSERT_EQUAL(tdm_addr_eq(&a[i], &a[j]), i == j);
		}
	copy = a[6];
	CU_ASSERT_TRUE(tdm_addr_eq(&copy, &a[6]));
	((struct sockaddr_in6 *)&copy.ss)->sin6_scope_id = 1;
	CU_ASSERT_TRUE(tdm_addr_cmp(&copy, &a[6]) > 0);
	CU_ASSERT_EQUAL(tdm_addr_cmp(&unset, &unset), 0);
}

TDM_TEST_SUITE(net_addr,
	       TDM_TEST(test_net_addr_parse_listen_good),
	       TDM_TEST(test_net_addr_parse_listen_errors),
	       TDM_TEST(test_net_addr_parse_plain),
	       TDM_TEST(test_net_addr_proto_names),
	       TDM_TEST(test_net_addr_format_errors),
	       TDM_TEST(test_net_addr_port_set),
	       TDM_TEST(test_net_addr_from_sockaddr),
	       TDM_TEST(test_net_addr_cmp))
