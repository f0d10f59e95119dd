/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for the provisioning snapshot (core/db/snap.c, snap_tab.c):
 * insert, update, delete and lookup in each table, the reload's mark and
 * sweep, the memory it takes per subscriber, and readers running while
 * the writer changes entries (meaningful under the sanitizer build). */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "db/snap.h"
#include "test.h"

static const char *H32 = "0123456789abcdef0123456789ABCDEF";
static const char *H64 =
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static struct tdm_snap_sub_row sub_row(int64_t id, const char *user,
				       const char *dom)
{
	return (struct tdm_snap_sub_row){
		.id = id, .username = tdm_str_c(user), .domain = tdm_str_c(dom),
		.display_name = TDM_STR(""), .ha1 = tdm_str_c(H32),
		.ha1_sha256 = tdm_str_c(H64), .ha1_sha512t256 = tdm_str_c(H64),
		.enabled = true,
	};
}

static int lookup(const struct tdm_snap *s, const char *user, const char *dom,
		  struct tdm_snap_sub *out)
{
	struct tdm_str u = tdm_str_c(user), d = tdm_str_c(dom);

	return tdm_snap_subscriber(s, &u, &d, out);
}

static void test_snap_subscribers(void)
{
	struct tdm_snap *s;
	struct tdm_snap_sub out;
	struct tdm_snap_sub_row r;
	struct tdm_snap_stats st;

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&s), 0);
	r = sub_row(7, "alice", "Example.ORG");
	r.display_name = TDM_STR("Alice A.");
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	CU_ASSERT_EQUAL(lookup(s, "alice", "example.org", &out), 0);
	CU_ASSERT_EQUAL(out.id, 7);
	CU_ASSERT(out.enabled);
	CU_ASSERT(out.ha1[0] == 0x01 && out.ha1[15] == 0xef);
	CU_ASSERT(out.ha1_sha256[1] == 0x11 && out.ha1_sha512t256[31] == 0xff);
	CU_ASSERT_STRING_EQUAL(out.display_name, "Alice A.");
	CU_ASSERT_EQUAL(lookup(s, "alice", "EXAMPLE.org", NULL), 0);
	/* users are case-sensitive, and another domain is another key */
	CU_ASSERT_EQUAL(lookup(s, "Alice", "example.org", NULL), -ENOENT);
	CU_ASSERT_EQUAL(lookup(s, "alice", "example.com", NULL), -ENOENT);
	CU_ASSERT_EQUAL(lookup(s, "alic", "example.org", NULL), -ENOENT);

	/* update by id: disabled, then renamed (the old key disappears) */
	r.enabled = false;
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	CU_ASSERT_EQUAL(lookup(s, "alice", "example.org", &out), 0);
	CU_ASSERT(!out.enabled);
	r.username = TDM_STR("alice2");
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	CU_ASSERT_EQUAL(lookup(s, "alice", "example.org", NULL), -ENOENT);
	CU_ASSERT_EQUAL(lookup(s, "alice2", "example.org", NULL), 0);
	tdm_snap_stats(s, &st);
	CU_ASSERT_EQUAL(st.subscribers, 1);

	/* bad values are refused, the entry stays as it was */
	r.ha1 = TDM_STR("xyz");
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), -EINVAL);
	r = sub_row(7, "alice2", "example.org");
	r.ha1_sha256 = TDM_STR("0g112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), -EINVAL);
	CU_ASSERT_EQUAL(lookup(s, "alice2", "example.org", NULL), 0);

	/* delete by id, twice (idempotent) */
	CU_ASSERT_EQUAL(tdm_snap_del(s, TDM_SNAP_SUBSCRIBER, 7), 0);
	CU_ASSERT_EQUAL(tdm_snap_del(s, TDM_SNAP_SUBSCRIBER, 7), -ENOENT);
	CU_ASSERT_EQUAL(lookup(s, "alice2", "example.org", NULL), -ENOENT);
	tdm_snap_stats(s, &st);
	CU_ASSERT_EQUAL(st.subscribers, 0);
	tdm_snap_free(s);
}

