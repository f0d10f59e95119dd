/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/uri.c: the RFC 3261 §19.1.3 examples, the RFC 4475 /
 * RFC 5118 torture URIs, the §19.1.4 equality examples, tel URIs (RFC
 * 3966), IPv6, bad escapes and ports, long and empty inputs. Every input
 * sits just before a guard page, so any over-read crashes the suite. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/uri.h>
#include "test.h"

/* Parses a guarded copy of `in`; the copy lives until unguard(). */
static int parse(struct tdm_uri *u, const char *in, size_t len,
		 const char **why)
{
	struct tdm_str s = { tdm_guard_copy(in, len), len };

	return tdm_uri_parse(u, &s, why);
}

static void unguard(const struct tdm_uri *u)
{
	tdm_guard_free(u->whole.s, u->whole.len);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- Valid URIs ----------------------------------------------------------- */

struct ok_row {
	const char *in;
	enum tdm_uri_scheme scheme;
	const char *user, *password, *host;
	bool ipv6;
	uint16_t port;
	const char *params, *headers;
	const char *transport, *user_param, *method, *maddr, *ttl;
	bool lr;
	const char *gr; /* NULL: no ;gr */
};

static const struct ok_row ok_rows[] = {
	/* RFC 3261 §19.1.3 */
	{ .in = "sip:alice@atlanta.com", .scheme = TDM_URI_SIP,
	  .user = "alice", .host = "atlanta.com" },
	{ .in = "sip:alice:secretword@atlanta.com;transport=tcp",
	  .scheme = TDM_URI_SIP, .user = "alice", .password = "secretword",
	  .host = "atlanta.com", .params = "transport=tcp",
	  .transport = "tcp" },
	{ .in = "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
	  .scheme = TDM_URI_SIPS, .user = "alice", .host = "atlanta.com",
	  .headers = "subject=project%20x&priority=urgent" },
	{ .in = "sip:+1-212-555-1212:1234@gateway.com;user=phone",
	  .scheme = TDM_URI_SIP, .user = "+1-212-555-1212", .password = "1234",
	  .host = "gateway.com", .params = "user=phone",
	  .user_param = "phone" },
	{ .in = "sips:1212@gateway.com", .scheme = TDM_URI_SIPS,
	  .user = "1212", .host = "gateway.com" },
	{ .in = "sip:alice@192.0.2.4", .scheme = TDM_URI_SIP,
	  .user = "alice", .host = "192.0.2.4" },
	{ .in = "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
	  .scheme = TDM_URI_SIP, .host = "atlanta.com",
	  .params = "method=REGISTER", .method = "REGISTER",
	  .headers = "to=alice%40atlanta.com" },
	{ .in = "sip:alice;day=tuesday@atlanta.com", .scheme = TDM_URI_SIP,
	  .user = "alice;day=tuesday", .host = "atlanta.com" },
	/* RFC 4475 torture messages intmeth, esc01, escnull, semiuri, wsinv */
	{ .in = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
	  .scheme = TDM_URI_SIP,
	  .user = "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
	  .password = "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
	  .host = "example.com" },
	{ .in = "sip:sips%3Auser%40example.com@example.net",
	  .scheme = TDM_URI_SIP, .user = "sips%3Auser%40example.com",
	  .host = "example.net" },
	{ .in = "sip:null-%00-null@example.com", .scheme = TDM_URI_SIP,
	  .user = "null-%00-null", .host = "example.com" },
	{ .in = "sip:user;par=u%40example.net@example.com",
	  .scheme = TDM_URI_SIP, .user = "user;par=u%40example.net",
	  .host = "example.com" },
	{ .in = "sip:vivekg@chair-dnrc.example.com;unknownparam",
	  .scheme = TDM_URI_SIP, .user = "vivekg",
	  .host = "chair-dnrc.example.com", .params = "unknownparam" },
	/* RFC 4475 escruri: syntactically valid; the message layer
	 * decides about escaped headers in a Request-URI. */
	{ .in = "sip:user@example.com?Route=%3Csip:example.com%3E",
	  .scheme = TDM_URI_SIP, .user = "user", .host = "example.com",
	  .headers = "Route=%3Csip:example.com%3E" },
	/* RFC 5118 IPv6 torture tests: port-ambiguous (a valid address with
	 * no port), port-unambiguous, IPv4-mapped */
	{ .in = "sip:[2001:db8::10:5070]", .scheme = TDM_URI_SIP,
	  .host = "2001:db8::10:5070", .ipv6 = true },
	{ .in = "sip:[2001:db8::10]:5070", .scheme = TDM_URI_SIP,
	  .host = "2001:db8::10", .ipv6 = true, .port = 5070 },
	{ .in = "sip:user@[::ffff:192.0.2.10]", .scheme = TDM_URI_SIP,
	  .user = "user", .host = "::ffff:192.0.2.10", .ipv6 = true },
	{ .in = "sip:[::1]", .scheme = TDM_URI_SIP, .host = "::1",
	  .ipv6 = true },
	{ .in = "sip:[::]:1", .scheme = TDM_URI_SIP, .host = "::",
	  .ipv6 = true, .port = 1 },
	{ .in = "sip:[2001:DB8:0:0:8:800:200C:417A];lr", .scheme = TDM_URI_SIP,
	  .host = "2001:DB8:0:0:8:800:200C:417A", .ipv6 = true,
	  .params = "lr", .lr = true },
	{ .in = "sip:[1:2:3:4:5:6:7::]", .scheme = TDM_URI_SIP,
	  .host = "1:2:3:4:5:6:7::", .ipv6 = true },
	{ .in = "sip:[1:2:3:4:5:6:1.2.3.4]", .scheme = TDM_URI_SIP,
	  .host = "1:2:3:4:5:6:1.2.3.4", .ipv6 = true },
	/* case, parameters, ports */
	{ .in = "SIP:ALICE@AtLanTa.CoM;Transport=udp", .scheme = TDM_URI_SIP,
	  .user = "ALICE", .host = "AtLanTa.CoM", .params = "Transport=udp",
	  .transport = "udp" },
	{ .in = "SiPs:bob@biloxi.com:6000;transport=tcp",
	  .scheme = TDM_URI_SIPS, .user = "bob", .host = "biloxi.com",
	  .port = 6000, .params = "transport=tcp", .transport = "tcp" },
	{ .in = "sip:proxy.example.com;lr;maddr=192.0.2.1;ttl=15;method=INVITE;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
	  .scheme = TDM_URI_SIP, .host = "proxy.example.com",
	  .params = "lr;maddr=192.0.2.1;ttl=15;method=INVITE;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
	  .maddr = "192.0.2.1", .ttl = "15", .method = "INVITE", .lr = true,
	  .gr = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6" },
	{ .in = "sip:p.example.com;lr=on;gr;maddr=[::1]",
	  .scheme = TDM_URI_SIP, .host = "p.example.com",
	  .params = "lr=on;gr;maddr=[::1]", .lr = true, .gr = "",
	  .maddr = "[::1]" },
	{ .in = "sip:host.example.com.:65535", .scheme = TDM_URI_SIP,
	  .host = "host.example.com.", .port = 65535 },
	{ .in = "sip:a-b.c-d9:1;x=%41%42", .scheme = TDM_URI_SIP,
	  .host = "a-b.c-d9", .port = 1, .params = "x=%41%42" },
	{ .in = "sip:u@h;transport=tcp;transport=udp", .scheme = TDM_URI_SIP,
	  .user = "u", .host = "h", .params = "transport=tcp;transport=udp",
	  .transport = "tcp" },
	{ .in = "sip:u:@h", .scheme = TDM_URI_SIP, .user = "u", .host = "h" },
	{ .in = "sip:u@h?a=&b=c", .scheme = TDM_URI_SIP, .user = "u",
	  .host = "h", .headers = "a=&b=c" },
	/* tel (RFC 3966 §3, §6) */
	{ .in = "tel:+1-201-555-0123", .scheme = TDM_URI_TEL,
	  .user = "+1-201-555-0123" },
	{ .in = "tel:7042;phone-context=example.com", .scheme = TDM_URI_TEL,
	  .user = "7042", .params = "phone-context=example.com" },
	{ .in = "tel:863-1234;phone-context=+1-914-555", .scheme = TDM_URI_TEL,
	  .user = "863-1234", .params = "phone-context=+1-914-555" },
	{ .in = "TEL:+1-212-555-1212;ext=1234;isub=abc%20d;foo",
	  .scheme = TDM_URI_TEL, .user = "+1-212-555-1212",
	  .params = "ext=1234;isub=abc%20d;foo" },
	{ .in = "tel:*67#;phone-context=+1", .scheme = TDM_URI_TEL,
	  .user = "*67#", .params = "phone-context=+1" },
	{ .in = "tel:(0)12.34;x-y=1;phone-context=a.example", .scheme = TDM_URI_TEL,
	  .user = "(0)12.34", .params = "x-y=1;phone-context=a.example" },
};

static void check_ok(const struct ok_row *r)
{
	struct tdm_uri u;
	const char *why = NULL;
	int err = parse(&u, r->in, strlen(r->in), &why);

	if (err)
		fprintf(stderr, "  %s: %d (%s)\n", r->in, err, or_empty(why));
	CU_ASSERT_EQUAL_FATAL(err, 0);
	CU_ASSERT_EQUAL(u.scheme, r->scheme);
	TDM_ASSERT_STR(u.user, or_empty(r->user));
	TDM_ASSERT_STR(u.password, or_empty(r->password));
	TDM_ASSERT_STR(u.host, or_empty(r->host));
	CU_ASSERT_EQUAL(u.host_ipv6, r->ipv6);
	CU_ASSERT_EQUAL(u.port, r->port);
	TDM_ASSERT_STR(u.params, or_empty(r->params));
	TDM_ASSERT_STR(u.headers, or_empty(r->headers));
	TDM_ASSERT_STR(u.transport, or_empty(r->transport));
	TDM_ASSERT_STR(u.user_param, or_empty(r->user_param));
	TDM_ASSERT_STR(u.method, or_empty(r->method));
	TDM_ASSERT_STR(u.maddr, or_empty(r->maddr));
	TDM_ASSERT_STR(u.ttl, or_empty(r->ttl));
	CU_ASSERT_EQUAL(u.lr, r->lr);
	CU_ASSERT_EQUAL(u.gr_present, r->gr != NULL);
	TDM_ASSERT_STR(u.gr, or_empty(r->gr));
	CU_ASSERT_EQUAL(u.whole.len, strlen(r->in));
	if (!tdm_uri_equal(&u, &u))
		fprintf(stderr, "  %s: not equal to itself\n", r->in);
	CU_ASSERT_TRUE(tdm_uri_equal(&u, &u));
	unguard(&u);
}

static void test_sip_uri_valid(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(ok_rows); i++)
		check_ok(&ok_rows[i]);
}

/* ---- Invalid URIs --------------------------------------------------------- */

struct bad_row {
	const char *in;
	int err;
	const char *why;
};

static const struct bad_row bad_rows[] = {
	{ "sip", -EBADMSG, "bad scheme" },
	{ "<sip:user@example.com>", -EBADMSG, "bad scheme" },
	{ "1sip:x", -EBADMSG, "bad scheme" },
	{ ":x", -EBADMSG, "bad scheme" },
	{ "sip:", -EBADMSG, "bad host" },
	{ "sip:user@", -EBADMSG, "bad host" },
	/* RFC 5118 ipv6-bad: IPv6 without brackets */
	{ "sip:2001:db8::10", -EBADMSG, "bad host" },
	{ "sip:user@host:5060:5060", -EBADMSG, "bad port" },
	{ "sip:user@host:0", -EBADMSG, "bad port" },
	{ "sip:user@host:65536", -EBADMSG, "bad port" },
	{ "sip:user@host:99999999999999999999999", -EBADMSG, "bad port" },
	{ "sip:user@host:", -EBADMSG, "bad port" },
	{ "sip:user@host:50a", -EBADMSG, "bad port" },
	{ "sip:user@host:-1", -EBADMSG, "bad port" },
	{ "sip:user@host: 5060", -EBADMSG, "bad port" },
	{ "sip:us%zzer@host", -EBADMSG, "bad escape" },
	{ "sip:user%4@host", -EBADMSG, "bad escape" },
	{ "sip:user%", -EBADMSG, "bad escape" },
	{ "sip:user@host;a=%", -EBADMSG, "bad escape" },
	{ "sip:user@host;%g1", -EBADMSG, "bad escape" },
	{ "sip:user@host?h=%4", -EBADMSG, "bad escape" },
	{ "sip:user@host?h%=1", -EBADMSG, "bad escape" },
	{ "sip:[2001:db8::10", -EBADMSG, "bad host" },
	{ "sip:[2001:db8:::10]", -EBADMSG, "bad host" },
	{ "sip:[1:2:3:4:5:6:7:8:9]", -EBADMSG, "bad host" },
	{ "sip:[1:2:3:4:5:6:7:8::]", -EBADMSG, "bad host" },
	{ "sip:[::1:2:3:4:5:6:7:8]", -EBADMSG, "bad host" },
	{ "sip:[1:2:3:4:5:6:7]", -EBADMSG, "bad host" },
	{ "sip:[12345::]", -EBADMSG, "bad host" },
	{ "sip:[::ffff:256.0.0.1]", -EBADMSG, "bad host" },
	{ "sip:[::ffff:1.2.3]", -EBADMSG, "bad host" },
	{ "sip:[1:2:3:4:5:6:7:1.2.3.4]", -EBADMSG, "bad host" },
	{ "sip:[1.2.3.4::]", -EBADMSG, "bad host" },
	{ "sip:[1::2::3]", -EBADMSG, "bad host" },
	{ "sip:[]", -EBADMSG, "bad host" },
	{ "sip:[:1]", -EBADMSG, "bad host" },
	{ "sip:[1:]", -EBADMSG, "bad host" },
	{ "sip:[g::1]", -EBADMSG, "bad host" },
	{ "sip:[::1]x", -EBADMSG, "bad host" },
	{ "sip:[::1]]", -EBADMSG, "bad host" },
	{ "sip:user@-host.com", -EBADMSG, "bad host" },
	{ "sip:user@host-.com", -EBADMSG, "bad host" },
	{ "sip:user@a..b", -EBADMSG, "bad host" },
	{ "sip:user@.a", -EBADMSG, "bad host" },
	{ "sip:user@a..", -EBADMSG, "bad host" },
	{ "sip:user@256.1.1.1", -EBADMSG, "bad host" },
	{ "sip:user@1.2.3", -EBADMSG, "bad host" },
	{ "sip:user@host.3com", -EBADMSG, "bad host" },
	{ "sip:user@host_name", -EBADMSG, "bad host" },
	{ "sip:user@ho st", -EBADMSG, "bad host" },
	{ "sip:user@host@other", -EBADMSG, "bad host" },
	{ "sip:user@example.com>", -EBADMSG, "bad host" },
	{ "sip::pass@host", -EBADMSG, "bad user" },
	{ "sip:@host", -EBADMSG, "bad user" },
	{ "sip:user:pa;ss@host", -EBADMSG, "bad password" },
	{ "sip:user@host;", -EBADMSG, "bad parameter" },
	{ "sip:user@host;;lr", -EBADMSG, "bad parameter" },
	{ "sip:user@host;=x", -EBADMSG, "bad parameter" },
	{ "sip:user@host;a=", -EBADMSG, "bad parameter" },
	{ "sip:user@host;ttl=256", -EBADMSG, "bad parameter" },
	{ "sip:user@host;ttl=0015", -EBADMSG, "bad parameter" },
	{ "sip:user@host;maddr=bad_host", -EBADMSG, "bad parameter" },
	{ "sip:user@host;transport=", -EBADMSG, "bad parameter" },
	{ "sip:user@host;transport=t(x)", -EBADMSG, "bad parameter" },
	{ "sip:user@host;lr>", -EBADMSG, "bad URI" },
	/* RFC 4475 lwsruri: embedded LWS */
	{ "sip:user@example.com; lr", -EBADMSG, "bad parameter" },
	{ "sip:user@host?", -EBADMSG, "bad header" },
	{ "sip:user@host?a", -EBADMSG, "bad header" },
	{ "sip:user@host?=b", -EBADMSG, "bad header" },
	{ "sip:user@host?a=b&", -EBADMSG, "bad header" },
	{ "sip:user@host?a=b?c=d;e", -EBADMSG, "bad URI" },
	{ "sip:user@host\r\n", -EBADMSG, "bad host" },
	{ "tel:", -EBADMSG, "bad telephone number" },
	{ "tel:+", -EBADMSG, "bad telephone number" },
	{ "tel:+-.", -EBADMSG, "bad telephone number" },
	{ "tel:+1-2a", -EBADMSG, "bad telephone number" },
	{ "tel:+1?x=y", -EBADMSG, "bad telephone number" },
	{ "tel:1234", -EBADMSG, "local number without phone-context" },
	{ "tel:1234;ext=1", -EBADMSG, "local number without phone-context" },
	{ "tel:+12;phone-context", -EBADMSG, "bad parameter" },
	{ "tel:123;phone-context=+", -EBADMSG, "bad phone-context" },
	{ "tel:123;phone-context=-x.com", -EBADMSG, "bad phone-context" },
	{ "tel:+1;ext=12a", -EBADMSG, "bad parameter" },
	{ "tel:+1;", -EBADMSG, "bad parameter" },
	{ "tel:+1;a_b=1", -EBADMSG, "bad URI" },
	{ "tel:+1;a=%4", -EBADMSG, "bad escape" },
	{ "tel:+1;a=b?", -EBADMSG, "bad URI" },
	/* RFC 4475 unksm, unksm2: unknown schemes are valid absoluteURIs
	 * the caller may accept, told apart by -EPROTONOSUPPORT. */
	{ "nobodyKnowsThisScheme:totallyopaquecontent", -EPROTONOSUPPORT,
	  "unsupported URI scheme" },
	{ "isbn:2983792873", -EPROTONOSUPPORT, "unsupported URI scheme" },
	{ "mailto:alice@example.com", -EPROTONOSUPPORT, "unsupported URI scheme" },
	{ "http://example.com/a;b?c=d&e=%20", -EPROTONOSUPPORT,
	  "unsupported URI scheme" },
	{ "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", -EPROTONOSUPPORT,
	  "unsupported URI scheme" },
	{ "sipx:a@b", -EPROTONOSUPPORT, "unsupported URI scheme" },
	{ "foo:", -EBADMSG, "bad URI" },
	{ "foo:a b", -EBADMSG, "bad URI" },
	{ "foo:a%zz", -EBADMSG, "bad URI" },
	{ "foo:<x>", -EBADMSG, "bad URI" },
};

static void test_sip_uri_invalid(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad_rows); i++) {
		const struct bad_row *r = &bad_rows[i];
		struct tdm_uri u;
		const char *why = NULL;
		int err = parse(&u, r->in, strlen(r->in), &why);

		if (err != r->err || !why || strcmp(why, r->why) != 0)
			fprintf(stderr, "  %s: got %d (%s), expected %d (%s)\n",
				r->in, err, or_empty(why), r->err, r->why);
		CU_ASSERT_EQUAL(err, r->err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		CU_ASSERT_STRING_EQUAL(why, r->why);
		CU_ASSERT_EQUAL(u.scheme, TDM_URI_NONE);
		CU_ASSERT_FALSE(tdm_uri_equal(&u, &u));
		unguard(&u);
	}
}

