/* SPDX-License-Identifier: GPL-2.0-or-later
 * auth: digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760).
 * This file is the module's descriptor: parameters, script functions,
 * statistics and the load/unload hooks that set up the nonce key, the
 * algorithm policy and the failure table. docs/auth.md is the manual. */
#include <errno.h>
#include <tandem/tandem.h>
#include "auth.h"

TDM_LOG_SUBSYS(auth_log, "auth");

struct auth_cfg auth_cfg;
atomic_ulong auth_stat_challenges, auth_stat_success, auth_stat_failures;

static const struct tdm_param_def auth_params[] = {
	TDM_PARAM_STR("secret", struct auth_cfg, secret, "",
		      "Key of the nonce HMAC (SHA-256). Empty: random at load "
		      "(nonces die with a restart). Give every node behind a "
		      "balancer the same secret"),
	TDM_PARAM_INT("nonce_expires", struct auth_cfg, nonce_expires, "300",
		      10, 86400,
		      "Seconds a nonce is accepted; after that the client is "
		      "challenged again with stale=true"),
	TDM_PARAM_STR("algorithms", struct auth_cfg, algorithms,
		      "MD5 SHA-256 SHA-512-256",
		      "Algorithms offered (one challenge each, in this order) "
		      "and accepted; most clients read only the first"),
	TDM_PARAM_STR("domain_algorithms", struct auth_cfg, domain_algorithms,
		      "",
		      "Per-realm override of `algorithms`: "
		      "\"example.org=SHA-256,MD5; other.net=MD5\""),
	TDM_PARAM_BOOL("allow_no_qop", struct auth_cfg, allow_no_qop, "false",
		       "Accept credentials without qop (RFC 2069 clients: no "
		       "nonce-count, so no replay protection within a nonce's "
		       "lifetime)"),
	TDM_PARAM_BOOL("check_uri", struct auth_cfg, check_uri, "false",
		       "Refuse credentials whose digest uri is not the Request-URI "
		       "(RFC 2617 3.2.2.5; off by default like Kamailio: some "
		       "clients, SIPp among them, write one that does not match)"),
	TDM_PARAM_INT("nc_slots", struct auth_cfg, nc_slots, "65536", 1024,
		      16777216,
		      "Nonce-count table size (8 bytes each): nonces older than "
		      "the last nc_slots issued become stale"),
	TDM_PARAM_INT("failure_slots", struct auth_cfg, failure_slots, "4096",
		      64, 1048576,
		      "Source addresses whose failures are counted (least "
		      "recently failed ones are replaced)"),
	TDM_PARAM_INT("failure_decay", struct auth_cfg, failure_decay, "60", 1,
		      86400, "Seconds for a failure count to halve"),
	TDM_PARAM_END
};

#define REQ TDM_ROUTE_REQUEST
#define REQ_ANY (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE | TDM_ROUTE_BRANCH)

