/* SPDX-License-Identifier: GPL-2.0-or-later
 * The admin API's own cost, without HTTP: one JSON-RPC call through the
 * dispatcher (parse, lookup, parameter binding, reply), and one /metrics
 * rendering of a node-sized registry (15 methods x 5 transports of
 * request counters, reply classes, 1,000 domains of a labelled gauge,
 * a histogram). Prints medians of 9 rounds. */
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include <tandem/log.h>
#include "rpc/registry.h"
#include "bench_util.h"

static atomic_ulong counter = 42;

static void read_requests(struct tdm_stat_out *o)
{
	static const char *const methods[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO",
		"UPDATE", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "MESSAGE",
		"REFER", "OTHER" };
	static const char *const tports[] = { "udp", "tcp", "tls", "ws", "wss" };

	for (unsigned m = 0; m < 15; m++)
		for (unsigned t = 0; t < 5; t++)
			tdm_stat_sample(o, 1000.0 * m + t, "method", methods[m],
					"transport", tports[t], NULL);
}

static void read_domains(struct tdm_stat_out *o)
{
	char d[32];

	for (unsigned i = 0; i < 1000; i++) {
		snprintf(d, sizeof(d), "d%u.example.org", i);
		tdm_stat_sample(o, i, "domain", d, NULL);
	}
}

static void read_hist(struct tdm_stat_out *o)
{
	static const double b[] = { 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 };
	static const uint64_t c[] = { 5, 4, 3, 2, 1, 0, 0, 0, 0, 1 };

	tdm_stat_histogram(o, b, c, 9, 1.25, NULL);
}

static const struct tdm_stat_def stats[] = {
	{ "bench_requests_total", TDM_STAT_COUNTER, "Requests", .read = read_requests },
	{ "bench_contacts", TDM_STAT_GAUGE, "Contacts by domain", .read = read_domains },
	{ "bench_duration_seconds", TDM_STAT_HISTOGRAM, "Durations", .read = read_hist },
	{ "bench_plain_total", TDM_STAT_COUNTER, "Plain", .value = &counter },
	TDM_STAT_END
};

static int echo(struct tdm_rpc *r)
{
	struct tdm_rpc_val *o = tdm_rpc_result_object(r);

	tdm_rpc_add_str(o, "aor", tdm_rpc_str(r, 0));
	tdm_rpc_add_int(o, "n", tdm_rpc_int(r, 1, 0));
	return 0;
}

static const struct tdm_rpc_def rpcs[] = {
	{ "bench.echo", echo, "aor:str [n:int]", "Echoes" },
	TDM_RPC_END
};

int main(void)
{
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"method\":\"bench.echo\","
				  "\"params\":[\"alice@example.org\",3],\"id\":1}";
	double call[9], scrape[9];
	size_t bytes = 0;

	tdm_log_set_default_level(TDM_LOG_WARN);
	if (tdm_rpc_add_core_table("bench", rpcs) || tdm_stats_add_core_table("bench", stats))
		return 1;
	for (int round = 0; round < 9; round++) {
		double t0 = bench_now_ns();
		for (int i = 0; i < 20000; i++) {
			char *out;
			size_t len;
			if (tdm_rpc_handle(req, sizeof(req) - 1, "bench", &out, &len))
				return 1;
			tdm_free(out);
		}
		call[round] = (bench_now_ns() - t0) / 20000 / 1000;
		t0 = bench_now_ns();
		for (int i = 0; i < 200; i++) {
			struct tdm_buf b = { 0 };
			if (tdm_stats_prometheus(&b))
				return 1;
			bytes = b.len;
			tdm_buf_free(&b);
		}
		scrape[round] = (bench_now_ns() - t0) / 200 / 1000;
	}
	printf("rpc call (dispatcher, no HTTP): %.2f us median\n", bench_median(call, 9));
	printf("metrics render (1,091 series, %zu bytes): %.1f us median\n", bytes,
	       bench_median(scrape, 9));
	tdm_rpc_clear_core_tables();
	return 0;
}
