/* SPDX-License-Identifier: GPL-2.0-or-later
 * modules/auth: private declarations shared by the files of the digest
 * authentication module (RFC 3261 §22, RFC 7616, RFC 8760). Each file has
 * one concern: nonce.c (self-validating nonces, nonce-count table),
 * challenge.c (algorithm policy, WWW-/Proxy-Authenticate), verify.c
 * (checking credentials against the snapshot), authorize.c (the script
 * functions that check and remember who authenticated), failures.c
 * (failure counters per source address), auth.c (descriptor, parameters,
 * lifecycle). Only the descriptor is exported; everything here is
 * internal and is also linked into the unit tests. */
#ifndef TDM_MOD_AUTH_H
#define TDM_MOD_AUTH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/buf.h>
#include <tandem/digest.h>
#include <tandem/log.h>
#include <tandem/sip.h>
#include <tandem/snapshot.h>
#include <tandem/module.h>
#include <tandem/str.h>

extern struct tdm_log_subsys auth_log;

/* ---- Parameters (auth.c; written by the loader) ------------------------ */

struct auth_cfg {
	const char *secret;            /* "" = random at load */
	int64_t nonce_expires;         /* seconds */
	const char *algorithms;        /* "MD5 SHA-256 SHA-512-256" */
	const char *domain_algorithms; /* "a.org=SHA-256,MD5; b.net=MD5" */
	bool allow_no_qop;             /* accept RFC 2069 credentials */
	bool check_uri;                /* digest-uri must be the Request-URI */
	int64_t nc_slots;              /* nonce-count table size */
	int64_t failure_slots;         /* failure table size */
	int64_t failure_decay;         /* seconds for a count to halve */
};
extern struct auth_cfg auth_cfg;

/* Admin commands (auth_rpc.c). */
extern const struct tdm_rpc_def auth_rpcs[];

/* Statistics (descriptor's stats table). */
extern atomic_ulong auth_stat_challenges, auth_stat_success,
	auth_stat_failures;

/* Results of www_authorize()/proxy_authorize(), see docs/auth.md. */
enum auth_code {
	AUTH_OK = 1,
	AUTH_ERROR = -1,         /* internal error */
	AUTH_INVALID = -2,       /* wrong password, unknown or disabled user */
	AUTH_STALE = -3,         /* right password, expired nonce */
	AUTH_NO_CREDENTIALS = -4,/* nothing for this realm */
	AUTH_REPLAYED = -5,      /* nonce-count did not increase */
	AUTH_MALFORMED = -6,     /* bad fields, algorithm or qop not allowed */
	AUTH_BAD_NONCE = -7,     /* not one of our nonces (forged, tampered) */
};

/* ---- Clock (nonce.c): seconds since the epoch; tests replace it -------- */
extern uint64_t (*auth_clock)(void);

/* ---- Nonces (nonce.c) ----------------------------------------------------
 * A nonce is base64url (no padding) of 32 bytes:
 *   ts (4, seconds, big endian) | instance (4) | seq (8) | HMAC-SHA-256
 *   over the first 16 bytes with the server secret, cut to 16 bytes.
 * seq picks a slot of the nonce-count table (seq % slots) and carries the
 * slot's generation (seq / slots), so a recycled slot invalidates older
 * nonces. instance is random per process: nonces minted by another node
 * sharing the secret validate, but their nonce-counts are not tracked
 * here (docs/auth.md). */
#define AUTH_NONCE_RAW 32
#define AUTH_NONCE_LEN 43 /* base64url of 32 bytes, no padding */

struct auth_nonce {
	uint32_t ts;
	uint32_t instance;
	uint64_t seq;
};

/* Sets the key (secret, or random bytes when secret is NULL or "") and
 * allocates the nonce-count table. 0, -EINVAL, -ENOMEM, -EIO. */
int auth_nonce_init(const char *secret, size_t slots);
void auth_nonce_fini(void);
/* A fresh nonce, NUL-terminated, into out[AUTH_NONCE_LEN + 1]. 0 or -EIO. */
int auth_nonce_make(char *out);
/* Decodes and authenticates a nonce: 0 (valid and fresh), -ESTALE
 * (ours but older than nonce_expires, or from the future beyond it), or
 * -EINVAL (not ours). *out is filled on 0 and -ESTALE. */
int auth_nonce_check(const struct tdm_str *nonce, struct auth_nonce *out);
/* Records nonce-count nc for n: 0 (it increased), -EALREADY (replayed:
 * not above the last one seen), -ESTALE (the slot was reused by a newer
 * nonce: this one is too old to track). Nonces of another instance: 0. */
int auth_nonce_nc_update(const struct auth_nonce *n, uint32_t nc);

/* ---- Algorithm policy and challenges (challenge.c) ---------------------- */

struct auth_algs {
	unsigned n;
	enum tdm_digest_alg alg[3]; /* in offering order, no duplicates */
};

