/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared set-up of the auth module's unit tests: a fake clock, fake
 * subscribers and aliases, a SIP client that computes digest responses
 * independently (OpenSSL EVP, not <tandem/digest.h>), and builders for
 * requests carrying its Authorization headers. */
#ifndef TDM_TEST_AUTH_HELPERS_H
#define TDM_TEST_AUTH_HELPERS_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/sip.h>
#include "../../../modules/auth/auth.h"

extern uint64_t fake_now;

/* Module state with the given parameters (test defaults otherwise). */
void at_setup(size_t nc_slots, const char *domain_algorithms);
void at_teardown(void);

/* response = H(H(user:realm:pass):nonce:nc:cnonce:qop:H(method:uri)), or
 * without qop (qop NULL) H(HA1:nonce:HA2). Lowercase hex into out. */
void at_client_response(enum tdm_digest_alg alg, const char *user,
			const char *realm, const char *pass, const char *method,
			const char *uri, const char *nonce, const char *nc,
			const char *cnonce, const char *qop, char *out);

/* A fresh nonce, taken from a challenge the way a client reads it. */
void at_nonce(const char *realm, char *out);

/* One client attempt: what goes into the Authorization header. */
struct at_try {
	enum tdm_digest_alg alg;
	const char *user, *realm, *pass, *nonce, *nc; /* nc NULL: no qop */
	const char *method, *from, *to;   /* defaults: REGISTER, alice */
	bool proxy;                       /* Proxy-Authorization */
	bool no_algorithm;                /* leave algorithm= out */
	const char *digest_uri;           /* uri= when not the Request-URI */
};
/* Parses the request the client would send; free with tdm_sip_msg_free. */
struct tdm_sip_msg *at_request(const struct at_try *t);

#endif
