/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for modules/registrar/reg_rpc.c and reg_stats.c through the
 * core's JSON-RPC dispatcher (tdm_rpc_handle()): registrar.show (all,
 * one AOR written in several ways, unknown AOR), registrar.remove (a
 * whole AOR, one contact, nothing matched), that a removal reaches the
 * persistence journal, the dispatcher's -32602 for bad parameters, and
 * the statistics in the Prometheus text.
 *
 * The module's tables are loaded as a static descriptor named
 * "registrar" (the same tables the real descriptor in registrar.c
 * exports, without its load hook: no timer thread, no database), over a
 * store made here with reg_save() on parsed REGISTERs. The store's hooks
 * feed a journal exactly as registrar.c's glue does (reg_pj_put /
 * reg_pj_del through reg_persist_saved/removed). */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include <tandem/module.h>
#include <tandem/rpc.h>
#include <tandem/sip.h>
#include <tandem/stats.h>
#include "module/mod.h"
#include "persist_journal.h"
#include "reg.h"
#include "test.h"

static struct reg_cfg cfg = {
	.default_expires = 3600, .min_expires = 60, .max_expires = 7200,
	.max_contacts = 5, .natping_interval = 30, .natping_method = "options",
	.flow_timer = 0, .timer_interval = 10, .hash_size = 64,
	.outbound = true, .gruu = true,
};

static const struct tdm_module test_registrar = {
	TDM_MODULE_HEADER,
	.name = "registrar",
	.description = "registrar tables under test",
	.rpcs = reg_rpcs,
	.stats = reg_stat_defs,
};

static struct reg_pj journal;

static void j_saved(const struct reg_ul_binding *b, void *arg)
{
	(void)arg;
	reg_pj_put(&journal, b, &TDM_STR(""));
}

static void j_removed(const struct reg_ul_binding *b, void *arg)
{
	(void)arg;
	reg_pj_del(&journal, &b->ruid);
}

/* The store (reg_ul_main), the journal behind its hooks, the module. */
static void setup(void)
{
	struct reg_ul_cfg c = { .buckets = 64, .stripes = 8,
				.max_contacts = (unsigned)cfg.max_contacts };
	char err[256] = "";
	int rc;

	CU_ASSERT_EQUAL_FATAL(reg_ul_create(&c, &reg_ul_main), 0);
	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&journal, 1000, 1000), 0);
	reg_ul_set_hooks(reg_ul_main, &(struct reg_ul_hooks){
		.saved = j_saved, .removed = j_removed });
	tdm_mod_register_static(&test_registrar);
	rc = tdm_mod_load(&TDM_STR("registrar"), NULL, NULL, err, sizeof(err));
	if (rc)
		fprintf(stderr, "tdm_mod_load: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void teardown(void)
{
	tdm_mod_unload_all();
	tdm_mod_unregister_static(&test_registrar);
	reg_ul_destroy(reg_ul_main);
	reg_ul_main = NULL;
	reg_pj_destroy(&journal);
}

/* A REGISTER for `aor` (its To) from src, answered 200. */
static void reg(const char *aor, const char *callid, const char *hdrs,
		const struct reg_src *src)
{
	char buf[4096];
	struct tdm_sip_msg *m;
	struct reg_reply rep;
	int n;

	n = snprintf(buf, sizeof(buf),
		     "REGISTER sip:example.com SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-%s\r\n"
		     "From: <sip:%s>;tag=1\r\n"
		     "To: <sip:%s>\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: 7 REGISTER\r\n"
		     "Max-Forwards: 70\r\n"
		     "%s"
		     "Content-Length: 0\r\n\r\n",
		     callid, aor, aor, callid, hdrs);
	CU_ASSERT_FATAL(n > 0 && n < (int)sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, buf, (size_t)n, NULL,
						NULL), 0);
	CU_ASSERT_EQUAL_FATAL(reg_save(reg_ul_main, &cfg, m, src, time(NULL),
				       &rep), 0);
	CU_ASSERT_EQUAL(rep.code, 200);
	tdm_buf_free(&rep.hdrs);
	tdm_sip_msg_free(m);
}

