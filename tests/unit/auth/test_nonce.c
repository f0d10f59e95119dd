/* SPDX-License-Identifier: GPL-2.0-or-later
 * Unit tests of modules/auth/nonce.c (self-validating nonces, expiry on
 * an injected clock, the nonce-count table) and failures.c (the bounded
 * per-source failure table with decay and replacement). */
#include <errno.h>
#include <string.h>
#include "test.h"
#include "helpers.h"

static void test_auth_nonce_roundtrip(void)
{
	char a[AUTH_NONCE_LEN + 1], b[AUTH_NONCE_LEN + 1];
	struct auth_nonce n1, n2;
	struct tdm_str sa, sb;

	at_setup(1024, NULL);
	CU_ASSERT_EQUAL(auth_nonce_make(a), 0);
	CU_ASSERT_EQUAL(auth_nonce_make(b), 0);
	CU_ASSERT_EQUAL(strlen(a), AUTH_NONCE_LEN);
	CU_ASSERT_NOT_EQUAL(strcmp(a, b), 0);
	/* base64url: nothing that needs quoting or escaping */
	CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789-_"), AUTH_NONCE_LEN);
	sa = tdm_str_c(a);
	sb = tdm_str_c(b);
	CU_ASSERT_EQUAL(auth_nonce_check(&sa, &n1), 0);
	CU_ASSERT_EQUAL(auth_nonce_check(&sb, &n2), 0);
	CU_ASSERT_EQUAL(n1.ts, (uint32_t)fake_now);
	CU_ASSERT_EQUAL(n2.seq, n1.seq + 1);
	CU_ASSERT_EQUAL(n1.instance, n2.instance);

	/* every single-character change is refused */
	for (size_t i = 0; i < AUTH_NONCE_LEN; i++) {
		char t[AUTH_NONCE_LEN + 1];
		struct tdm_str st = { t, AUTH_NONCE_LEN };

		memcpy(t, a, sizeof(t));
		t[i] = t[i] == 'x' ? 'y' : 'x';
		CU_ASSERT_EQUAL(auth_nonce_check(&st, &n1), -EINVAL);
	}
	sa.len--;
	CU_ASSERT_EQUAL(auth_nonce_check(&sa, &n1), -EINVAL);
	sa = TDM_STR("");
	CU_ASSERT_EQUAL(auth_nonce_check(&sa, &n1), -EINVAL);
	at_teardown();

	/* another secret (another deployment) does not accept it; the same
	 * secret (another node behind the balancer) does */
	CU_ASSERT_EQUAL(auth_nonce_init("some-other-secret", 16), 0);
	sb = tdm_str_c(b);
	CU_ASSERT_EQUAL(auth_nonce_check(&sb, &n1), -EINVAL);
	auth_nonce_fini();
	CU_ASSERT_EQUAL(auth_nonce_init("unit-test-secret", 16), 0);
	CU_ASSERT_EQUAL(auth_nonce_check(&sb, &n1), 0);
	/* not our instance: its counts are not tracked here */
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&n1, 1), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&n1, 1), 0);
	auth_nonce_fini();
	/* a random key (empty secret) works too */
	CU_ASSERT_EQUAL(auth_nonce_init("", 16), 0);
	CU_ASSERT_EQUAL(auth_nonce_make(a), 0);
	sa = tdm_str_c(a);
	CU_ASSERT_EQUAL(auth_nonce_check(&sa, &n1), 0);
	auth_nonce_fini();
	CU_ASSERT_EQUAL(auth_nonce_init("x", 0), -EINVAL);
}

static void test_auth_nonce_expiry(void)
{
	char a[AUTH_NONCE_LEN + 1];
	struct auth_nonce n;
	struct tdm_str s;

	at_setup(1024, NULL);
	CU_ASSERT_EQUAL(auth_nonce_make(a), 0);
	s = tdm_str_c(a);
	fake_now += 299;
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &n), 0);
	fake_now += 1;
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &n), 0);
	fake_now += 1;
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &n), -ESTALE);
	auth_cfg.nonce_expires = 3600; /* the parameter is read per check */
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &n), 0);
	at_teardown();
}