static void test_sip_uri_empty(void)
{
	struct tdm_uri u;
	struct tdm_str s = TDM_STR_NULL;
	const char *why = NULL;

	CU_ASSERT_EQUAL(tdm_uri_parse(&u, &s, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "empty URI");
	/* why may be NULL */
	CU_ASSERT_EQUAL(parse(&u, "sip:", 4, NULL), -EBADMSG);
	unguard(&u);
	CU_ASSERT_EQUAL(parse(&u, "", 0, NULL), -EBADMSG);
	unguard(&u);
}

/* A URI must be the whole input: a NUL inside is just a bad byte. */
static void test_sip_uri_embedded_nul(void)
{
	struct tdm_uri u;
	const char *why;

	CU_ASSERT_EQUAL(parse(&u, "sip:a@b\0c", 9, &why), -EBADMSG);
	unguard(&u);
	CU_ASSERT_EQUAL(parse(&u, "sip:a\0@b", 8, &why), -EBADMSG);
	unguard(&u);
}

/* ---- Long inputs ---------------------------------------------------------- */

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail, size_t *len)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *b = malloc(hl + ul * n + tl + 1);

	memcpy(b, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(b + hl + i * ul, unit, ul);
	memcpy(b + hl + ul * n, tail, tl + 1);
	*len = hl + ul * n + tl;
	return b;
}

