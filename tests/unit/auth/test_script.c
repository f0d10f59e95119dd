/* SPDX-License-Identifier: GPL-2.0-or-later
 * Unit tests of modules/auth's script functions through the real call
 * frame (core/script/call.h) and the module's descriptor: authorize then
 * authenticated_user/check_from/check_to in the same route run, the
 * default realm, isolation between messages, and the challenge reply.
 *
 * Until the core implements tdm_scr_reply() and tdm_scr_peer() (the SDK
 * of issue 6), the weak definitions below stand in and record what the
 * module asked for; once the core's exist they win at link time and the
 * tests check only what the core's frame can tell. */
#include <errno.h>
#include <string.h>
#include <tandem/module.h>
#include "script/call.h"
#include <jansson.h>
#include <tandem/alloc.h>
#include "rpc/registry.h"
#include "test.h"
#include "helpers.h"

extern const struct tdm_module tdm_module_auth;

static bool peer_stub;
static struct {
	bool called;
	unsigned code;
	char headers[4096];
} reply;

__attribute__((weak)) int tdm_scr_reply(struct tdm_scr_call *c, unsigned code,
					const struct tdm_str *reason,
					const struct tdm_str *headers,
					const struct tdm_str *content_type,
					const struct tdm_str *body)
{
	(void)c, (void)reason, (void)content_type, (void)body;
	reply.called = true;
	reply.code = code;
	snprintf(reply.headers, sizeof(reply.headers), "%.*s",
		 headers ? (int)headers->len : 0, headers ? headers->s : "");
	return 0;
}

__attribute__((weak)) int tdm_scr_peer(const struct tdm_scr_call *c,
				       struct tdm_scr_peer *out)
{
	(void)c;
	peer_stub = true;
	memset(out, 0, sizeof(*out));
	out->ip = TDM_STR("127.0.0.9");
	out->port = 5070;
	out->proto = TDM_PROTO_UDP;
	return 0;
}

/* A challenge: 0 through the stand-in; with the core's tdm_scr_reply and
 * this bare frame (no route run behind it) -EINVAL, which the module
 * passes on. */
static void challenge(const char *name, struct tdm_sip_msg *m,
		      const struct tdm_value *args, unsigned n);

