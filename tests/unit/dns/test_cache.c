/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/dns/cache.c: expiry on an injected clock (the cache is
 * given "now" by its callers), negative entries, LRU eviction, name
 * normalisation and shared references. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "dns/dns_impl.h"
#include "test.h"

static struct tdm_dns_rrset *a_set(uint8_t last)
{
	struct tdm_dns_rrset *s = tdm_dns_rrset_new(TDM_DNS_T_A, 1, 0);

	s->rr[0].ip[0] = 127;
	s->rr[0].ip[3] = last;
	return s;
}

static void test_dns_cache_ttl_expiry(void)
{
	struct tdm_dns_rrset *s = a_set(7), *got = NULL;

	CU_ASSERT_EQUAL(tdm_dns_cache_init(16), 0);
	tdm_dns_cache_put(TDM_DNS_T_A, "host.test", s, 30, 1000);
	tdm_dns_rrset_unref(s);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "host.test", 1000, &got), 0);
	CU_ASSERT_EQUAL(got->rr[0].ip[3], 7);
	tdm_dns_rrset_unref(got);
	/* fresh until now + 30 s - 1 ms, gone at now + 30 s */
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "host.test", 30999, &got), 0);
	tdm_dns_rrset_unref(got);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "host.test", 31000, &got),
			-ENOENT);
	CU_ASSERT_EQUAL(tdm_dns_cache_count(), 0);
	/* other type, same name: a different key */
	s = a_set(8);
	tdm_dns_cache_put(TDM_DNS_T_A, "host.test", s, 10, 0);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_AAAA, "host.test", 0, &got),
			-ENOENT);
	tdm_dns_rrset_unref(s);
	/* TTL 0: not stored */
	s = a_set(9);
	tdm_dns_cache_put(TDM_DNS_T_A, "zero.test", s, 0, 0);
	tdm_dns_rrset_unref(s);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "zero.test", 0, &got),
			-ENOENT);
	tdm_dns_cache_free();
}

static void test_dns_cache_negative_and_names(void)
{
	struct tdm_dns_rrset *s = tdm_dns_rrset_err(TDM_DNS_T_SRV, -ENOENT);
	struct tdm_dns_rrset *got = NULL;

	CU_ASSERT_EQUAL(tdm_dns_cache_init(16), 0);
	tdm_dns_cache_put(TDM_DNS_T_SRV, "_sip._udp.NoSuch.Test.", s, 5, 0);
	tdm_dns_rrset_unref(s);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_SRV, "_sip._udp.nosuch.test",
					  4999, &got), 0);
	CU_ASSERT_EQUAL(got->err, -ENOENT);
	tdm_dns_rrset_unref(got);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_SRV, "_sip._udp.nosuch.test",
					  5000, &got), -ENOENT);
	tdm_dns_cache_free();
}

static void test_dns_cache_lru_eviction(void)
{
	struct tdm_dns_rrset *s, *got;
	const char *names[] = { "a.test", "b.test", "c.test" };

	CU_ASSERT_EQUAL(tdm_dns_cache_init(2), 0);
	for (int i = 0; i < 2; i++) {
		s = a_set((uint8_t)i);
		tdm_dns_cache_put(TDM_DNS_T_A, names[i], s, 60, 0);
		tdm_dns_rrset_unref(s);
	}
	/* touch a: b becomes the least recently used */
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "a.test", 1, &got), 0);
	tdm_dns_rrset_unref(got);
	s = a_set(2);
	tdm_dns_cache_put(TDM_DNS_T_A, names[2], s, 60, 2);
	/* the cache's reference keeps the set alive after ours goes */
	tdm_dns_rrset_unref(s);
	CU_ASSERT_EQUAL(tdm_dns_cache_count(), 2);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "b.test", 3, &got), -ENOENT);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "a.test", 3, &got), 0);
	tdm_dns_rrset_unref(got);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "c.test", 3, &got), 0);
	CU_ASSERT_EQUAL(got->rr[0].ip[3], 2);
	/* a reference outlives the cache */
	tdm_dns_cache_free();
	CU_ASSERT_EQUAL(got->rr[0].ip[3], 2);
	tdm_dns_rrset_unref(got);
}

static void test_dns_cache_replace(void)
{
	struct tdm_dns_rrset *s, *got;

	CU_ASSERT_EQUAL(tdm_dns_cache_init(4), 0);
	s = a_set(1);
	tdm_dns_cache_put(TDM_DNS_T_A, "x.test", s, 60, 0);
	tdm_dns_rrset_unref(s);
	s = a_set(2);
	tdm_dns_cache_put(TDM_DNS_T_A, "X.TEST", s, 60, 0);
	tdm_dns_rrset_unref(s);
	CU_ASSERT_EQUAL(tdm_dns_cache_count(), 1);
	CU_ASSERT_EQUAL(tdm_dns_cache_get(TDM_DNS_T_A, "x.test", 0, &got), 0);
	CU_ASSERT_EQUAL(got->rr[0].ip[3], 2);
	tdm_dns_rrset_unref(got);
	tdm_dns_cache_flush();
	CU_ASSERT_EQUAL(tdm_dns_cache_count(), 0);
	tdm_dns_cache_free();
}

TDM_TEST_SUITE(dns_cache,
	       TDM_TEST(test_dns_cache_ttl_expiry),
	       TDM_TEST(test_dns_cache_negative_and_names),
	       TDM_TEST(test_dns_cache_lru_eviction),
	       TDM_TEST(test_dns_cache_replace))