static const struct reg_src udp_src = {
	.known = true, .proto = TDM_PROTO_UDP, .ip = TDM_STR("192.0.2.1"),
	.port = 5060,
};

/* alice@example.com: two UDP contacts (one with q and Path, one NATed);
 * bob@example.org: one outbound flow over TCP. */
static void fill(void)
{
	const struct reg_src tcp = {
		.known = true, .proto = TDM_PROTO_TCP,
		.ip = TDM_STR("198.51.100.7"), .port = 40312, .conn_id = 77,
		.listen_index = 1,
	};
	const struct reg_src nat = {
		.known = true, .proto = TDM_PROTO_UDP,
		.ip = TDM_STR("203.0.113.9"), .port = 33000,
	};

	reg("alice@example.com", "a1",
	    "User-Agent: phone/1\r\n"
	    "Path: <sip:edge1.example.net;lr>, <sip:edge2.example.net;lr>\r\n"
	    "Contact: <sip:alice@192.0.2.1:5060>;q=0.5\r\n", &udp_src);
	reg("alice@example.com", "a2",
	    "Contact: <sip:alice@10.1.1.1:5062>\r\n", &nat);
	reg("bob@Example.ORG", "b1",
	    "Supported: outbound\r\n"
	    "Contact: <sip:bob@10.0.0.5:5060;transport=tcp;ob>;"
	    "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";"
	    "reg-id=1\r\n", &tcp);
	CU_ASSERT_EQUAL(reg_ul_count(reg_ul_main), 3);
}

/* Sends one request text through the dispatcher; the parsed reply. */
static json_t *call(const char *req)
{
	char *out = NULL;
	size_t outlen = 0;
	json_error_t jerr;
	json_t *j;

	CU_ASSERT_EQUAL_FATAL(tdm_rpc_handle(req, strlen(req), "test", &out,
					     &outlen), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	j = json_loadb(out, outlen, 0, &jerr);
	if (!j)
		fprintf(stderr, "reply is not JSON (%s): %.*s\n", jerr.text,
			(int)outlen, out);
	tdm_free(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

/* The error code of a reply, 0 when it has a result. */
static int err_code(json_t *reply)
{
	json_t *e = json_object_get(reply, "error");

	if (!e) {
		CU_ASSERT_PTR_NOT_NULL(json_object_get(reply, "result"));
		return 0;
	}
	return (int)json_integer_value(json_object_get(e, "code"));
}

static const char *err_msg(json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "error"),
						 "message"));
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void test_reg_rpc_show_all(void)
{
	json_t *rep, *res, *a, *c, *b, *path;
	json_int_t exp;

	setup();
	fill();
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\",\"id\":1}");
	CU_ASSERT_EQUAL(err_code(rep), 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(rep, "id")), 1);
	res = json_object_get(rep, "result");
	CU_ASSERT_FATAL(json_is_array(res) && json_array_size(res) == 2);

	/* sorted by AOR; the host part lower-cased as registrar keys it */
	a = json_array_get(res, 0);
	CU_ASSERT_STRING_EQUAL(sget(a, "aor"), "alice@example.com");
	c = json_object_get(a, "contacts");
	CU_ASSERT_FATAL(json_is_array(c) && json_array_size(c) == 2);
	/* contacts sorted by URI: 10.1.1.1 before 192.0.2.1 */
	b = json_array_get(c, 0);
	CU_ASSERT_STRING_EQUAL(sget(b, "contact"), "sip:alice@10.1.1.1:5062");
	CU_ASSERT_STRING_EQUAL(sget(b, "received"), "udp:203.0.113.9:33000");
	CU_ASSERT_EQUAL(json_number_value(json_object_get(b, "q")), 1.0);
	CU_ASSERT_STRING_EQUAL(sget(b, "call_id"), "a2");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "path")), 0);
	CU_ASSERT_TRUE(json_is_false(json_object_get(b, "flow")));
	b = json_array_get(c, 1);
	CU_ASSERT_STRING_EQUAL(sget(b, "contact"), "sip:alice@192.0.2.1:5060");
	exp = json_integer_value(json_object_get(b, "expires"));
	CU_ASSERT_TRUE(exp > 0 && exp <= 3600);
	CU_ASSERT_EQUAL(json_number_value(json_object_get(b, "q")), 0.5);
	CU_ASSERT_STRING_EQUAL(sget(b, "call_id"), "a1");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(b, "cseq")), 7);
	CU_ASSERT_STRING_EQUAL(sget(b, "user_agent"), "phone/1");
	CU_ASSERT_TRUE(json_is_null(json_object_get(b, "received")));
	path = json_object_get(b, "path");
	CU_ASSERT_FATAL(json_is_array(path) && json_array_size(path) == 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(path, 0)),
			       "sip:edge1.example.net;lr");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(path, 1)),
			       "sip:edge2.example.net;lr");
	CU_ASSERT_TRUE(json_is_null(json_object_get(b, "instance")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(b, "reg_id")));
	CU_ASSERT_TRUE(json_is_false(json_object_get(b, "flow")));
	CU_ASSERT_TRUE(json_integer_value(json_object_get(b, "last_modified")) > 0);

	a = json_array_get(res, 1);
	CU_ASSERT_STRING_EQUAL(sget(a, "aor"), "bob@example.org");
	b = json_array_get(json_object_get(a, "contacts"), 0);
	CU_ASSERT_STRING_EQUAL(sget(b, "contact"),
			       "sip:bob@10.0.0.5:5060;transport=tcp;ob");
	CU_ASSERT_STRING_EQUAL(sget(b, "instance"),
			       "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(b, "reg_id")), 1);
	CU_ASSERT_STRING_EQUAL(sget(b, "received"), "tcp:198.51.100.7:40312");
	CU_ASSERT_TRUE(json_is_true(json_object_get(b, "flow")));
	json_decref(rep);

	/* an empty store: an empty list */
	CU_ASSERT_EQUAL(reg_ul_delete_aor(reg_ul_main, &TDM_STR("alice@example.com"),
					  NULL), 2);
	CU_ASSERT_EQUAL(reg_ul_delete_aor(reg_ul_main, &TDM_STR("bob@example.org"),
					  NULL), 1);
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\",\"params\":[],\"id\":2}");
	CU_ASSERT_EQUAL(err_code(rep), 0);
	res = json_object_get(rep, "result");
	CU_ASSERT_TRUE(json_is_array(res) && json_array_size(res) == 0);
	json_decref(rep);
	teardown();
}