static void test_sip_uri_long(void)
{
	static const struct {
		const char *head, *unit;
		size_t n;
		const char *tail;
		int err;
	} rows[] = {
		{ "sip:", "a", 100000, "@example.com", 0 },
		{ "sip:u:", "%41", 30000, "@example.com", 0 },
		{ "sip:", "a.", 20000, "com", 0 },
		{ "sip:u@h", ";p=v", 20000, "", 0 },
		{ "sip:u@h?", "a=b&", 20000, "z=", 0 },
		{ "sip:u@h:", "0", 5000, "1", 0 },
		{ "sip:u@h:", "1", 5000, "", -EBADMSG },
		{ "sip:u@[", "1:", 5000, ":1]", -EBADMSG },
		{ "sip:u@[::", "0", 5000, "]", -EBADMSG },
		{ "sip:u@h", ";", 5000, "", -EBADMSG },
		{ "tel:+", "1-", 30000, "0", 0 },
		{ "x:", "y", 100000, "", -EPROTONOSUPPORT },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(rows); i++) {
		struct tdm_uri u;
		size_t len;
		char *in = repeat(rows[i].head, rows[i].unit, rows[i].n,
				  rows[i].tail, &len);
		int err = parse(&u, in, len, NULL);

		if (err != rows[i].err)
			fprintf(stderr, "  long row %zu: %d\n", i, err);
		CU_ASSERT_EQUAL(err, rows[i].err);
		if (err == 0)
			CU_ASSERT_TRUE(tdm_uri_equal(&u, &u));
		unguard(&u);
		free(in);
	}
}