/* Parses "MD5 SHA-256" / "SHA-256,MD5" (spaces or commas). 0 or -EINVAL. */
int auth_algs_parse(const struct tdm_str *text, struct auth_algs *out);
/* Parses the algorithms and domain_algorithms parameters. 0, -EINVAL
 * (logged), -ENOMEM. */
int auth_policy_init(const char *algorithms, const char *domain_algorithms);
void auth_policy_fini(void);
/* The algorithms offered and accepted for a realm, never NULL. */
const struct auth_algs *auth_policy_for(const struct tdm_str *realm);

#define AUTH_CH_FIRST_ONLY 0x1 /* flags: offer only the first algorithm */
#define AUTH_CH_NO_QOP 0x2     /* flags: no qop (RFC 2069 clients) */

/* Appends one WWW-Authenticate (proxy: Proxy-Authenticate) header line
 * per algorithm of the realm's policy, each with a fresh nonce, to out.
 * 0, -EINVAL (realm not printable in a quoted string), -ENOMEM, -EIO. */
int auth_challenge_build(struct tdm_buf *out, bool proxy,
			 const struct tdm_str *realm, unsigned flags,
			 bool stale);

/* ---- Verification (verify.c) -------------------------------------------- */

/* Where credentials come from: the snapshot by default; tests replace it.
 * 0 with *out filled, -ENOENT. */
typedef int auth_lookup_fn(const struct tdm_str *user,
			   const struct tdm_str *realm,
			   struct tdm_snap_sub *out);
extern auth_lookup_fn *auth_lookup;
/* Alias resolution for check_from/check_to: tdm_snap_alias() by default;
 * tests replace it. Same contract as tdm_snap_alias(). */
typedef int auth_alias_fn(const struct tdm_str *user,
			  const struct tdm_str *domain, char *buf,
			  size_t buflen, struct tdm_str *to_user,
			  struct tdm_str *to_domain);
extern auth_alias_fn *auth_alias;

struct auth_verdict {
	int code;               /* enum auth_code */
	struct tdm_str user;    /* credentials' username (into the message) */
	struct tdm_str realm;   /* credentials' realm (into the message) */
	bool stale;             /* the request carried a stale nonce */
};

/* Finds the Digest credentials for realm in the Authorization (proxy:
 * Proxy-Authorization) headers of m. 0, -ENOENT, -EBADMSG (a header for
 * this realm did not parse). */
int auth_find_credentials(struct tdm_sip_msg *m, bool proxy,
			  const struct tdm_str *realm, struct tdm_sip_auth *out);
/* Recomputes the response of credentials a (request method `method`)
 * from ha1 (lowercase hex) and compares it with a->response in constant
 * time (RFC 7616 §3.4.1). 1 equal, 0 different, or -errno. */
int auth_response_check(enum tdm_digest_alg alg, const char *ha1,
			const struct tdm_str *method,
			const struct tdm_sip_auth *a);
/* Checks the request's credentials for realm. Fills *v; returns v->code. */
int auth_verify(struct tdm_sip_msg *m, bool proxy,
		const struct tdm_str *realm, struct auth_verdict *v);

/* ---- Failure counters per source address (failures.c) ------------------- */

/* 0, -EINVAL, -ENOMEM. slots is rounded up to a multiple of 8. */
int auth_failures_init(size_t slots, uint64_t decay_s);
void auth_failures_fini(void);
/* Counts one failure of ip; returns the decayed count after it. */
unsigned auth_failures_add(const struct tdm_str *ip);
/* The decayed count of ip (0 when unknown). For other modules later: the
 * flood-protection issue reads it (see docs/auth.md). */
unsigned auth_failures_get(const struct tdm_str *ip);
/* Forgets ip (after a success, say). */
void auth_failures_clear(const struct tdm_str *ip);

/* ---- Script functions (challenge.c, authorize.c) ------------------------ */

struct tdm_scr_call;
int auth_fn_www_challenge(struct tdm_scr_call *c);
int auth_fn_proxy_challenge(struct tdm_scr_call *c);
int auth_fn_www_authorize(struct tdm_scr_call *c);
int auth_fn_proxy_authorize(struct tdm_scr_call *c);
int auth_fn_user(struct tdm_scr_call *c);
int auth_fn_realm(struct tdm_scr_call *c);
int auth_fn_check_from(struct tdm_scr_call *c);
int auth_fn_check_to(struct tdm_scr_call *c);
int auth_fn_failures(struct tdm_scr_call *c);

/* The realm to use when the script gives none: To host for REGISTER,
 * From host otherwise, the Request-URI host as fallback. 0 or -ENOENT. */
int auth_default_realm(struct tdm_sip_msg *m, struct tdm_str *out);
/* Whether the request being routed carried a stale nonce for realm
 * (remembered by authorize, or checked now). */
bool auth_request_stale(struct tdm_scr_call *c, bool proxy,
			const struct tdm_str *realm);

#endif