static void test_snap_domains_aliases(void)
{
	struct tdm_snap *s;
	struct tdm_str d1 = TDM_STR("Example.org"), q, tu, td;
	struct tdm_snap_sub_row r = sub_row(1, "bob", "example.org");
	struct tdm_snap_alias_row a = {
		.id = 3, .alias_username = TDM_STR("+4930123"),
		.alias_domain = TDM_STR("Example.org"), .username = TDM_STR("bob"),
		.domain = TDM_STR("EXAMPLE.org"),
	};
	char buf[512];

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&s), 0);
	CU_ASSERT_EQUAL(tdm_snap_put_domain(s, 1, &d1), 0);
	q = TDM_STR("EXAMPLE.ORG");
	CU_ASSERT(tdm_snap_domain_served(s, &q));
	q = TDM_STR("example.com");
	CU_ASSERT(!tdm_snap_domain_served(s, &q));
	/* a subscriber's domain is not a served domain by itself */
	r.domain = TDM_STR("example.net");
	CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	q = TDM_STR("example.net");
	CU_ASSERT(!tdm_snap_domain_served(s, &q));
	/* renamed by id */
	d1 = TDM_STR("example.com");
	CU_ASSERT_EQUAL(tdm_snap_put_domain(s, 1, &d1), 0);
	q = TDM_STR("example.org");
	CU_ASSERT(!tdm_snap_domain_served(s, &q));
	q = TDM_STR("Example.Com");
	CU_ASSERT(tdm_snap_domain_served(s, &q));
	q = TDM_STR("");
	CU_ASSERT_EQUAL(tdm_snap_put_domain(s, 2, &q), -EINVAL);

	CU_ASSERT_EQUAL(tdm_snap_put_alias(s, &a), 0);
	q = TDM_STR("+4930123");
	d1 = TDM_STR("example.ORG");
	CU_ASSERT_EQUAL(tdm_snap_alias(s, &q, &d1, buf, sizeof(buf), &tu, &td), 0);
	CU_ASSERT(tdm_str_eq_c(&tu, "bob"));
	CU_ASSERT(tdm_str_eq_c(&td, "example.org"));
	CU_ASSERT_EQUAL(tdm_snap_alias(s, &q, &d1, buf, 6, &tu, &td), -ENOSPC);
	CU_ASSERT_EQUAL(tdm_snap_del(s, TDM_SNAP_ALIAS, 3), 0);
	CU_ASSERT_EQUAL(tdm_snap_alias(s, &q, &d1, buf, sizeof(buf), &tu, &td),
			-ENOENT);
	tdm_snap_free(s);
}

static struct tdm_addr ip(const char *text)
{
	struct tdm_addr a;
	struct tdm_str t = tdm_str_c(text);

	CU_ASSERT_EQUAL(tdm_addr_parse(&a, &t, NULL), 0);
	return a;
}