/* ---- Equality (RFC 3261 §19.1.4, RFC 3966 §4) ----------------------------- */

static const struct {
	const char *a, *b;
	bool equal;
} eq_rows[] = {
	/* §19.1.4, equivalent */
	{ "sip:%61lice@atlanta.com;transport=TCP",
	  "sip:alice@AtLanTa.CoM;Transport=tcp", true },
	{ "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true },
	{ "sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true },
	{ "sip:carol@chicago.com;newparam=5",
	  "sip:carol@chicago.com;security=on", true },
	{ "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
	  "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
	  true },
	{ "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
	  "sip:alice@atlanta.com?priority=urgent&subject=project%20x", true },
	/* §19.1.4, not equivalent */
	{ "SIP:ALICE@AtLanTa.CoM;Transport=udp",
	  "sip:alice@AtLanTa.CoM;Transport=UDP", false },
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false },
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false },
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false },
	{ "sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting",
	  false },
	{ "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false },
	{ "sip:carol@chicago.com;security=on",
	  "sip:carol@chicago.com;security=off", false },
	/* more of the same rules */
	{ "sip:alice@atlanta.com", "sips:alice@atlanta.com", false },
	{ "sip:a@h;lr", "sip:a@h", true },
	{ "sip:a@h;maddr=1.2.3.4", "sip:a@h", false },
	{ "sip:a@h;user=phone", "sip:a@h", false },
	{ "sip:a@h;ttl=1", "sip:a@h", false },
	{ "sip:a@h;method=INVITE", "sip:a@h;METHOD=invite", true },
	{ "sip:a@h;%75ser=ip", "sip:a@h;user=IP", true },
	{ "sip:a@h;x", "sip:a@h;x=1", false },
	{ "sip:a@h;x=%41", "sip:a@h;x=a", true },
	{ "sip:%41@h", "sip:A@h", true },
	{ "sip:%41@h", "sip:a@h", false },
	{ "sip:a%3bb@h", "sip:a;b@h", false },   /* reserved stays escaped */
	{ "sip:a%3bb@h", "sip:a%3Bb@h", true },
	{ "sip:a%7e@h", "sip:a~@h", true },
	{ "sip:a:p@h", "sip:a:P@h", false },
	{ "sip:a:p@h", "sip:a@h", false },
	{ "sip:a@h", "sip:h", false },
	{ "sip:a@h?a=1&a=2", "sip:a@h?a=2&a=1", true },
	{ "sip:a@h?a=1", "sip:a@h?a=1&b=2", false },
	{ "sip:a@h?A=x", "sip:a@h?a=x", true },
	{ "sip:a@h?a=x", "sip:a@h?a=X", false },
	{ "sip:[2001:db8::1]", "sip:[2001:DB8:0:0::1]", true },
	{ "sip:[2001:db8::1]", "sip:[2001:db8::2]", false },
	{ "sip:[::ffff:192.0.2.1]", "sip:[::ffff:c000:201]", true },
	{ "sip:[::1]:5060", "sip:[::1]", false },
	{ "sip:a@example.com.", "sip:a@example.com", false },
	/* tel, RFC 3966 §4 */
	{ "tel:+1-201-555-0123", "tel:+12015550123", true },
	{ "tel:+1-201-555-0123", "tel:+1-201-555-0124", false },
	{ "tel:7042;phone-context=example.com",
	  "tel:7042;PHONE-CONTEXT=EXAMPLE.COM", true },
	{ "tel:863-1234;phone-context=+1-914-555",
	  "tel:8631234;phone-context=+1914555", true },
	{ "tel:8631234;phone-context=+1914555", "tel:+19145558631234", false },
	{ "tel:+1234;ext=1", "tel:+1234", false },
	{ "tel:+1234;ext=1-2", "tel:+1234;EXT=12", true },
	{ "tel:+1234;a=1;b=2", "tel:+1234;b=2;a=1", true },
	{ "tel:+1234;a", "tel:+1234;a=1", false },
	{ "tel:abc;phone-context=+1", "tel:ABC;phone-context=+1", true },
	{ "tel:+1234", "sip:+1234@h", false },
};