static const struct tdm_fn_def *fn(const char *name)
{
	for (const struct tdm_fn_def *f = tdm_module_auth.functions; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	CU_FAIL_FATAL("no such function");
	return NULL;
}

/* Runs auth.<name>(args) on m; the result value in *out. */
static int call(const char *name, struct tdm_sip_msg *m,
		const struct tdm_value *args, unsigned n, struct tdm_value *out)
{
	struct tdm_scr_call c;
	int rc;

	tdm_scr_call_init(&c, fn(name), TDM_ROUTE_REQUEST, m, m->arena);
	rc = tdm_scr_call_args(&c, args, n, NULL);
	if (!rc)
		rc = tdm_scr_call_run(&c);
	if (out)
		*out = c.result;
	return rc;
}

static int64_t call_int(const char *name, struct tdm_sip_msg *m)
{
	struct tdm_value v = { 0 };

	CU_ASSERT_EQUAL(call(name, m, NULL, 0, &v), 0);
	return v.u.i;
}

static bool call_bool(const char *name, struct tdm_sip_msg *m)
{
	struct tdm_value v = { 0 };

	CU_ASSERT_EQUAL(call(name, m, NULL, 0, &v), 0);
	return v.u.b;
}

static struct tdm_str call_str(const char *name, struct tdm_sip_msg *m)
{
	struct tdm_value v = { 0 };

	CU_ASSERT_EQUAL(call(name, m, NULL, 0, &v), 0);
	return v.u.s;
}

static void challenge(const char *name, struct tdm_sip_msg *m,
		      const struct tdm_value *args, unsigned n)
{
	unsigned long ch0 = atomic_load(&auth_stat_challenges);
	int rc;

	memset(&reply, 0, sizeof(reply));
	rc = call(name, m, args, n, NULL);
	if (reply.called) {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(atomic_load(&auth_stat_challenges), ch0 + 1);
	} else {
		CU_ASSERT_EQUAL(rc, -EINVAL);
	}
}

static void test_auth_script_authorize(void)
{
	char nonce[AUTH_NONCE_LEN + 1];
	struct tdm_sip_msg *m, *other;
	struct tdm_value realm = { .type = TDM_T_STR,
				   .u.s = TDM_STR("example.org") };
	struct tdm_value v;
	struct tdm_str s;
	unsigned long ok0 = atomic_load(&auth_stat_success);
	unsigned long fail0 = atomic_load(&auth_stat_failures);
	struct tdm_str peer = TDM_STR("127.0.0.9");
	unsigned peer0;

	at_setup(1024, NULL);
	peer0 = auth_failures_get(&peer);
	at_nonce("example.org", nonce);
	m = at_request(&(struct at_try){ .alg = TDM_DIGEST_SHA256,
					 .user = "alice", .realm = "example.org",
					 .pass = "secret", .nonce = nonce,
					 .nc = "00000001" });
	other = at_request(&(struct at_try){ .alg = TDM_DIGEST_SHA256,
					     .user = "alice",
					     .realm = "example.org",
					     .pass = "secret", .nonce = nonce,
					     .nc = "00000005" });
	/* nothing before authorize */
	s = call_str("authenticated_user", m);
	CU_ASSERT_EQUAL(s.len, 0);
	CU_ASSERT_FALSE(call_bool("check_to", m));
	/* default realm of a REGISTER: the To host */
	CU_ASSERT_EQUAL(call_int("www_authorize", m), 1);
	CU_ASSERT_EQUAL(atomic_load(&auth_stat_success), ok0 + 1);
	s = call_str("authenticated_user", m);
	TDM_ASSERT_STR(s, "alice");
	s = call_str("authenticated_realm", m);
	TDM_ASSERT_STR(s, "example.org");
	CU_ASSERT_TRUE(call_bool("check_from", m));
	CU_ASSERT_TRUE(call_bool("check_to", m));
	/* another message on the same thread sees nothing of m's */
	s = call_str("authenticated_user", other);
	CU_ASSERT_EQUAL(s.len, 0);
	/* the same credentials again: a replay, counted as a failure */
	CU_ASSERT_EQUAL(call("www_authorize", m, &realm, 1, &v), 0);
	CU_ASSERT_EQUAL(v.u.i, AUTH_REPLAYED);
	CU_ASSERT_EQUAL(atomic_load(&auth_stat_failures), fail0 + 1);
	s = call_str("authenticated_user", m);
	CU_ASSERT_EQUAL(s.len, 0);
	if (peer_stub) /* the core's tdm_scr_peer has no network here */
		CU_ASSERT_EQUAL(auth_failures_get(&peer), peer0 + 1);
	/* the wrong header for the function */
	CU_ASSERT_EQUAL(call_int("proxy_authorize", other), AUTH_NO_CREDENTIALS);
	CU_ASSERT_EQUAL(call_int("www_authorize", other), 1);
	tdm_sip_msg_free(other);
	tdm_sip_msg_free(m);
	at_teardown();
}

static void test_auth_script_check_from(void)
{
	char nonce[AUTH_NONCE_LEN + 1];
	struct tdm_sip_msg *m;
	struct at_try t = { .alg = TDM_DIGEST_MD5, .user = "alice",
			    .realm = "example.org", .pass = "secret",
			    .nc = "00000001", .method = "MESSAGE",
			    .to = "sip:bob@b.example.net", .proxy = true };

	at_setup(1024, NULL);
	/* From someone else: authenticated, but does not own From */
	at_nonce("example.org", nonce);
	t.nonce = nonce;
	t.from = "sip:carol@example.org";
	m = at_request(&t);
	/* default realm of a non-REGISTER is the From host */
	CU_ASSERT_EQUAL(call_int("proxy_authorize", m), 1);
	CU_ASSERT_FALSE(call_bool("check_from", m));
	CU_ASSERT_FALSE(call_bool("check_to", m));
	tdm_sip_msg_free(m);
	/* an alias of alice's, in another domain: realm given explicitly */
	t.from = "sip:al@alias.example.org";
	t.nc = "00000002";
	m = at_request(&t);
	{
		struct tdm_value realm = { .type = TDM_T_STR,
					   .u.s = TDM_STR("example.org") };
		struct tdm_value v;

		CU_ASSERT_EQUAL(call("proxy_authorize", m, &realm, 1, &v), 0);
		CU_ASSERT_EQUAL(v.u.i, 1);
	}
	CU_ASSERT_TRUE(call_bool("check_from", m));
	tdm_sip_msg_free(m);
	/* escaped user part, host case: still alice@example.org */
	t.from = "sip:%61lice@EXAMPLE.org";
	t.nc = "00000003";
	m = at_request(&t);
	{
		struct tdm_value realm = { .type = TDM_T_STR,
					   .u.s = TDM_STR("example.org") };
		struct tdm_value v;

		CU_ASSERT_EQUAL(call("proxy_authorize", m, &realm, 1, &v), 0);
		CU_ASSERT_EQUAL(v.u.i, 1);
	}
	CU_ASSERT_TRUE(call_bool("check_from", m));
	tdm_sip_msg_free(m);
	at_teardown();
}

static void test_auth_script_challenge(void)
{
	char nonce[AUTH_NONCE_LEN + 1];
	struct tdm_sip_msg *m;
	struct at_try t = { .alg = TDM_DIGEST_MD5, .user = "alice",
			    .realm = "example.org", .pass = "secret",
			    .nc = "00000001" };
	struct tdm_value args[2] = {
		{ .type = TDM_T_STR, .u.s = TDM_STR("") },
		{ .type = TDM_T_INT, .u.i = AUTH_CH_FIRST_ONLY } };

	at_setup(1024, NULL);
	at_nonce("example.org", nonce);
	t.nonce = nonce;
	m = at_request(&t);
	challenge("www_challenge", m, NULL, 0);
	if (reply.called) {
		CU_ASSERT_EQUAL(reply.code, 401);
		CU_ASSERT_PTR_NOT_NULL(strstr(reply.headers,
			"WWW-Authenticate: Digest realm=\"example.org\""));
		CU_ASSERT_PTR_NULL(strstr(reply.headers, "stale"));
	}
	/* the nonce expires: authorize says -3, the challenge says stale */
	fake_now += 301;
	CU_ASSERT_EQUAL(call_int("www_authorize", m), AUTH_STALE);
	challenge("proxy_challenge", m, args, 2);
	if (reply.called) {
		CU_ASSERT_EQUAL(reply.code, 407);
		CU_ASSERT_PTR_NOT_NULL(strstr(reply.headers,
			"Proxy-Authenticate: Digest realm=\"example.org\""));
		/* authorize checked Authorization: the Proxy- challenge looks
		 * at Proxy-Authorization, absent here */
		CU_ASSERT_PTR_NULL(strstr(reply.headers, "stale"));
		CU_ASSERT_PTR_NULL(strstr(reply.headers, "SHA-256"));
	}
	challenge("www_challenge", m, NULL, 0);
	if (reply.called)
		CU_ASSERT_PTR_NOT_NULL(strstr(reply.headers, "stale=true"));
	tdm_sip_msg_free(m);
	/* without authorize: the challenge looks at the nonce itself */
	m = at_request(&t);
	challenge("www_challenge", m, NULL, 0);
	if (reply.called)
		CU_ASSERT_PTR_NOT_NULL(strstr(reply.headers, "stale=true"));
	tdm_sip_msg_free(m);
	at_teardown();
}

/* Sends one request to auth_rpcs through the core's dispatcher. */
static json_t *rpc(const char *method, const char *ip)
{
	char req[256], *out = NULL;
	size_t len;
	json_t *j;

	snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
		 "\"params\":{\"ip\":\"%s\"}}", method, ip);
	CU_ASSERT_EQUAL_FATAL(tdm_rpc_handle(req, strlen(req), "t", &out, &len), 0);
	j = json_loadb(out, len, 0, NULL);
	tdm_free(out);
	return j;
}

static void test_auth_rpc_failures(void)
{
	struct tdm_str ip = TDM_STR("192.0.2.7");
	json_t *j;

	at_setup(1024, NULL);
	CU_ASSERT_EQUAL_FATAL(tdm_rpc_add_core_table("auth", auth_rpcs), 0);
	auth_failures_add(&ip);
	auth_failures_add(&ip);
	j = rpc("auth.failures", "192.0.2.7");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "result"),
							   "failures")), 2);
	json_decref(j);
	j = rpc("auth.clear", "192.0.2.7");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "result"),
							   "cleared")), 2);
	json_decref(j);
	CU_ASSERT_EQUAL(auth_failures_get(&ip), 0);
	j = rpc("auth.failures", "not-an-ip");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(j, "error"),
							   "code")), TDM_RPC_INVALID_PARAMS);
	json_decref(j);
	tdm_rpc_clear_core_tables();
	at_teardown();
}

TDM_TEST_SUITE(auth_script,
	       TDM_TEST(test_auth_rpc_failures),
	       TDM_TEST(test_auth_script_authorize),
	       TDM_TEST(test_auth_script_check_from),
	       TDM_TEST(test_auth_script_challenge))