static void test_reg_rpc_show_one(void)
{
	static const char *const forms[] = {
		"[\"sip:bob@EXAMPLE.org\"]", "[\"bob@example.org\"]",
		"[\"<sip:bob@example.org>\"]", "{\"aor\":\"sips:bob@example.org\"}",
	};
	json_t *rep, *res;

	setup();
	fill();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char req[256];
		snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"method\":"
			 "\"registrar.show\",\"params\":%s,\"id\":\"x\"}", forms[i]);
		rep = call(req);
		CU_ASSERT_EQUAL(err_code(rep), 0);
		res = json_object_get(rep, "result");
		CU_ASSERT_FATAL(json_is_array(res) && json_array_size(res) == 1);
		CU_ASSERT_STRING_EQUAL(sget(json_array_get(res, 0), "aor"),
				       "bob@example.org");
		CU_ASSERT_EQUAL(json_array_size(json_object_get(
					json_array_get(res, 0), "contacts")), 1);
		json_decref(rep);
	}
	teardown();
}

static void test_reg_rpc_show_unknown(void)
{
	json_t *rep;

	setup();
	fill();
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\","
		   "\"params\":[\"sip:carol@example.com\"],\"id\":3}");
	CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(err_msg(rep));
	if (err_msg(rep))
		CU_ASSERT_STRING_EQUAL(err_msg(rep),
				       "no binding for AOR sip:carol@example.com");
	json_decref(rep);
	/* the user part is case-sensitive (RFC 3261 §19.1.4) */
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\","
		   "\"params\":[\"Bob@example.org\"],\"id\":4}");
	CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_NOT_FOUND);
	json_decref(rep);
	teardown();
}

