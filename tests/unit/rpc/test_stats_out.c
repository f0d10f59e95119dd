/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/rpc/stats_out.c: the Prometheus text format (HELP and
 * TYPE lines, escaping, integers printed exactly, histograms with
 * cumulative buckets) and the same statistics through core.stats, plus
 * the rules for a statistic definition. */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <tandem/alloc.h>
#include "module/mod.h"
#include "rpc/builtin.h"
#include "rpc/registry.h"
#include "test.h"

static atomic_ulong t_hits = 12345678901ul;

static void t_read_by_method(struct tdm_stat_out *o)
{
	tdm_stat_sample(o, 3, "method", "INVITE", "transport", "udp", NULL);
	tdm_stat_sample(o, 1, "method", "we\"ird\\\n", NULL);
}

static void t_read_level(struct tdm_stat_out *o)
{
	tdm_stat_sample(o, 0.25, NULL);
}

static void t_read_hist(struct tdm_stat_out *o)
{
	static const double bounds[] = { 0.001, 0.01, 0.1 };
	static const uint64_t counts[] = { 2, 0, 3, 1 };

	tdm_stat_histogram(o, bounds, counts, 3, 0.75, NULL);
}

static const struct tdm_stat_def test_stats[] = {
	{ "t_hits_total", TDM_STAT_COUNTER, "Hits with a \\ backslash", .value = &t_hits },
	{ "t_requests_total", TDM_STAT_COUNTER, "Requests", .read = t_read_by_method },
	{ "t_level", TDM_STAT_GAUGE, "A level", .read = t_read_level },
	{ "t_duration_seconds", TDM_STAT_HISTOGRAM, "Durations", .read = t_read_hist },
	TDM_STAT_END
};

static void test_stats_prometheus(void)
{
	struct tdm_buf b = { 0 };
	const char *want =
		"# HELP tandem_t_hits_total Hits with a \\\\ backslash\n"
		"# TYPE tandem_t_hits_total counter\n"
		"tandem_t_hits_total 12345678901\n"
		"# HELP tandem_t_requests_total Requests\n"
		"# TYPE tandem_t_requests_total counter\n"
		"tandem_t_requests_total{method=\"INVITE\",transport=\"udp\"} 3\n"
		"tandem_t_requests_total{method=\"we\\\"ird\\\\\\n\"} 1\n"
		"# HELP tandem_t_level A level\n"
		"# TYPE tandem_t_level gauge\n"
		"tandem_t_level 0.25\n"
		"# HELP tandem_t_duration_seconds Durations\n"
		"# TYPE tandem_t_duration_seconds histogram\n"
		"tandem_t_duration_seconds_bucket{le=\"0.001\"} 2\n"
		"tandem_t_duration_seconds_bucket{le=\"0.01\"} 2\n"
		"tandem_t_duration_seconds_bucket{le=\"0.1\"} 5\n"
		"tandem_t_duration_seconds_bucket{le=\"+Inf\"} 6\n"
		"tandem_t_duration_seconds_sum 0.75\n"
		"tandem_t_duration_seconds_count 6\n";

	CU_ASSERT_EQUAL_FATAL(tdm_stats_add_core_table("test", test_stats), 0);
	CU_ASSERT_EQUAL(tdm_stats_prometheus(&b), 0);
	CU_ASSERT_EQUAL(b.len, strlen(want));
	CU_ASSERT_TRUE(b.len == strlen(want) && !memcmp(b.data, want, b.len));
	if (b.len != strlen(want) || memcmp(b.data, want, b.len))
		fprintf(stderr, "got:\n%.*s", (int)b.len, b.data);
	tdm_buf_free(&b);
	tdm_rpc_clear_core_tables();
}

static void test_stats_json(void)
{
	const char *req = "{\"jsonrpc\":\"2.0\",\"method\":\"core.stats\",\"id\":1}";
	const char *req_prefix =
		"{\"jsonrpc\":\"2.0\",\"method\":\"core.stats\",\"id\":1,\"params\":[\"t_h\"]}";
	json_t *rep, *res, *arr;
	char *out;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(tdm_stats_add_core_table("test", test_stats), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_rpc_builtin_register(), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_rpc_handle(req, strlen(req), "t", &out, &len), 0);
	rep = json_loadb(out, len, 0, NULL);
	tdm_free(out);
	res = json_object_get(rep, "result");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(res, "t_hits_total")), 12345678901);
	CU_ASSERT_EQUAL(json_real_value(json_object_get(res, "t_level")), 0.25);
	arr = json_object_get(res, "t_requests_total");
	CU_ASSERT_EQUAL(json_array_size(arr), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(
		json_array_get(arr, 0), "labels"), "method")), "INVITE");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_array_get(arr, 0), "value")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(
		res, "t_duration_seconds"), "count")), 6);
	json_decref(rep);

	CU_ASSERT_EQUAL_FATAL(tdm_rpc_handle(req_prefix, strlen(req_prefix), "t", &out, &len), 0);
	rep = json_loadb(out, len, 0, NULL);
	tdm_free(out);
	res = json_object_get(rep, "result");
	CU_ASSERT_EQUAL(json_object_size(res), 1);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(res, "t_hits_total"));
	json_decref(rep);
	tdm_rpc_clear_core_tables();
}

static void test_stats_definition_rules(void)
{
	static const struct { struct tdm_stat_def d; const char *msg; } bad[] = {
		{ { "Bad", TDM_STAT_GAUGE, "h", .value = &t_hits }, "is not" },
		{ { "x_count", TDM_STAT_COUNTER, "h", .value = &t_hits }, "must end in _total" },
		{ { "x_total", TDM_STAT_GAUGE, "h", .value = &t_hits }, "is not a counter" },
		{ { "x", 0, "h", .value = &t_hits }, "no kind" },
		{ { "x", TDM_STAT_GAUGE, "", .value = &t_hits }, "one-line help" },
		{ { "x", TDM_STAT_GAUGE, "h", .value = NULL }, "exactly one of" },
		{ { "x", TDM_STAT_GAUGE, "h", .value = &t_hits, .read = t_read_level }, "exactly one of" },
		{ { "x", TDM_STAT_HISTOGRAM, "h", .value = &t_hits }, "exactly one of" },
	};
	char err[256];

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		CU_ASSERT_EQUAL(tdm_mod_check_stat(&bad[i].d, err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
	}
	for (const struct tdm_stat_def *d = test_stats; d->name; d++)
		CU_ASSERT_EQUAL(tdm_mod_check_stat(d, err, sizeof(err)), 0);
}

TDM_TEST_SUITE(rpc_stats,
	       TDM_TEST(test_stats_prometheus),
	       TDM_TEST(test_stats_json),
	       TDM_TEST(test_stats_definition_rules))