static void test_snap_addresses(void)
{
	struct tdm_snap *s;
	struct tdm_snap_addr_row rows[] = {
		{ 1, 1, TDM_STR("10.0.0.0"), 8, 0, TDM_STR("net10") },
		{ 2, 1, TDM_STR("10.1.2.3"), 32, 0, TDM_STR("host") },
		{ 3, 1, TDM_STR("10.1.2.3"), 32, 5070, TDM_STR("host-port") },
		{ 4, 2, TDM_STR("192.168.0.0"), 16, 0, TDM_STR("g2") },
		{ 5, 1, TDM_STR("2001:db8::"), 32, 0, TDM_STR("v6") },
		{ 6, 1, TDM_STR("172.16.0.0"), 12, 0, TDM_STR("") },
	};
	struct tdm_snap_addr_row bad = { 9, 1, TDM_STR("10.0.0.300"), 32, 0,
					 TDM_STR("") };
	struct tdm_addr a;
	char tag[64];

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&s), 0);
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(tdm_snap_put_address(s, &rows[i]), 0);
	CU_ASSERT_EQUAL(tdm_snap_put_address(s, &bad), -EINVAL);
	bad.ip = TDM_STR("10.0.0.1");
	bad.mask = 33;
	CU_ASSERT_EQUAL(tdm_snap_put_address(s, &bad), -EINVAL);

	a = ip("10.9.9.9:5060");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), 0);
	CU_ASSERT_STRING_EQUAL(tag, "net10");
	a = ip("10.1.2.3:5060");   /* the longest mask wins */
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), 0);
	CU_ASSERT_STRING_EQUAL(tag, "host");
	a = ip("10.1.2.3:5070");   /* then a given port */
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), 0);
	CU_ASSERT_STRING_EQUAL(tag, "host-port");
	a = ip("11.0.0.1:5060");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), -ENOENT);
	a = ip("192.168.4.4:5060"); /* another group */
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), -ENOENT);
	CU_ASSERT_EQUAL(tdm_snap_address(s, 2, &a, tag, 3), 0);
	CU_ASSERT_STRING_EQUAL(tag, "g2"); /* truncated to taglen */
	a = ip("172.31.255.1:1");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, NULL, 0), 0);
	a = ip("172.32.0.1:1");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, NULL, 0), -ENOENT);
	a = ip("[2001:db8:ffff::1]:5060");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), 0);
	CU_ASSERT_STRING_EQUAL(tag, "v6");
	a = ip("[2001:db9::1]:5060");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), -ENOENT);
	CU_ASSERT_EQUAL(tdm_snap_del(s, TDM_SNAP_ADDRESS, 1), 0);
	a = ip("10.9.9.9:5060");
	CU_ASSERT_EQUAL(tdm_snap_address(s, 1, &a, tag, sizeof(tag)), -ENOENT);
	tdm_snap_free(s);
}

/* A reload puts the rows again and sweeps what it did not see. */
static void test_snap_reload_sweep(void)
{
	struct tdm_snap *s;
	struct tdm_snap_sub_row r;
	struct tdm_str d = TDM_STR("example.org");
	char user[16];

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&s), 0);
	CU_ASSERT_EQUAL(tdm_snap_put_domain(s, 1, &d), 0);
	for (int i = 1; i <= 100; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		r = sub_row(i, user, "example.org");
		CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	}
	tdm_snap_mark(s);
	for (int i = 1; i <= 100; i += 2) { /* the odd ones are still there */
		snprintf(user, sizeof(user), "u%d", i);
		r = sub_row(i, user, "example.org");
		CU_ASSERT_EQUAL(tdm_snap_put_subscriber(s, &r), 0);
	}
	/* until the sweep, lookups still find the even ones */
	CU_ASSERT_EQUAL(lookup(s, "u2", "example.org", NULL), 0);
	CU_ASSERT_EQUAL(tdm_snap_sweep(s), 50 + 1); /* and the domain */
	CU_ASSERT_EQUAL(lookup(s, "u2", "example.org", NULL), -ENOENT);
	CU_ASSERT_EQUAL(lookup(s, "u3", "example.org", NULL), 0);
	CU_ASSERT(!tdm_snap_domain_served(s, &d));
	tdm_snap_free(s);
}

/* Memory per subscriber stays within the budget (200 bytes) at a size
 * where the bucket arrays are what they will be at scale. */
static void test_snap_memory(void)
{
	struct tdm_snap *s;
	struct tdm_snap_stats st0, st;
	char user[24];
	const unsigned n = 200000;

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&s), 0);
	tdm_snap_stats(s, &st0);
	for (unsigned i = 1; i <= n; i++) {
		struct tdm_snap_sub_row r;
		snprintf(user, sizeof(user), "user%07u", i);
		r = sub_row(i, user, i % 2 ? "example.org" : "example.com");
		if (tdm_snap_put_subscriber(s, &r))
			break;
	}
	tdm_snap_stats(s, &st);
	CU_ASSERT_EQUAL(st.subscribers, n);
	printf("\n    snapshot: %.1f bytes per subscriber ", (double)(st.bytes - st0.bytes) / n);
	CU_ASSERT((st.bytes - st0.bytes) / n <= 200);
	CU_ASSERT_EQUAL(lookup(s, "user0123457", "example.org", NULL), 0);
	CU_ASSERT_EQUAL(lookup(s, "user0123457", "example.com", NULL), -ENOENT);
	for (unsigned i = 1; i <= n; i++)
		tdm_snap_del(s, TDM_SNAP_SUBSCRIBER, i);
	tdm_snap_stats(s, &st);
	CU_ASSERT_EQUAL(st.subscribers, 0);
	tdm_snap_free(s);
}

