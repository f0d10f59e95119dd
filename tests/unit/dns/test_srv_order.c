/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/dns/srv_order.c: RFC 2782 priority order and weighted
 * choice with a scripted random source, RFC 3403 NAPTR order. */
#include <string.h>
#include <tandem/alloc.h>
#include "dns/dns_impl.h"
#include "test.h"

/* n SRV records (prio, weight) named t0, t1, ...; a name of "" is ".". */
static struct tdm_dns_rrset *srv_set(unsigned n, const uint16_t (*pw)[2],
				     const char *dot_at)
{
	struct tdm_dns_rrset *s = tdm_dns_rrset_new(TDM_DNS_T_SRV, n, n * 4);
	char *pool = (char *)&s->rr[n];

	for (unsigned i = 0; i < n; i++) {
		s->rr[i].prio = pw[i][0];
		s->rr[i].weight = pw[i][1];
		s->rr[i].name_off = i * 4;
		if (dot_at && dot_at[i] == 'x')
			pool[i * 4] = '\0';
		else
			memcpy(pool + i * 4, (char[]){ 't', (char)('0' + i), 0 }, 3);
	}
	return s;
}

static uint32_t rand_zero(uint32_t bound)
{
	(void)bound;
	return 0;
}

static uint32_t rand_max(uint32_t bound)
{
	return bound;
}

static void test_dns_srv_order_priority(void)
{
	static const uint16_t pw[][2] = { { 20, 0 }, { 10, 0 }, { 30, 0 }, { 10, 0 } };
	struct tdm_dns_rrset *s = srv_set(4, pw, NULL);
	unsigned idx[8];

	tdm_dns_set_rand(rand_zero);
	CU_ASSERT_EQUAL(tdm_dns_srv_order(s, idx, 8), 4);
	CU_ASSERT_TRUE((idx[0] == 1 && idx[1] == 3) || (idx[0] == 3 && idx[1] == 1));
	CU_ASSERT_EQUAL(idx[2], 0);
	CU_ASSERT_EQUAL(idx[3], 2);
	/* max truncates after ordering */
	CU_ASSERT_EQUAL(tdm_dns_srv_order(s, idx, 2), 2);
	CU_ASSERT_EQUAL(s->rr[idx[1]].prio, 10);
	tdm_dns_set_rand(NULL);
	tdm_dns_rrset_unref(s);
}

static void test_dns_srv_order_weights(void)
{
	static const uint16_t pw[][2] = { { 10, 0 }, { 10, 60 }, { 10, 40 } };
	struct tdm_dns_rrset *s = srv_set(3, pw, NULL);
	unsigned idx[3], seen[3] = { 0 };

	/* random 0: the zero-weight record (placed first) wins each round */
	tdm_dns_set_rand(rand_zero);
	CU_ASSERT_EQUAL(tdm_dns_srv_order(s, idx, 3), 3);
	CU_ASSERT_EQUAL(idx[0], 0);
	/* random = sum: the last record of the running sum wins */
	tdm_dns_set_rand(rand_max);
	tdm_dns_srv_order(s, idx, 3);
	CU_ASSERT_EQUAL(idx[0], 2);
	/* real random: over many runs both weighted records come first */
	tdm_dns_set_rand(NULL);
	for (int i = 0; i < 500; i++) {
		tdm_dns_srv_order(s, idx, 3);
		seen[idx[0]]++;
	}
	CU_ASSERT_TRUE(seen[1] > 0);
	CU_ASSERT_TRUE(seen[2] > 0);
	tdm_dns_rrset_unref(s);
}

static void test_dns_srv_order_dot(void)
{
	static const uint16_t pw[][2] = { { 10, 0 } };
	struct tdm_dns_rrset *s = srv_set(1, pw, "x");
	unsigned idx[1];

	CU_ASSERT_EQUAL(tdm_dns_srv_order(s, idx, 1), 0);
	tdm_dns_rrset_unref(s);
}

static void test_dns_naptr_order(void)
{
	struct tdm_dns_rrset *s = tdm_dns_rrset_new(TDM_DNS_T_NAPTR, 3, 0);
	unsigned idx[3];

	s->rr[0].order = 20; s->rr[0].pref = 1;
	s->rr[1].order = 10; s->rr[1].pref = 50;
	s->rr[2].order = 10; s->rr[2].pref = 5;
	CU_ASSERT_EQUAL(tdm_dns_naptr_order(s, idx, 3), 3);
	CU_ASSERT_EQUAL(idx[0], 2);
	CU_ASSERT_EQUAL(idx[1], 1);
	CU_ASSERT_EQUAL(idx[2], 0);
	tdm_dns_rrset_unref(s);
}

TDM_TEST_SUITE(dns_srv_order,
	       TDM_TEST(test_dns_srv_order_priority),
	       TDM_TEST(test_dns_srv_order_weights),
	       TDM_TEST(test_dns_srv_order_dot),
	       TDM_TEST(test_dns_naptr_order))
