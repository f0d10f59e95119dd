/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/rpc's dispatcher: every JSON-RPC 2.0 error, batches and
 * notifications, parameters by position and by name with their type
 * checks, the reply builder (nesting, invalid UTF-8, errors with data),
 * and the rules a table must follow (core/module/rpc_spec.c). */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <tandem/alloc.h>
#include "module/mod.h"
#include "rpc/registry.h"
#include "test.h"

static int t_echo(struct tdm_rpc *r)
{
	struct tdm_rpc_val *o = tdm_rpc_result_object(r), *a;

	tdm_rpc_add_str(o, "name", tdm_rpc_str(r, 0));
	tdm_rpc_add_int(o, "n", tdm_rpc_int(r, 1, -1));
	tdm_rpc_add_bool(o, "flag", tdm_rpc_bool(r, 2, false));
	tdm_rpc_add_bool(o, "has_any", tdm_rpc_has(r, 3));
	tdm_rpc_add_str(o, "any", tdm_rpc_str(r, 3));
	a = tdm_rpc_add_array(o, "list");
	tdm_rpc_add_int(a, NULL, 1);
	tdm_rpc_add_object(a, NULL);
	tdm_rpc_add_strn(a, NULL, "bad\xff\xfe", 5);
	tdm_rpc_add_double(a, NULL, 0.5);
	tdm_rpc_add_null(a, NULL);
	/* wrong container kinds are ignored, not crashes */
	tdm_rpc_add_int(a, "key", 2);
	tdm_rpc_add_int(o, NULL, 3);
	return 0;
}

static int t_fail(struct tdm_rpc *r)
{
	struct tdm_rpc_val *d;

	tdm_rpc_fail(r, TDM_RPC_NOT_FOUND, "no %s here", "thing");
	d = tdm_rpc_error_data(r);
	tdm_rpc_add_int(d, "why", 42);
	return -EINVAL;
}

static int t_errno(struct tdm_rpc *r)
{
	(void)r;
	return -EIO;
}

static int t_scalar(struct tdm_rpc *r)
{
	tdm_rpc_result_int(r, 7);
	return 0;
}

static const struct tdm_rpc_def test_rpcs[] = {
	{ "t.echo", t_echo, "name:str [n:int] [flag:bool] [extra:any]", "Echoes" },
	{ "t.fail", t_fail, "", "Fails with data" },
	{ "t.errno", t_errno, NULL, "Returns an errno" },
	{ "t.scalar", t_scalar, "", "A scalar result" },
	TDM_RPC_END
};

