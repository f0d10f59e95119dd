/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers of the auth module's unit tests (helpers.h). */
#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <tandem/buf.h>
#include "helpers.h"

uint64_t fake_now = 1700000000;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void hexdigest(enum tdm_digest_alg alg, const char *data, char *out)
{
	const EVP_MD *md = alg == TDM_DIGEST_MD5	 ? EVP_md5()
			   : alg == TDM_DIGEST_SHA256 ? EVP_sha256()
						      : EVP_sha512_256();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, strlen(data), d, &n, md, NULL);
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	out[2 * n] = '\0';
}

void at_client_response(enum tdm_digest_alg alg, const char *user,
			const char *realm, const char *pass, const char *method,
			const char *uri, const char *nonce, const char *nc,
			const char *cnonce, const char *qop, char *out)
{
	char buf[1024], ha1[129], ha2[129];

	snprintf(buf, sizeof(buf), "%s:%s:%s", user, realm, pass);
	hexdigest(alg, buf, ha1);
	snprintf(buf, sizeof(buf), "%s:%s", method, uri);
	hexdigest(alg, buf, ha2);
	if (qop)
		snprintf(buf, sizeof(buf), "%s:%s:%s:%s:%s:%s", ha1, nonce, nc,
			 cnonce, qop, ha2);
	else
		snprintf(buf, sizeof(buf), "%s:%s:%s", ha1, nonce, ha2);
	hexdigest(alg, buf, out);
}

/* Fake snapshot: alice (enabled), bob (disabled) in example.org, both with
 * password "secret"; the HA1s are computed like tandemctl stores them. */
static void bin_ha1(enum tdm_digest_alg alg, const char *user,
		    const struct tdm_str *realm, uint8_t *out)
{
	char buf[512], hex[129];
	size_t n;

	snprintf(buf, sizeof(buf), "%s:%.*s:secret", user, TDM_STR_FMT(realm));
	hexdigest(alg, buf, hex);
	n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

static int fake_lookup(const struct tdm_str *user, const struct tdm_str *realm,
		       struct tdm_snap_sub *out)
{
	bool alice = tdm_str_eq_c(user, "alice"), bob = tdm_str_eq_c(user, "bob");

	if ((!alice && !bob) || !tdm_str_caseeq_c(realm, "example.org"))
		return -2; /* -ENOENT */
	memset(out, 0, sizeof(*out));
	out->id = alice ? 1 : 2;
	out->enabled = alice;
	bin_ha1(TDM_DIGEST_MD5, alice ? "alice" : "bob", realm, out->ha1);
	bin_ha1(TDM_DIGEST_SHA256, alice ? "alice" : "bob", realm,
		out->ha1_sha256);
	bin_ha1(TDM_DIGEST_SHA512_256, alice ? "alice" : "bob", realm,
		out->ha1_sha512t256);
	return 0;
}

/* Fake aliases: "al@alias.example.org" reaches alice@example.org. */
static int fake_alias(const struct tdm_str *user, const struct tdm_str *domain,
		      char *buf, size_t buflen, struct tdm_str *to_user,
		      struct tdm_str *to_domain)
{
	(void)buflen;
	if (!tdm_str_eq_c(user, "al") ||
	    !tdm_str_caseeq_c(domain, "alias.example.org"))
		return -2;
	memcpy(buf, "alice\0example.org", 18);
	*to_user = (struct tdm_str){ buf, 5 };
	*to_domain = (struct tdm_str){ buf + 6, 11 };
	return 0;
}

void at_setup(size_t nc_slots, const char *domain_algorithms)
{
	fake_now = 1700000000;
	auth_clock = fake_clock;
	auth_lookup = fake_lookup;
	auth_alias = fake_alias;
	auth_cfg = (struct auth_cfg){
		.secret = "unit-test-secret", .nonce_expires = 300,
		.algorithms = "MD5 SHA-256 SHA-512-256",
		.domain_algorithms = domain_algorithms ? domain_algorithms : "",
		.allow_no_qop = false, .nc_slots = (int64_t)nc_slots,
		.failure_slots = 64, .failure_decay = 60,
	};
	CU_ASSERT_EQUAL_FATAL(auth_policy_init(auth_cfg.algorithms,
					       auth_cfg.domain_algorithms), 0);
	CU_ASSERT_EQUAL_FATAL(auth_nonce_init(auth_cfg.secret, nc_slots), 0);
	CU_ASSERT_EQUAL_FATAL(auth_failures_init(64, 60), 0);
}

void at_teardown(void)
{
	auth_failures_fini();
	auth_policy_fini();
	auth_nonce_fini();
}

void at_nonce(const char *realm, char *out)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_str r = tdm_str_c(realm), v;
	struct tdm_sip_auth a;
	const char *colon;

	CU_ASSERT_EQUAL_FATAL(auth_challenge_build(&b, false, &r,
						   AUTH_CH_FIRST_ONLY, false), 0);
	colon = strchr(b.data, ':');
	v = (struct tdm_str){ colon + 2, b.len - (size_t)(colon + 2 - b.data) - 2 };
	CU_ASSERT_EQUAL_FATAL(tdm_sip_auth_parse(&a, &v), 0);
	memcpy(out, a.nonce.s, a.nonce.len);
	out[a.nonce.len] = '\0';
	tdm_buf_free(&b);
}

struct tdm_sip_msg *at_request(const struct at_try *t)
{
	const char *method = t->method ? t->method : "REGISTER";
	const char *from = t->from ? t->from : "sip:alice@example.org";
	const char *to = t->to ? t->to : "sip:alice@example.org";
	const char *uri = "sip:example.org";
	char resp[129], hdr[1024], msg[2048], qop[64] = "";
	struct tdm_sip_msg *m = NULL;
	int n;

	const char *duri = t->digest_uri ? t->digest_uri : uri;

	at_client_response(t->alg, t->user, t->realm, t->pass, method, duri,
			   t->nonce, t->nc, "0a4f113b", t->nc ? "auth" : NULL,
			   resp);
	if (t->nc)
		snprintf(qop, sizeof(qop), ", qop=auth, nc=%s, cnonce=\"0a4f113b\"",
			 t->nc);
	snprintf(hdr, sizeof(hdr),
		 "%s: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"%s\", response=\"%s\"%s%s%s\r\n",
		 t->proxy ? "Proxy-Authorization" : "Authorization", t->user,
		 t->realm, t->nonce, duri, resp,
		 t->no_algorithm ? "" : ", algorithm=",
		 t->no_algorithm ? "" : tdm_digest_alg_name(t->alg), qop);
	n = snprintf(msg, sizeof(msg),
		     "%s %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKauth1\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <%s>;tag=f1\r\nTo: <%s>\r\n"
		     "Call-ID: auth-test-1\r\nCSeq: 2 %s\r\n"
		     "Contact: <sip:alice@127.0.0.1:5070>\r\n"
		     "%sContent-Length: 0\r\n\r\n",
		     method, uri, from, to, method, hdr);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, msg, (size_t)n, NULL,
						NULL), 0);
	return m;
}