static void test_sip_uri_equal(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(eq_rows); i++) {
		struct tdm_uri a, b;
		bool ea, eb;

		CU_ASSERT_EQUAL_FATAL(parse(&a, eq_rows[i].a, strlen(eq_rows[i].a), NULL), 0);
		CU_ASSERT_EQUAL_FATAL(parse(&b, eq_rows[i].b, strlen(eq_rows[i].b), NULL), 0);
		ea = tdm_uri_equal(&a, &b);
		eb = tdm_uri_equal(&b, &a);
		if (ea != eq_rows[i].equal || eb != eq_rows[i].equal)
			fprintf(stderr, "  %s vs %s: %d/%d\n", eq_rows[i].a,
				eq_rows[i].b, ea, eb);
		CU_ASSERT_EQUAL(ea, eq_rows[i].equal);
		CU_ASSERT_EQUAL(eb, eq_rows[i].equal);
		unguard(&a);
		unguard(&b);
	}
}

/* ---- tdm_uri_param ------------------------------------------------------- */

static void test_sip_uri_param(void)
{
	static const struct {
		const char *uri, *name, *value; /* value NULL: -ENOENT */
	} rows[] = {
		{ "sip:a@h;transport=tcp;lr;X=1", "TRANSPORT", "tcp" },
		{ "sip:a@h;transport=tcp;lr;X=1", "lr", "" },
		{ "sip:a@h;transport=tcp;lr;X=1", "x", "1" },
		{ "sip:a@h;transport=tcp;lr;X=1", "l", NULL },
		{ "sip:a@h;transport=tcp;lr;X=1", "lrx", NULL },
		{ "sip:a@h;p=1;p=2", "p", "1" },
		{ "sip:a;x=1@h", "x", NULL },    /* in the user part */
		{ "sip:a@h?x=1", "x", NULL },    /* a header */
		{ "sip:a@h", "x", NULL },
		{ "tel:123;phone-context=+1;ext=9", "phone-context", "+1" },
		{ "tel:123;phone-context=+1;ext=9", "ext", "9" },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(rows); i++) {
		struct tdm_uri u;
		struct tdm_str v = TDM_STR("junk");
		int err;

		CU_ASSERT_EQUAL_FATAL(parse(&u, rows[i].uri, strlen(rows[i].uri), NULL), 0);
		err = tdm_uri_param(&u, rows[i].name, &v);
		if (rows[i].value) {
			CU_ASSERT_EQUAL(err, 0);
			TDM_ASSERT_STR(v, rows[i].value);
		} else {
			CU_ASSERT_EQUAL(err, -ENOENT);
		}
		CU_ASSERT_EQUAL(tdm_uri_param(&u, rows[i].name, NULL), err);
		unguard(&u);
	}
}