/* Sends req, parses the reply (NULL when none). */
static json_t *call(const char *req)
{
	char *out = NULL;
	size_t len = 0;
	json_t *j;

	CU_ASSERT_EQUAL_FATAL(tdm_rpc_handle(req, strlen(req), "test", &out, &len), 0);
	if (!out)
		return NULL;
	CU_ASSERT_EQUAL(strlen(out), len);
	CU_ASSERT_EQUAL(out[len - 1], '\n');
	j = json_loadb(out, len, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL(j);
	tdm_free(out);
	return j;
}

static int err_code(json_t *rep)
{
	return (int)json_integer_value(json_object_get(json_object_get(rep, "error"), "code"));
}

static const char *err_msg(json_t *rep)
{
	const char *m = json_string_value(json_object_get(json_object_get(rep, "error"), "message"));
	return m ? m : "";
}

static void setup(void)
{
	CU_ASSERT_EQUAL_FATAL(tdm_rpc_add_core_table("test", test_rpcs), 0);
}

static void test_rpc_protocol_errors(void)
{
	static const struct { const char *req; int code; const char *msg; } cases[] = {
		{ "{not json", TDM_RPC_PARSE_ERROR, "Parse error" },
		{ "", TDM_RPC_PARSE_ERROR, "Parse error" },
		{ "42", TDM_RPC_INVALID_REQUEST, "not an object" },
		{ "[]", TDM_RPC_INVALID_REQUEST, "empty batch" },
		{ "{\"foo\":1}", TDM_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"" },
		{ "{\"jsonrpc\":\"1.0\",\"method\":\"t.scalar\",\"id\":1}", TDM_RPC_INVALID_REQUEST, "2.0" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":1}", TDM_RPC_INVALID_REQUEST, "\"method\"" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\",\"id\":{}}", TDM_RPC_INVALID_REQUEST, "id must be" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\",\"params\":3,\"id\":1}", TDM_RPC_INVALID_REQUEST, "\"params\"" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.nope\",\"id\":1}", TDM_RPC_METHOD_NOT_FOUND, "Method not found: t.nope" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"id\":1}", TDM_RPC_INVALID_PARAMS, "needs 'name'" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[1],\"id\":1}", TDM_RPC_INVALID_PARAMS, "'name' must be a string" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[\"a\",\"b\"],\"id\":1}", TDM_RPC_INVALID_PARAMS, "'n' must be an integer" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[\"a\",1,2],\"id\":1}", TDM_RPC_INVALID_PARAMS, "'flag' must be true or false" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[\"a\",1,true,0,5],\"id\":1}", TDM_RPC_INVALID_PARAMS, "at most 4" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":{\"name\":\"a\",\"zzz\":1},\"id\":1}", TDM_RPC_INVALID_PARAMS, "no parameter 'zzz'" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"params\":[\"a\\u0000b\"],\"id\":1}", TDM_RPC_INVALID_PARAMS, "without NUL" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\",\"id\":1,\"id\":2}", TDM_RPC_PARSE_ERROR, "duplicate" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.errno\",\"id\":1}", TDM_RPC_INTERNAL_ERROR, "Internal error: Input/output error" },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"t.fail\",\"id\":1}", TDM_RPC_NOT_FOUND, "no thing here" },
	};

	setup();
	for (size_t i = 0; i < TDM_ARRAY_SIZE(cases); i++) {
		json_t *rep = call(cases[i].req);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rep, "jsonrpc")), "2.0");
		CU_ASSERT_EQUAL(err_code(rep), cases[i].code);
		CU_ASSERT_PTR_NOT_NULL(strstr(err_msg(rep), cases[i].msg));
		if (err_code(rep) != cases[i].code || !strstr(err_msg(rep), cases[i].msg))
			fprintf(stderr, "case %zu: %d %s\n", i, err_code(rep), err_msg(rep));
		CU_ASSERT_PTR_NULL(json_object_get(rep, "result"));
		CU_ASSERT_PTR_NOT_NULL(json_object_get(rep, "id"));
		json_decref(rep);
	}
	tdm_rpc_clear_core_tables();
}

static void test_rpc_result_building(void)
{
	json_t *rep, *res, *list;

	setup();
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"id\":\"x\","
		   "\"params\":{\"name\":\"al\\u00e9\",\"flag\":true,\"extra\":{\"a\":[1]}}}");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(rep, "id")), "x");
	res = json_object_get(rep, "result");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "name")), "al\xc3\xa9");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(res, "n")), -1);
	CU_ASSERT_TRUE(json_is_true(json_object_get(res, "flag")));
	CU_ASSERT_TRUE(json_is_true(json_object_get(res, "has_any")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "any")), "{\"a\":[1]}");
	list = json_object_get(res, "list");
	CU_ASSERT_EQUAL(json_array_size(list), 5);
	CU_ASSERT_TRUE(json_is_object(json_array_get(list, 1)));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(list, 2)),
			       "bad\xef\xbf\xbd\xef\xbf\xbd");
	CU_ASSERT_TRUE(json_is_null(json_array_get(list, 4)));
	json_decref(rep);

	/* by position, null as "not given" */
	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"t.echo\",\"id\":3,\"params\":[\"b\",null,false]}");
	res = json_object_get(rep, "result");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(res, "n")), -1);
	CU_ASSERT_TRUE(json_is_false(json_object_get(res, "has_any")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(res, "any")));
	json_decref(rep);

	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\",\"id\":null}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(rep, "result")), 7);
	CU_ASSERT_TRUE(json_is_null(json_object_get(rep, "id")));
	json_decref(rep);

	rep = call("{\"jsonrpc\":\"2.0\",\"method\":\"t.fail\",\"id\":9}");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(
				json_object_get(rep, "error"), "data"), "why")), 42);
	json_decref(rep);
	tdm_rpc_clear_core_tables();
}