static void test_auth_nonce_count(void)
{
	char a[AUTH_NONCE_LEN + 1], b[AUTH_NONCE_LEN + 1];
	struct auth_nonce na, nb;
	struct tdm_str s;

	at_setup(4, NULL);
	CU_ASSERT_EQUAL(auth_nonce_make(a), 0);
	s = tdm_str_c(a);
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &na), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 0), -EALREADY);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 1), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 1), -EALREADY);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 2), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 10), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 9), -EALREADY);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 0xffffffffu), 0);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 0xffffffffu), -EALREADY);
	/* four more nonces wrap the 4-slot table: a's slot now belongs to
	 * a newer nonce, a is too old to track (stale), the new one starts
	 * from zero */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(auth_nonce_make(b), 0);
	s = tdm_str_c(b);
	CU_ASSERT_EQUAL(auth_nonce_check(&s, &nb), 0);
	CU_ASSERT_EQUAL(nb.seq % 4, na.seq % 4);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&na, 0xffffffffu), -ESTALE);
	CU_ASSERT_EQUAL(auth_nonce_nc_update(&nb, 1), 0);
	at_teardown();
}

static void test_auth_failures_table(void)
{
	struct tdm_str a = TDM_STR("127.0.0.1"), b = TDM_STR("::1");
	struct tdm_str longip = TDM_STR("0123456789012345678901234567890123456789012345678");
	char ip[32];

	at_setup(16, NULL);
	CU_ASSERT_EQUAL(auth_failures_get(&a), 0);
	for (unsigned i = 1; i <= 8; i++)
		CU_ASSERT_EQUAL(auth_failures_add(&a), i);
	CU_ASSERT_EQUAL(auth_failures_add(&b), 1);
	CU_ASSERT_EQUAL(auth_failures_get(&a), 8);
	/* halves every failure_decay (60 s) */
	fake_now += 59;
	CU_ASSERT_EQUAL(auth_failures_get(&a), 8);
	fake_now += 1;
	CU_ASSERT_EQUAL(auth_failures_get(&a), 4);
	fake_now += 120;
	CU_ASSERT_EQUAL(auth_failures_get(&a), 1);
	CU_ASSERT_EQUAL(auth_failures_add(&a), 2);
	fake_now += 60 * 40;
	CU_ASSERT_EQUAL(auth_failures_get(&a), 0);
	auth_failures_clear(&b);
	CU_ASSERT_EQUAL(auth_failures_get(&b), 0);
	CU_ASSERT_EQUAL(auth_failures_add(&longip), 0);
	CU_ASSERT_EQUAL(auth_failures_get(&longip), 0);
	at_teardown();

	/* bounded: one set of 8 entries; the 9th address replaces the one
	 * touched longest ago, the table never grows */
	CU_ASSERT_EQUAL(auth_failures_init(8, 60), 0);
	fake_now = 1000;
	for (int i = 0; i < 8; i++) {
		struct tdm_str s;

		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		s = tdm_str_c(ip);
		fake_now += 1;
		CU_ASSERT_EQUAL(auth_failures_add(&s), 1);
	}
	fake_now += 1;
	CU_ASSERT_EQUAL(auth_failures_add(&a), 1);
	{
		struct tdm_str first = TDM_STR("10.0.0.0"), last = TDM_STR("10.0.0.7");

		CU_ASSERT_EQUAL(auth_failures_get(&first), 0);
		CU_ASSERT_EQUAL(auth_failures_get(&last), 1);
		CU_ASSERT_EQUAL(auth_failures_get(&a), 1);
	}
	auth_failures_fini();
	CU_ASSERT_EQUAL(auth_failures_init(0, 60), -EINVAL);
	/* used before init or after fini: harmless */
	CU_ASSERT_EQUAL(auth_failures_add(&a), 0);
	CU_ASSERT_EQUAL(auth_failures_get(&a), 0);
}

TDM_TEST_SUITE(auth_nonce,
	       TDM_TEST(test_auth_nonce_roundtrip),
	       TDM_TEST(test_auth_nonce_expiry),
	       TDM_TEST(test_auth_nonce_count),
	       TDM_TEST(test_auth_failures_table))
