/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/sip/digest.c against the examples of RFC 7616 §3.9.1
 * (MD5 and SHA-256, qop=auth) and RFC 2617 §3.5 (MD5), plus known HA1s
 * and the refusals. */
#include <errno.h>
#include <string.h>
#include <tandem/digest.h>
#include "test.h"

/* RFC 7616 §3.9.1: Mufasa / "Circle of Life", realm http-auth@example.org */
static const struct tdm_digest_input rfc7616 = {
	.method = TDM_STR("GET"), .uri = TDM_STR("/dir/index.html"),
	.nonce = TDM_STR("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"),
	.nc = TDM_STR("00000001"),
	.cnonce = TDM_STR("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"),
	.qop = TDM_STR("auth"),
};

static void response_of(enum tdm_digest_alg alg, const char *user,
			const char *realm, const char *pw,
			const struct tdm_digest_input *in, const char *want)
{
	char ha1[TDM_DIGEST_HEX_MAX], resp[TDM_DIGEST_HEX_MAX];

	CU_ASSERT_EQUAL_FATAL(tdm_digest_ha1(alg,
		&(struct tdm_str){ user, strlen(user) },
		&(struct tdm_str){ realm, strlen(realm) },
		&(struct tdm_str){ pw, strlen(pw) }, ha1), 0);
	CU_ASSERT_EQUAL(strlen(ha1), tdm_digest_hex_len(alg));
	CU_ASSERT_EQUAL_FATAL(tdm_digest_response(alg, ha1, in, resp), 0);
	CU_ASSERT_STRING_EQUAL(resp, want);
}

static void test_digest_rfc7616(void)
{
	response_of(TDM_DIGEST_MD5, "Mufasa", "http-auth@example.org",
		    "Circle of Life", &rfc7616,
		    "8ca523f5e9506fed4657c9700eebdbec");
	response_of(TDM_DIGEST_SHA256, "Mufasa", "http-auth@example.org",
		    "Circle of Life", &rfc7616,
		    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

/* RFC 2617 §3.5 (MD5, qop=auth) */
static void test_digest_rfc2617(void)
{
	static const struct tdm_digest_input in = {
		.method = TDM_STR("GET"), .uri = TDM_STR("/dir/index.html"),
		.nonce = TDM_STR("dcd98b7102dd2f0e8b11d0f600bfb0c093"),
		.nc = TDM_STR("00000001"), .cnonce = TDM_STR("0a4f113b"),
		.qop = TDM_STR("auth"),
	};

	response_of(TDM_DIGEST_MD5, "Mufasa", "testrealm@host.com",
		    "Circle Of Life", &in, "6629fae49393a05397450978507c4ef1");
}

/* HA1 is H("user:realm:password"); values from md5sum, sha256sum and
 * `openssl dgst -sha512-256` of "a:b:c" */
static void test_digest_ha1_known(void)
{
	static const char *const want[] = {
		"02cc8f08398a4f3113b554e8105ebe4c",
		"b0ee04f880c4ff4261479e2e7822b7410aee4c7159f4185ad5b0d88a312b495e",
		"8eb13a416df8d7c256bb1b2fdc7824b9ab088eba9459502ef1de3d73c9dd7901",
	};
	char ha1[TDM_DIGEST_HEX_MAX];

	for (unsigned alg = 0; alg < 3; alg++) {
		CU_ASSERT_EQUAL(tdm_digest_ha1((enum tdm_digest_alg)alg,
					       &TDM_STR("a"), &TDM_STR("b"),
					       &TDM_STR("c"), ha1), 0);
		CU_ASSERT_STRING_EQUAL(ha1, want[alg]);
	}
}

static void test_digest_names_and_errors(void)
{
	struct tdm_digest_input in = rfc7616;
	char out[TDM_DIGEST_HEX_MAX];

	CU_ASSERT_EQUAL(tdm_digest_alg_parse(&TDM_STR("md5")), TDM_DIGEST_MD5);
	CU_ASSERT_EQUAL(tdm_digest_alg_parse(&TDM_STR("SHA-256")), TDM_DIGEST_SHA256);
	CU_ASSERT_EQUAL(tdm_digest_alg_parse(&TDM_STR("sha-512-256")),
			TDM_DIGEST_SHA512_256);
	CU_ASSERT_EQUAL(tdm_digest_alg_parse(&TDM_STR("MD5-sess")), -1);
	CU_ASSERT_STRING_EQUAL(tdm_digest_alg_name(TDM_DIGEST_SHA512_256),
			       "SHA-512-256");
	in.qop = TDM_STR("auth-int");
	CU_ASSERT_EQUAL(tdm_digest_response(TDM_DIGEST_MD5,
			"00000000000000000000000000000000", &in, out), -ENOTSUP);
	CU_ASSERT_EQUAL(tdm_digest_ha1((enum tdm_digest_alg)7, &TDM_STR("a"),
				       &TDM_STR("b"), &TDM_STR("c"), out), -EINVAL);
	/* without qop: H(HA1:nonce:HA2) (RFC 2069) differs from with qop */
	in.qop = (struct tdm_str){ 0 };
	CU_ASSERT_EQUAL(tdm_digest_response(TDM_DIGEST_MD5,
			"939e7578ed9e3c518a452acee763bce9", &in, out), 0);
	CU_ASSERT_EQUAL(strlen(out), 32);
	CU_ASSERT_STRING_NOT_EQUAL(out, "8ca523f5e9506fed4657c9700eebdbec");
}

TDM_TEST_SUITE(sip_digest,
	       TDM_TEST(test_digest_rfc7616),
	       TDM_TEST(test_digest_rfc2617),
	       TDM_TEST(test_digest_ha1_known),
	       TDM_TEST(test_digest_names_and_errors))