static void test_rpc_batch_and_notifications(void)
{
	json_t *rep;

	setup();
	/* a notification gets no answer, even a failing or unknown one */
	CU_ASSERT_PTR_NULL(call("{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\"}"));
	CU_ASSERT_PTR_NULL(call("{\"jsonrpc\":\"2.0\",\"method\":\"t.nope\"}"));
	CU_ASSERT_PTR_NULL(call("[{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\"},"
				"{\"jsonrpc\":\"2.0\",\"method\":\"t.fail\"}]"));
	rep = call("[{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\",\"id\":1},"
		   "{\"jsonrpc\":\"2.0\",\"method\":\"t.scalar\"},"
		   "1,"
		   "{\"jsonrpc\":\"2.0\",\"method\":\"t.nope\",\"id\":2}]");
	CU_ASSERT_TRUE_FATAL(json_is_array(rep));
	CU_ASSERT_EQUAL(json_array_size(rep), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(rep, 0), "result")), 7);
	CU_ASSERT_EQUAL(err_code(json_array_get(rep, 1)), TDM_RPC_INVALID_REQUEST);
	CU_ASSERT_EQUAL(err_code(json_array_get(rep, 2)), TDM_RPC_METHOD_NOT_FOUND);
	json_decref(rep);
	tdm_rpc_clear_core_tables();
}

static void test_rpc_registry(void)
{
	const char *owner = NULL;

	setup();
	/* the same table twice is one table */
	CU_ASSERT_EQUAL(tdm_rpc_add_core_table("test", test_rpcs), 0);
	CU_ASSERT_PTR_EQUAL(tdm_rpc_find("t.fail", &owner), &test_rpcs[1]);
	CU_ASSERT_STRING_EQUAL(owner, "test");
	CU_ASSERT_PTR_NULL(tdm_rpc_find("t.failx", NULL));
	tdm_rpc_clear_core_tables();
	CU_ASSERT_PTR_NULL(tdm_rpc_find("t.fail", NULL));
}

static void test_rpc_definition_rules(void)
{
	static const struct { const char *params; const char *msg; } bad[] = {
		{ "aor", "is not NAME:TYPE" },
		{ "aor:string", "type must be" },
		{ "[a:str] b:str", "required parameter after an optional" },
		{ "[a:str", "unclosed" },
		{ "a:str a:int", "declared twice" },
		{ "A:str", "is not NAME:TYPE" },
		{ "a:int b:int c:int d:int e:int f:int g:int h:int i:int", "more than 8" },
	};
	struct tdm_rpc_param ps[TDM_RPC_MAX_PARAMS];
	struct tdm_rpc_def d = { "x.y", t_scalar, NULL, "doc" };
	char err[256];
	unsigned n;

	CU_ASSERT_EQUAL(tdm_mod_rpc_params("aor:str  [contact:str] [n:int]", ps, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(ps[1].name, "contact");
	CU_ASSERT_TRUE(ps[1].optional);
	CU_ASSERT_FALSE(ps[0].optional);
	CU_ASSERT_EQUAL(ps[2].type, TDM_RPC_P_INT);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		CU_ASSERT_EQUAL(tdm_mod_rpc_params(bad[i].params, ps, &n, err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
	}
	CU_ASSERT_EQUAL(tdm_mod_check_rpc(&d, "x", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_mod_check_rpc(&d, "z", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "must be named \"z.<command>\""));
	d.doc = NULL;
	CU_ASSERT_EQUAL(tdm_mod_check_rpc(&d, "x", err, sizeof(err)), -EINVAL);
	d = (struct tdm_rpc_def){ "x.y", NULL, NULL, "doc" };
	CU_ASSERT_EQUAL(tdm_mod_check_rpc(&d, "x", err, sizeof(err)), -EINVAL);
	/* a malformed core table is refused */
	d = (struct tdm_rpc_def){ "x.Y", t_scalar, NULL, "doc" };
	CU_ASSERT_EQUAL(tdm_rpc_add_core_table("x", (const struct tdm_rpc_def[]){ d, TDM_RPC_END }), -EINVAL);
}

TDM_TEST_SUITE(rpc_dispatch,
	       TDM_TEST(test_rpc_protocol_errors),
	       TDM_TEST(test_rpc_result_building),
	       TDM_TEST(test_rpc_batch_and_notifications),
	       TDM_TEST(test_rpc_registry),
	       TDM_TEST(test_rpc_definition_rules))