/* ---- tdm_uri_unescape ---------------------------------------------------- */

static void test_sip_uri_unescape(void)
{
	static const struct {
		const char *in;
		const char *out;
		size_t out_len;
		int err;
	} rows[] = {
		{ "abc", "abc", 3, 0 },
		{ "", "", 0, 0 },
		{ "%61lice", "alice", 5, 0 },
		{ "null-%00-null", "null-\0-null", 11, 0 },
		{ "%41%42", "AB", 2, 0 },
		{ "%7e%7E", "~~", 2, 0 },
		{ "a%20b%", NULL, 0, -EBADMSG },
		{ "%zz", NULL, 0, -EBADMSG },
		{ "a%4", NULL, 0, -EBADMSG },
		{ "%", NULL, 0, -EBADMSG },
	};
	struct tdm_arena *a;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 256), 0);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(rows); i++) {
		size_t len = strlen(rows[i].in);
		struct tdm_str in = { tdm_guard_copy(rows[i].in, len), len };
		struct tdm_str out = TDM_STR_NULL;
		int err = tdm_uri_unescape(a, &in, &out);

		CU_ASSERT_EQUAL(err, rows[i].err);
		if (err == 0) {
			CU_ASSERT_EQUAL(out.len, rows[i].out_len);
			CU_ASSERT(out.len == 0 ||
				  memcmp(out.s, rows[i].out, out.len) == 0);
			/* no escape: the same slice, nothing allocated */
			if (!memchr(rows[i].in, '%', len))
				CU_ASSERT_PTR_EQUAL(out.s, in.s);
		}
		tdm_guard_free(in.s, len);
	}
	tdm_arena_free(a);
}