static const struct tdm_fn_def auth_functions[] = {
	{ .name = "www_challenge", .impl = auth_fn_www_challenge,
	  .ret = TDM_T_VOID,
	  .args = TDM_ARGS({ "realm", TDM_T_STR, TDM_ARG_OPTIONAL },
			   { "flags", TDM_T_INT, TDM_ARG_OPTIONAL }),
	  .routes = REQ,
	  .doc = "Replies 401 with one WWW-Authenticate per algorithm of the "
		 "realm (default realm: To host for REGISTER, else From host; "
		 "R-URI host as fallback), stale=true when the request's nonce "
		 "expired. flags: 1 first algorithm only, 2 no qop." },
	{ .name = "proxy_challenge", .impl = auth_fn_proxy_challenge,
	  .ret = TDM_T_VOID,
	  .args = TDM_ARGS({ "realm", TDM_T_STR, TDM_ARG_OPTIONAL },
			   { "flags", TDM_T_INT, TDM_ARG_OPTIONAL }),
	  .routes = REQ,
	  .doc = "Like www_challenge() with 407 and Proxy-Authenticate: for "
		 "requests the node relays." },
	{ .name = "www_authorize", .impl = auth_fn_www_authorize,
	  .ret = TDM_T_INT,
	  .args = TDM_ARGS({ "realm", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = REQ,
	  .doc = "Checks the Authorization credentials for the realm: 1 ok, "
		 "-1 error, -2 wrong password or unknown user, -3 stale nonce, "
		 "-4 no credentials, -5 replayed nonce-count, -6 malformed or "
		 "algorithm/qop not allowed, -7 invalid nonce." },
	{ .name = "proxy_authorize", .impl = auth_fn_proxy_authorize,
	  .ret = TDM_T_INT,
	  .args = TDM_ARGS({ "realm", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = REQ,
	  .doc = "Like www_authorize() for Proxy-Authorization." },
	{ .name = "authenticated_user", .impl = auth_fn_user, .ret = TDM_T_STR,
	  .routes = REQ_ANY,
	  .doc = "Username authenticated by *_authorize() for this request, "
		 "\"\" when none." },
	{ .name = "authenticated_realm", .impl = auth_fn_realm,
	  .ret = TDM_T_STR, .routes = REQ_ANY,
	  .doc = "Its realm, \"\" when none." },
	{ .name = "check_from", .impl = auth_fn_check_from, .ret = TDM_T_BOOL,
	  .routes = REQ_ANY,
	  .doc = "True when the From URI is the authenticated user@realm or "
		 "an alias of it." },
	{ .name = "check_to", .impl = auth_fn_check_to, .ret = TDM_T_BOOL,
	  .routes = REQ_ANY,
	  .doc = "The same for the To URI (REGISTER: only your own AOR)." },
	{ .name = "failures", .impl = auth_fn_failures, .ret = TDM_T_INT,
	  .args = TDM_ARGS({ "ip", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = REQ_ANY,
	  .doc = "Decayed authentication-failure count of a source address "
		 "(default: this request's source)." },
	TDM_FN_END
};

static const struct tdm_stat_def auth_stats[] = {
	{ "auth_challenges_total", TDM_STAT_COUNTER,
	  "401/407 challenges sent", .value = &auth_stat_challenges },
	{ "auth_success_total", TDM_STAT_COUNTER,
	  "Requests whose credentials were accepted",
	  .value = &auth_stat_success },
	{ "auth_failures_total", TDM_STAT_COUNTER,
	  "Credentials refused (wrong password, unknown user, stale, "
	  "replayed, malformed, bad nonce)", .value = &auth_stat_failures },
	TDM_STAT_END
};

static void auth_unload(void)
{
	auth_failures_fini();
	auth_policy_fini();
	auth_nonce_fini();
	tdm_log_subsys_unregister(&auth_log);
}

static int auth_load(void)
{
	int rc;

	tdm_log_subsys_register(&auth_log);
	atomic_store(&auth_stat_challenges, 0);
	atomic_store(&auth_stat_success, 0);
	atomic_store(&auth_stat_failures, 0);
	rc = auth_policy_init(auth_cfg.algorithms, auth_cfg.domain_algorithms);
	if (!rc)
		rc = auth_nonce_init(auth_cfg.secret, (size_t)auth_cfg.nc_slots);
	if (!rc)
		rc = auth_failures_init((size_t)auth_cfg.failure_slots,
					(uint64_t)auth_cfg.failure_decay);
	if (rc) {
		TDM_LOGE(&auth_log, "auth: cannot start: %d", rc);
		auth_unload();
	}
	return rc;
}

TDM_MODULE_DESCRIPTOR(auth) = {
	TDM_MODULE_HEADER,
	.name = "auth",
	.description = "Digest authentication (MD5, SHA-256, SHA-512-256)",
	.params = auth_params,
	.config = &auth_cfg,
	.functions = auth_functions,
	.rpcs = auth_rpcs,
	.stats = auth_stats,
	.load = auth_load,
	.unload = auth_unload,
	.doc = "Challenges and checks SIP digest credentials against the "
	       "provisioning snapshot with self-validating nonces, nonce-count "
	       "replay protection and per-source failure counters; see "
	       "docs/auth.md.",
};
