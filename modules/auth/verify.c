/* SPDX-License-Identifier: GPL-2.0-or-later
 * Checking digest credentials (RFC 3261 §22.4, RFC 7616 §3.4): find the
 * Authorization / Proxy-Authorization value for the realm, authenticate
 * its nonce, recompute the response from the subscriber's stored HA1
 * (the in-memory snapshot: no SQL per request) and compare in constant
 * time, then enforce expiry and the nonce-count.
 *
 * The password is checked before the nonce's age and count: stale=true
 * means "your password was right, retry with a fresh nonce" (RFC 7616
 * §3.3), and a request with a wrong response must not be able to burn
 * nonce-counts. An unknown or disabled user goes through the same
 * computation with a dummy HA1 and gets the same answer as a wrong
 * password, so neither the code nor the timing tells them apart. */
#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include "auth.h"

static int snap_lookup(const struct tdm_str *user, const struct tdm_str *realm,
		       struct tdm_snap_sub *out)
{
	const struct tdm_snap *s = tdm_snap_node();

	return s ? tdm_snap_subscriber(s, user, realm, out) : -ENOENT;
}

auth_lookup_fn *auth_lookup = snap_lookup;

int auth_find_credentials(struct tdm_sip_msg *m, bool proxy,
			  const struct tdm_str *realm, struct tdm_sip_auth *out)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(
		m, proxy ? TDM_HDR_PROXY_AUTHORIZATION : TDM_HDR_AUTHORIZATION);
	int rc = -ENOENT;

	for (; h; h = tdm_sip_msg_hdr_next(m, h)) {
		struct tdm_sip_auth a;

		if (tdm_sip_auth_parse(&a, &h->value)) {
			rc = -EBADMSG; /* unless another one matches */
			continue;
		}
		if (!tdm_str_caseeq_c(&a.scheme, "Digest") ||
		    !tdm_str_caseeq(&a.realm, realm))
			continue;
		*out = a;
		return 0;
	}
	return rc;
}

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* nc is 8 hex digits (RFC 7616 §3.4). */
static int parse_nc(const struct tdm_str *s, uint32_t *out)
{
	uint32_t v = 0;

	if (s->len != 8)
		return -EINVAL;
	for (size_t i = 0; i < 8; i++) {
		char ch = s->s[i];
		unsigned d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return v ? 0 : -EINVAL;
}

/* The HA1 for alg, lowercase hex, or a dummy one (user unknown). */
static bool stored_ha1(const struct auth_verdict *v, enum tdm_digest_alg alg,
		       char *hex)
{
	struct tdm_snap_sub sub;
	bool known = auth_lookup(&v->user, &v->realm, &sub) == 0 &&
		     sub.enabled;

	if (!known)
		memset(&sub, 0x5a, sizeof(sub));
	switch (alg) {
	case TDM_DIGEST_MD5:
		to_hex(sub.ha1, sizeof(sub.ha1), hex);
		break;
	case TDM_DIGEST_SHA256:
		to_hex(sub.ha1_sha256, sizeof(sub.ha1_sha256), hex);
		break;
	default:
		to_hex(sub.ha1_sha512t256, sizeof(sub.ha1_sha512t256), hex);
		break;
	}
	OPENSSL_cleanse(&sub, sizeof(sub));
	return known;
}

/* Checks the fields a usable credential needs; the algorithm on success. */
static int check_fields(const struct tdm_sip_auth *a, const struct tdm_str *realm,
			enum tdm_digest_alg *alg)
{
	const struct auth_algs *allowed = auth_policy_for(realm);
	bool ok = false;
	int id;

	if (!a->username.len || !a->nonce.len || !a->uri.len ||
	    !a->response.len)
		return -EINVAL;
	id = a->algorithm.len ? tdm_digest_alg_parse(&a->algorithm)
			      : TDM_DIGEST_MD5;
	if (id < 0)
		return -EINVAL;
	for (unsigned i = 0; i < allowed->n; i++)
		ok |= allowed->alg[i] == (enum tdm_digest_alg)id;
	if (!ok)
		return -EINVAL;
	if (a->qop.len) {
		if (!tdm_str_caseeq_c(&a->qop, "auth") || !a->cnonce.len ||
		    !a->nc.len)
			return -EINVAL;
	} else if (!auth_cfg.allow_no_qop) {
		return -EINVAL;
	}
	if (a->response.len != tdm_digest_hex_len((enum tdm_digest_alg)id))
		return -EINVAL;
	*alg = (enum tdm_digest_alg)id;
	return 0;
}

/* The digest-uri must name the Request-URI (RFC 2617 §3.2.2.5, kept by
 * RFC 7616): otherwise credentials captured for one request would serve
 * for another of the same method (to call anyone, with a RFC 2069 client
 * that sends no nonce-count). Compared as URIs (RFC 3261 §19.1.4), byte
 * for byte first. Only with check_uri: clients write other forms of it
 * (SIPp's do not match ours), so it is off by default, as in Kamailio. */
static bool uri_matches(struct tdm_sip_msg *m, const struct tdm_str *duri)
{
	const struct tdm_uri *r;
	struct tdm_uri d;

	if (tdm_str_eq(duri, &m->ruri))
		return true;
	if (tdm_sip_msg_ruri_uri(m, &r) || tdm_uri_parse(&d, duri, NULL))
		return false;
	return tdm_uri_equal(&d, r);
}

int auth_response_check(enum tdm_digest_alg alg, const char *ha1,
			const struct tdm_str *method,
			const struct tdm_sip_auth *a)
{
	struct tdm_digest_input in = { .method = *method, .uri = a->uri,
				       .nonce = a->nonce, .nc = a->nc,
				       .cnonce = a->cnonce, .qop = a->qop };
	char want[TDM_DIGEST_HEX_MAX], got[TDM_DIGEST_HEX_MAX];
	size_t len = tdm_digest_hex_len(alg);
	int rc = tdm_digest_response(alg, ha1, &in, want);

	if (rc)
		return rc;
	if (a->response.len != len)
		return 0;
	/* hex digits are case-insensitive: compare lowercase */
	for (size_t i = 0; i < len; i++) {
		char ch = a->response.s[i];

		got[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	return CRYPTO_memcmp(got, want, len) == 0;
}

static int verify(struct tdm_sip_msg *m, bool proxy, const struct tdm_str *realm,
		  struct auth_verdict *v)
{
	struct tdm_sip_auth a;
	struct auth_nonce n;
	enum tdm_digest_alg alg = TDM_DIGEST_MD5;
	char ha1[TDM_DIGEST_HEX_MAX];
	uint32_t count = 0;
	bool known, match;
	int nrc, rc;

	rc = auth_find_credentials(m, proxy, realm, &a);
	if (rc == -ENOENT)
		return AUTH_NO_CREDENTIALS;
	if (rc)
		return AUTH_MALFORMED;
	v->user = a.username;
	v->realm = a.realm;
	if (check_fields(&a, realm, &alg) ||
	    (a.qop.len && parse_nc(&a.nc, &count)) ||
	    (auth_cfg.check_uri && !uri_matches(m, &a.uri)))
		return AUTH_MALFORMED;
	nrc = auth_nonce_check(&a.nonce, &n);
	if (nrc == -EINVAL)
		return AUTH_BAD_NONCE;
	v->stale = nrc == -ESTALE;

	known = stored_ha1(v, alg, ha1);
	rc = auth_response_check(alg, ha1, &m->method_name, &a);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (rc < 0)
		return AUTH_ERROR;
	match = rc == 1;
	if (!match || !known)
		return AUTH_INVALID;
	if (v->stale)
		return AUTH_STALE;
	if (a.qop.len) {
		rc = auth_nonce_nc_update(&n, count);
		if (rc == -EALREADY)
			return AUTH_REPLAYED;
		if (rc == -ESTALE) {
			v->stale = true;
			return AUTH_STALE;
		}
	}
	return AUTH_OK;
}

int auth_verify(struct tdm_sip_msg *m, bool proxy, const struct tdm_str *realm,
		struct auth_verdict *v)
{
	*v = (struct auth_verdict){ .code = AUTH_ERROR };
	if (!m || !m->is_request)
		return AUTH_ERROR;
	v->code = verify(m, proxy, realm, v);
	return v->code;
}