/* The pending journal entry of ruid: 1 delete, 0 insert/update, -1 none. */
static int journal_state(const struct tdm_str *ruid)
{
	struct tdm_list batch;
	struct tdm_list_node *n;
	int st = -1;

	tdm_list_init(&batch);
	reg_pj_take(&journal, &batch, 1000);
	TDM_LIST_FOREACH(&batch, n) {
		const struct reg_pj_entry *e =
			TDM_LIST_ENTRY(n, struct reg_pj_entry, lnode);
		if (tdm_str_eq(&e->row.ruid, ruid))
			st = e->del ? 1 : 0;
	}
	reg_pj_giveback(&journal, &batch);
	return st;
}

static int ruid_fn(const struct reg_ul_binding *b, void *arg)
{
	char (*r)[2][64] = arg;
	int i = (*r)[0][0] ? 1 : 0;

	snprintf((*r)[i], sizeof((*r)[i]), "%s", b->ruid.s);
	return 0;
}

static void test_reg_rpc_remove_aor(void)
{
	char ruids[2][64] = { "", "" };
	struct tdm_str r0, r1;
	json_t *rep;

	setup();
	fill();
	reg_ul_aor_walk(reg_ul_main, &TDM_STR("alice@example.com"), ruid_fn,
			&ruids);
	r0 = tdm_str_c(ruids[0]);
	r1 = tdm_str_c(ruids[1]);
	CU_ASSERT_TRUE(r0.len && r1.len);
	CU_ASSERT_EQUAL(journal_state(&r0), 0); /* saved */
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		   "\"params\":{\"aor\":\"sip:alice@Example.com\"},\"id\":5}");
	CU_ASSERT_EQUAL(err_code(rep), 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(
				json_object_get(rep, "result"), "removed")), 2);
	json_decref(rep);
	CU_ASSERT_EQUAL(reg_ul_count(reg_ul_main), 1);
	CU_ASSERT_EQUAL(reg_ul_aor_count(reg_ul_main), 1);
	/* both removals are pending deletes in the persistence journal */
	CU_ASSERT_EQUAL(journal_state(&r0), 1);
	CU_ASSERT_EQUAL(journal_state(&r1), 1);

	/* gone: show and a second remove say -32001 */
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\","
		   "\"params\":[\"alice@example.com\"],\"id\":6}");
	CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_NOT_FOUND);
	json_decref(rep);
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		   "\"params\":[\"alice@example.com\"],\"id\":7}");
	CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_NOT_FOUND);
	json_decref(rep);
	teardown();
}

static void test_reg_rpc_remove_contact(void)
{
	json_t *rep, *res;

	setup();
	fill();
	/* compared as the registrar compares contacts (RFC 3261 §19.1.4:
	 * host case-insensitive), written as a name-addr */
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		   "\"params\":[\"alice@example.com\","
		   "\"<sip:alice@192.0.2.1:5060>\"],\"id\":8}");
	CU_ASSERT_EQUAL(err_code(rep), 0);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(
				json_object_get(rep, "result"), "removed")), 1);
	json_decref(rep);
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		   "\"params\":[\"alice@example.com\","
		   "\"sip:alice@192.0.2.1:5060\"],\"id\":9}");
	CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_NOT_FOUND);
	json_decref(rep);
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		   "\"params\":{\"aor\":\"alice@example.com\","
		   "\"contact\":\"sip:alice@10.1.1.1:5062\"},\"id\":10}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(
				json_object_get(rep, "result"), "removed")), 1);
	json_decref(rep);
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\",\"id\":11}");
	res = json_object_get(rep, "result");
	CU_ASSERT_TRUE(json_is_array(res) && json_array_size(res) == 1);
	json_decref(rep);
	teardown();
}

