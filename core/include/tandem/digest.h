/* SPDX-License-Identifier: GPL-2.0-or-later
 * HTTP Digest as SIP uses it (RFC 3261 §22, RFC 7616, RFC 8760): the
 * stored secret HA1 and the expected response, for MD5, SHA-256 and
 * SHA-512/256. Shared by tandemctl (which stores only HA1s) and the
 * authentication module (which checks responses against them). */
#ifndef TANDEM_DIGEST_H
#define TANDEM_DIGEST_H

#include <stddef.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

enum tdm_digest_alg {
	TDM_DIGEST_MD5 = 0,
	TDM_DIGEST_SHA256,
	TDM_DIGEST_SHA512_256,
};

/* Longest hex digest (SHA-256 and SHA-512/256: 64) plus the NUL. */
#define TDM_DIGEST_HEX_MAX 65

/* "MD5", "SHA-256", "SHA-512-256" (RFC 7616 names). */
TDM_API const char *tdm_digest_alg_name(enum tdm_digest_alg alg);
/* The reverse, case-insensitive; -1 for an unknown name (the "-sess"
 * variants are not supported). */
TDM_API int tdm_digest_alg_parse(const struct tdm_str *name);
/* Hex length of the algorithm's digest (32 or 64). */
TDM_API size_t tdm_digest_hex_len(enum tdm_digest_alg alg);

/* HA1 = H(username ":" realm ":" password), lowercase hex, NUL-terminated
 * into out (TDM_DIGEST_HEX_MAX). 0, -EINVAL (unknown algorithm) or -EIO
 * (the crypto library failed). */
TDM_API int tdm_digest_ha1(enum tdm_digest_alg alg, const struct tdm_str *user,
			   const struct tdm_str *realm,
			   const struct tdm_str *password, char *out);

/* The response a client must send (RFC 7616 §3.4.1), from the stored
 * HA1: with qop "auth", H(HA1:nonce:nc:cnonce:qop:HA2); without qop
 * (qop empty, RFC 2069 compatibility), H(HA1:nonce:HA2); HA2 =
 * H(method:uri). qop "auth-int" is not supported (-ENOTSUP). Same
 * returns as tdm_digest_ha1. */
struct tdm_digest_input {
	struct tdm_str method, uri, nonce, nc, cnonce, qop;
};
TDM_API int tdm_digest_response(enum tdm_digest_alg alg, const char *ha1,
				const struct tdm_digest_input *in, char *out);

#endif