/* Readers look subscribers up while the writer updates, deletes and
 * re-inserts them. A reader must find each entry whole: the HA1 it
 * copies out was written with the id it copies out. */
#define CC_USERS 512
struct cc {
	struct tdm_snap *s;
	atomic_bool stop;
	atomic_long found, torn;
};

static void cc_row(struct tdm_snap_sub_row *r, char *user, char *h32,
		   char *h64, int64_t id, unsigned u)
{
	snprintf(user, 16, "cc%u", u);
	for (int i = 0; i < 32; i++)
		h32[i] = "0123456789abcdef"[(id + i) & 15];
	for (int i = 0; i < 64; i++)
		h64[i] = "0123456789abcdef"[(id + i) & 15];
	*r = (struct tdm_snap_sub_row){
		.id = id, .username = tdm_str_c(user), .domain = TDM_STR("cc.example"),
		.ha1 = { h32, 32 }, .ha1_sha256 = { h64, 64 },
		.ha1_sha512t256 = { h64, 64 }, .enabled = (id & 1) != 0,
	};
}

static void *cc_reader(void *arg)
{
	struct cc *c = arg;
	char user[16];
	unsigned u = 0;

	while (!atomic_load(&c->stop)) {
		struct tdm_snap_sub out;
		snprintf(user, sizeof(user), "cc%u", u++ % CC_USERS);
		if (lookup(c->s, user, "CC.example", &out))
			continue;
		atomic_fetch_add(&c->found, 1);
		/* byte 0 holds the hex digits id, id+1 */
		if (out.ha1[0] != (((out.id & 15) << 4) | ((out.id + 1) & 15)) ||
		    out.enabled != ((out.id & 1) != 0))
			atomic_fetch_add(&c->torn, 1);
	}
	return NULL;
}

static void test_snap_concurrent_readers(void)
{
	struct cc c = { 0 };
	pthread_t th[4];
	char user[16], h32[32], h64[64];
	struct tdm_snap_sub_row r;

	CU_ASSERT_EQUAL_FATAL(tdm_snap_new(&c.s), 0);
	for (unsigned u = 0; u < CC_USERS; u++) {
		cc_row(&r, user, h32, h64, (int64_t)u + 1, u);
		tdm_snap_put_subscriber(c.s, &r);
	}
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, cc_reader, &c);
	/* each round gives every user a new id: put the new row and delete
	 * the old one, or (every third round) the other way round */
	for (unsigned round = 1; round <= 40; round++)
		for (unsigned u = 0; u < CC_USERS; u++) {
			int64_t old = (int64_t)(round - 1) * CC_USERS + u + 1;
			cc_row(&r, user, h32, h64, old + CC_USERS, u);
			if (round % 3 == 0)
				tdm_snap_del(c.s, TDM_SNAP_SUBSCRIBER, old);
			tdm_snap_put_subscriber(c.s, &r);
			if (round % 3 != 0)
				tdm_snap_del(c.s, TDM_SNAP_SUBSCRIBER, old);
		}
	atomic_store(&c.stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT(atomic_load(&c.found) > 0);
	CU_ASSERT_EQUAL(atomic_load(&c.torn), 0);
	tdm_snap_free(c.s);
}

TDM_TEST_SUITE(db_snap,
	       TDM_TEST(test_snap_subscribers),
	       TDM_TEST(test_snap_domains_aliases),
	       TDM_TEST(test_snap_addresses),
	       TDM_TEST(test_snap_reload_sweep),
	       TDM_TEST(test_snap_memory),
	       TDM_TEST(test_snap_concurrent_readers))