static int unescape_oom(void *arg)
{
	const struct tdm_str *in = arg;
	struct tdm_arena *a;
	struct tdm_str out;
	int err = tdm_arena_new(&a, 16);

	if (err)
		return err;
	err = tdm_uri_unescape(a, in, &out);
	if (err == 0 && !tdm_str_eq_c(&out, "alice@atlanta.com"))
		err = -EINVAL;
	tdm_arena_free(a);
	return err;
}

static void test_sip_uri_unescape_oom(void)
{
	struct tdm_str in = TDM_STR("%61lice%40atlanta.com");

	CU_ASSERT_EQUAL(tdm_test_oom_loop(unescape_oom, &in), 0);
}

/* The user and host of each valid row decode without error. */
static void test_sip_uri_unescape_fields(void)
{
	struct tdm_arena *a;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 1024), 0);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(ok_rows); i++) {
		struct tdm_uri u;
		struct tdm_str out;

		CU_ASSERT_EQUAL_FATAL(parse(&u, ok_rows[i].in, strlen(ok_rows[i].in), NULL), 0);
		CU_ASSERT_EQUAL(tdm_uri_unescape(a, &u.user, &out), 0);
		CU_ASSERT_EQUAL(tdm_uri_unescape(a, &u.password, &out), 0);
		CU_ASSERT_EQUAL(tdm_uri_unescape(a, &u.host, &out), 0);
		unguard(&u);
	}
	tdm_arena_free(a);
}

TDM_TEST_SUITE(sip_uri,
	       TDM_TEST(test_sip_uri_valid),
	       TDM_TEST(test_sip_uri_invalid),
	       TDM_TEST(test_sip_uri_empty),
	       TDM_TEST(test_sip_uri_embedded_nul),
	       TDM_TEST(test_sip_uri_long),
	       TDM_TEST(test_sip_uri_equal),
	       TDM_TEST(test_sip_uri_param),
	       TDM_TEST(test_sip_uri_unescape),
	       TDM_TEST(test_sip_uri_unescape_oom),
	       TDM_TEST(test_sip_uri_unescape_fields))
