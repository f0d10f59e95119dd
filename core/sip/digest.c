/* SPDX-License-Identifier: GPL-2.0-or-later
 * Digest HA1 and response computation (see tandem/digest.h), on
 * OpenSSL's EVP interface so that every algorithm is one code path. */
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <tandem/digest.h>

static const char *const names[] = { "MD5", "SHA-256", "SHA-512-256" };

const char *tdm_digest_alg_name(enum tdm_digest_alg alg)
{
	return (unsigned)alg < 3 ? names[alg] : "?";
}

int tdm_digest_alg_parse(const struct tdm_str *name)
{
	for (int i = 0; i < 3; i++)
		if (tdm_str_caseeq_c(name, names[i]))
			return i;
	return -1;
}

size_t tdm_digest_hex_len(enum tdm_digest_alg alg)
{
	return alg == TDM_DIGEST_MD5 ? 32 : 64;
}

static const EVP_MD *md_of(enum tdm_digest_alg alg)
{
	switch (alg) {
	case TDM_DIGEST_MD5: return EVP_md5();
	case TDM_DIGEST_SHA256: return EVP_sha256();
	case TDM_DIGEST_SHA512_256: return EVP_sha512_256();
	}
	return NULL;
}

/* H(p[0] ":" p[1] ":" ... p[n-1]) in lowercase hex. */
static int hash_joined(enum tdm_digest_alg alg, const struct tdm_str *const *p,
		       unsigned n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const EVP_MD *md = md_of(alg);
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_MD_CTX *c;
	int ok;

	if (!md)
		return -EINVAL;
	if (!(c = EVP_MD_CTX_new()))
		return -EIO;
	ok = EVP_DigestInit_ex(c, md, NULL);
	for (unsigned i = 0; ok && i < n; i++)
		ok = (!i || EVP_DigestUpdate(c, ":", 1)) &&
		     EVP_DigestUpdate(c, p[i]->s, p[i]->len);
	ok = ok && EVP_DigestFinal_ex(c, d, &len);
	EVP_MD_CTX_free(c);
	if (!ok || len * 2 != tdm_digest_hex_len(alg))
		return -EIO;
	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * len] = 0;
	return 0;
}

int tdm_digest_ha1(enum tdm_digest_alg alg, const struct tdm_str *user,
		   const struct tdm_str *realm, const struct tdm_str *password,
		   char *out)
{
	const struct tdm_str *p[] = { user, realm, password };

	return hash_joined(alg, p, 3, out);
}

int tdm_digest_response(enum tdm_digest_alg alg, const char *ha1,
			const struct tdm_digest_input *in, char *out)
{
	char ha2[TDM_DIGEST_HEX_MAX];
	struct tdm_str h1 = tdm_str_c(ha1), h2;
	const struct tdm_str *a2[] = { &in->method, &in->uri };
	int rc;

	if (in->qop.len && !tdm_str_eq_c(&in->qop, "auth"))
		return -ENOTSUP;
	if ((rc = hash_joined(alg, a2, 2, ha2)))
		return rc;
	h2 = tdm_str_c(ha2);
	if (!in->qop.len) {
		const struct tdm_str *p[] = { &h1, &in->nonce, &h2 };
		return hash_joined(alg, p, 3, out);
	}
	const struct tdm_str *p[] = { &h1, &in->nonce, &in->nc, &in->cnonce,
				      &in->qop, &h2 };
	return hash_joined(alg, p, 6, out);
}