static void test_reg_rpc_bad_params(void)
{
	static const char *const reqs[] = {
		/* missing aor */
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\",\"id\":1}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\",\"params\":[],\"id\":1}",
		/* wrong type */
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\",\"params\":[5],\"id\":1}",
		/* too many */
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		"\"params\":[\"a@b\",\"sip:c@d\",\"x\"],\"id\":1}",
		/* unknown name */
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\","
		"\"params\":{\"user\":\"a@b\"},\"id\":1}",
		/* not an AOR (the command's own check) */
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\","
		"\"params\":[\"tel:+15551234\"],\"id\":1}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
		"\"params\":[\"sip:@\"],\"id\":1}",
	};
	json_t *rep;

	setup();
	fill();
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		rep = call(reqs[i]);
		if (err_code(rep) != TDM_RPC_INVALID_PARAMS)
			fprintf(stderr, "request %zu: code %d\n", i, err_code(rep));
		CU_ASSERT_EQUAL(err_code(rep), TDM_RPC_INVALID_PARAMS);
		json_decref(rep);
	}
	CU_ASSERT_EQUAL(reg_ul_count(reg_ul_main), 3);
	teardown();
}

static void test_reg_rpc_stats(void)
{
	struct tdm_buf b = { 0 };

	setup();
	fill();
	atomic_fetch_add(&reg_st.reg_ok, 3);
	CU_ASSERT_EQUAL(tdm_stats_prometheus(&b), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"# TYPE tandem_registrar_registered_contacts gauge\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"tandem_registrar_registered_contacts{domain=\"example.com\"} 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"tandem_registrar_registered_contacts{domain=\"example.org\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"tandem_registrar_registered_aors 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"# TYPE tandem_registrar_registrations_total counter\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"tandem_registrar_registrations_total 3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"tandem_registrar_persist_pending 0\n"));
	tdm_buf_free(&b);
	atomic_store(&reg_st.reg_ok, 0);
	teardown();
}

/* Workers saving and removing while the admin API reads: the answers
 * stay well-formed (run under the sanitizer build for the rest). */
static atomic_bool churn_stop;

static void *churn_main(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char aor[64], contact[64];

	for (unsigned i = 0; !atomic_load(&churn_stop); i++) {
		struct reg_ul_binding b = { .callid = TDM_STR("c"), .q = -1,
					    .expires = time(NULL) + 600 };
		snprintf(aor, sizeof(aor), "u%u@d%u.example", i % 50, id);
		snprintf(contact, sizeof(contact), "sip:u@10.0.%u.%u", id, i % 7);
		b.aor = tdm_str_c(aor);
		b.contact = tdm_str_c(contact);
		if (i % 3 == 2)
			reg_ul_delete_aor(reg_ul_main, &b.aor, NULL);
		else
			reg_ul_insert(reg_ul_main, &b);
	}
	return NULL;
}

static void test_reg_rpc_concurrent(void)
{
	pthread_t th[3];
	struct tdm_buf b = { 0 };
	json_t *rep;

	setup();
	fill();
	atomic_store(&churn_stop, false);
	for (unsigned i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, churn_main,
						     (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < 50; i++) {
		rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.show\",\"id\":1}");
		CU_ASSERT_EQUAL(err_code(rep), 0);
		CU_ASSERT_TRUE(json_is_array(json_object_get(rep, "result")));
		json_decref(rep);
		rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"registrar.remove\","
			   "\"params\":[\"u1@d0.example\"],\"id\":2}");
		CU_ASSERT_TRUE(err_code(rep) == 0 ||
			       err_code(rep) == TDM_RPC_NOT_FOUND);
		json_decref(rep);
		tdm_buf_reset(&b);
		CU_ASSERT_EQUAL(tdm_stats_prometheus(&b), 0);
	}
	atomic_store(&churn_stop, true);
	for (unsigned i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	tdm_buf_free(&b);
	teardown();
}

TDM_TEST_SUITE(registrar_rpc,
	       TDM_TEST(test_reg_rpc_show_all),
	       TDM_TEST(test_reg_rpc_show_one),
	       TDM_TEST(test_reg_rpc_show_unknown),
	       TDM_TEST(test_reg_rpc_remove_aor),
	       TDM_TEST(test_reg_rpc_remove_contact),
	       TDM_TEST(test_reg_rpc_bad_params),
	       TDM_TEST(test_reg_rpc_stats),
	       TDM_TEST(test_reg_rpc_concurrent))
