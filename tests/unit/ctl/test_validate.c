/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for tools/tandemctl/ctl_validate.c: the rules for logins,
 * domains, passwords, free text and trusted addresses that tandemctl's
 * provisioning commands apply before touching the database (documented
 * in docs/tandemctl.md, "Rules"). */
#include <errno.h>
#include <string.h>
#include "ctl.h"
#include "test.h"

static char err[256];

static void test_ctl_login(void)
{
	static const char *const good[] = {
		"alice", "a", "Alice.Smith", "bob_2", "x-y", "+4930123456", "0800",
		"a~b", "a+tag",
		"a123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad[] = {
		"", ".alice", "-alice", "_alice", "~a", "al ice", "al/ice", "al@ice",
		"al:ice", "al;ice", "d\xc3\xa5ve", "al\tice",
		"a1234567890123456789012345678901234567890123456789012345678901234",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CU_ASSERT_EQUAL(ctl_check_login(good[i], err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CU_ASSERT_EQUAL(ctl_check_login(bad[i], err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid login"));
	}
}

static void test_ctl_domain(void)
{
	static const char *const good[] = {
		"example.org", "localhost", "a.b.c.d.e", "x-1.example", "192.0.2.1",
		"[::1]", "[2001:db8::5]", "xn--bcher-kva.example",
	};
	static const char *const bad[] = {
		"", ".", "a..b", ".a.b", "a.b.", "-a.org", "a-.org", "a_b.org",
		"exa mple.org", "[::1", "[zz::1]", "a.org:5060", "user@a.org",
	};
	char d[CTL_DOMAIN_MAX + 1], l64[70];

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		CU_ASSERT_EQUAL(ctl_copy_domain(good[i], d, err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(d, good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CU_ASSERT_EQUAL(ctl_copy_domain(bad[i], d, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ctl_copy_domain("Example.ORG", d, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(d, "example.org");
	/* a label of 63 is fine, 64 is not */
	memset(l64, 'a', 64);
	strcpy(l64 + 63, ".org");
	CU_ASSERT_EQUAL(ctl_copy_domain(l64, d, err, sizeof(err)), 0);
	memset(l64, 'a', 64);
	strcpy(l64 + 64, ".org");
	CU_ASSERT_EQUAL(ctl_copy_domain(l64, d, err, sizeof(err)), -EINVAL);
}

static void test_ctl_aor(void)
{
	char buf[CTL_AOR_MAX], *login, *domain;

	CU_ASSERT_EQUAL(ctl_copy_aor("alice@Example.org", buf, &login, &domain,
				     err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(login, "alice");
	CU_ASSERT_STRING_EQUAL(domain, "example.org");
	CU_ASSERT_EQUAL(ctl_copy_aor("alice", buf, &login, &domain, err,
				     sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "LOGIN@DOMAIN"));
	CU_ASSERT_EQUAL(ctl_copy_aor("a@b@example.org", buf, &login, &domain, err,
				     sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ctl_copy_aor("@example.org", buf, &login, &domain, err,
				     sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ctl_copy_aor("alice@", buf, &login, &domain, err,
				     sizeof(err)), -EINVAL);
}

static void test_ctl_password(void)
{
	static const char *const good[] = {
		"Wonder-land7", "correct horse battery staple", "abcdefgh1",
		"12345678a", "ÄÖÜäöüß!",
	};
	static const struct { const char *pw, *why; } bad[] = {
		{ "", "empty" }, { "Ab1-xyz", "8 to 1024" },
		{ "20242025", "digits only" }, { "zzzzzzzzzz", "repeat" },
		{ "PASSWORD123", "common" }, { "qwertyuiop", "common" },
		{ "my-ALICE-99", "contain the login" },
		{ "tab\there!", "control character" },
	};
	char big[CTL_PASSWORD_MAX + 2];

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CU_ASSERT_EQUAL(ctl_check_password(good[i], "alice", err,
						   sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CU_ASSERT_EQUAL(ctl_check_password(bad[i].pw, "alice", err,
						   sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].why));
	}
	/* a login shorter than 3 is not looked for */
	CU_ASSERT_EQUAL(ctl_check_password("Bob-is-here", "bo", err, sizeof(err)), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[0] = 'A';
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(ctl_check_password(big, "alice", err, sizeof(err)), -EINVAL);
	big[sizeof(big) - 2] = '\0';
	CU_ASSERT_EQUAL(ctl_check_password(big, "alice", err, sizeof(err)), 0);
}

static void test_ctl_address(void)
{
	static const struct { const char *in, *ip; unsigned mask; } good[] = {
		{ "10.0.0.0/8", "10.0.0.0", 8 },
		{ "192.0.2.7", "192.0.2.7", 32 },
		{ "0.0.0.0/0", "0.0.0.0", 0 },
		{ "0:0::1", "::1", 128 },
		{ "2001:DB8::/32", "2001:db8::", 32 },
	};
	static const char *const bad[] = {
		"", "10.0.0.256", "10.0.0.0/33", "10.1.2.3/8", "::1/129", "10.0.0.0/",
		"10.0.0.0/x", "10.0.0.0/-1", "host.example", "2001:db8::1/32",
	};
	char ip[CTL_IP_MAX];
	unsigned mask;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		CU_ASSERT_EQUAL(ctl_parse_address(good[i].in, ip, &mask, err,
						  sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(ip, good[i].ip);
		CU_ASSERT_EQUAL(mask, good[i].mask);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CU_ASSERT_EQUAL(ctl_parse_address(bad[i], ip, &mask, err,
						  sizeof(err)), -EINVAL);
}

static void test_ctl_text_uint(void)
{
	unsigned v;

	CU_ASSERT_EQUAL(ctl_check_text("Alice Liddell", 128, "display name", err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(ctl_check_text("a\nb", 128, "display name", err,
				       sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ctl_check_text("abcdef", 5, "tag", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_uint("65535", 65535, &v), 0);
	CU_ASSERT_EQUAL(v, 65535);
	CU_ASSERT_EQUAL(ctl_parse_uint("65536", 65535, &v), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_uint("-1", 65535, &v), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_uint("", 65535, &v), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_uint("12x", 65535, &v), -EINVAL);
	CU_ASSERT_EQUAL(ctl_parse_uint(" 1", 65535, &v), -EINVAL);
}

TDM_TEST_SUITE(ctl_validate,
	TDM_TEST(test_ctl_login),
	TDM_TEST(test_ctl_domain),
	TDM_TEST(test_ctl_aor),
	TDM_TEST(test_ctl_password),
	TDM_TEST(test_ctl_address),
	TDM_TEST(test_ctl_text_uint));
