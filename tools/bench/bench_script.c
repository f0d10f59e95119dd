/* SPDX-License-Identifier: GPL-2.0-or-later
 * bench_script: cost of running a realistic 30-line request route (method
 * tests, a regex match with a capture, header reads, string building, a
 * named-route call, a Request-URI rewrite, a header added) over an INVITE,
 * and of compiling a 2,000-line script. Prints medians. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/log.h>
#include "script/program.h"
#include "script/script.h"
#include "bench_util.h"

static const char route_src[] =
	"transaction { callee = \"\" }\n"
	"route request {\n"
	"    if (request.method == \"OPTIONS\" && request.uri.user == \"\") { reply(200); exit }\n"
	"    if (cseq < 1) { reply(400, \"Bad CSeq\"); exit }\n"
	"    let ua = header(\"User-Agent\")\n"
	"    if (ua =~ /friendly-scanner|sipvicious/i) { drop }\n"
	"    match request.method {\n"
	"        \"REGISTER\" => { reply(405); exit }\n"
	"        \"INVITE\", \"MESSAGE\" => { route(call) }\n"
	"        else => { reply(501); exit }\n"
	"    }\n"
	"}\n"
	"route call {\n"
	"    if (!(request.uri.host in [\"example.com\", \"example.org\", \"example.net\"])) {\n"
	"        reply(404, \"Not Here\")\n"
	"        return\n"
	"    }\n"
	"    let caller = from.uri.user + \"@\" + from.uri.host\n"
	"    if (request.uri.user =~ /^\\+?1?(\\d{10})$/) {\n"
	"        request.uri.user = capture(1)\n"
	"    }\n"
	"    txn.callee = request.uri.user\n"
	"    if (has_header(\"X-Prio\") && header(\"X-Prio\") == \"high\") {\n"
	"        add_header(\"X-Queue\", \"fast\")\n"
	"    }\n"
	"    log(debug, \"call from ${caller} to ${txn.callee} via ${source.ip}:${source.port}\")\n"
	"    record_route()\n"
	"    relay()\n"
	"}\n";

static const char invite[] =
	"INVITE sip:+15551234567@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK74bf9;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
	"To: <sip:+15551234567@example.com>\r\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.101:5060>\r\n"
	"User-Agent: Tandem-Softphone/1.4.2\r\n"
	"X-Prio: high\r\n"
	"Content-Length: 0\r\n\r\n";

static struct tdm_scr_program *compile(const char *src, size_t len)
{
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast;
	struct tdm_scr_program *p = NULL;

	tdm_scr_diag_init(&d);
	tdm_arena_new(&a, 1 << 20);
	if (tdm_scr_parse_string("bench.route", src, len, &d, a, &ast) ||
	    tdm_scr_compile(ast, &d, &p))
		tdm_scr_diag_print(&d, stderr);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
	return p;
}

/* One iteration: parse the INVITE into the reused arena (not timed), then
 * set up the route context and run the route (timed, as a worker would
 * for each request). Returns the nanoseconds of the run, or of an empty
 * timed section when run is 0 (the clock's own cost). */
static double iteration(struct tdm_scr_program *p, struct tdm_arena *a, int run)
{
	static const struct tdm_scr_source src = { TDM_STR("192.0.2.101"), 5060,
						   TDM_STR("udp") };
	struct tdm_sip_msg *m;
	struct tdm_scr_ctx x;
	double t0, t1;

	tdm_arena_reset(a);
	if (tdm_sip_msg_parse(&m, a, invite, sizeof(invite) - 1, NULL, NULL))
		abort();
	t0 = bench_now_ns();
	if (run) {
		tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, m, NULL, &src);
		if (tdm_scr_run(p, TDM_ROUTE_REQUEST, &x) ||
		    x.decision.action != TDM_SCR_ACT_RELAY)
			abort();
	}
	t1 = bench_now_ns();
	return t1 - t0;
}

static void bench_run(int rounds, int iters)
{
	struct tdm_scr_program *p = compile(route_src, sizeof(route_src) - 1);
	struct tdm_arena *a;
	double run[32], clock_cost[32];

	if (!p)
		exit(1);
	tdm_arena_new(&a, 65536);
	for (int i = 0; i < iters / 10; i++)
		iteration(p, a, 1);
	for (int r = 0; r < rounds; r++) {
		double sum = 0, empty = 0;
		for (int i = 0; i < iters; i++)
			sum += iteration(p, a, 1);
		for (int i = 0; i < iters; i++)
			empty += iteration(p, a, 0);
		run[r] = sum / iters;
		clock_cost[r] = empty / iters;
	}
	printf("bench_script case=route30 ns_per_run=%.0f clock_ns=%.0f rounds=%d iters=%d\n",
	       bench_median(run, rounds) - bench_median(clock_cost, rounds),
	       bench_median(clock_cost, rounds), rounds, iters);
	tdm_arena_free(a);
	tdm_scr_program_unref(p);
}

/* A 2,000-line script: many named routes of ten lines each. */
static void bench_compile(int rounds)
{
	struct tdm_buf b = TDM_BUF_INIT;
	double t[32];
	int lines = 0, r;

	tdm_buf_append_c(&b, "transaction { n = 0 }\nroute request {\n");
	for (int i = 0; i < 195; i++)
		tdm_buf_printf(&b, "    if (request.uri.user == \"u%d\") { route(r%d) }\n", i, i);
	tdm_buf_append_c(&b, "    relay()\n}\n");
	for (int i = 0; i < 195; i++)
		tdm_buf_printf(&b,
			"route r%d {\n"
			"    let who = from.uri.user + \"-%d\"\n"
			"    if (request.method =~ /^(INVITE|MESSAGE)$/ && cseq > %d) {\n"
			"        txn.n = txn.n + 1\n"
			"        add_header(\"X-R\", \"${who} ${txn.n}\")\n"
			"    } else {\n"
			"        log(debug, \"r%d skipped for ${who}\")\n"
			"    }\n"
			"}\n", i, i, i, i);
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	for (r = 0; r < rounds; r++) {
		double t0 = bench_now_ns();
		struct tdm_scr_program *p = compile(b.data, b.len);
		t[r] = (bench_now_ns() - t0) / 1e6;
		if (!p)
			exit(1);
		tdm_scr_program_unref(p);
	}
	printf("bench_script case=compile lines=%d ms=%.2f rounds=%d\n", lines,
	       bench_median(t, rounds), rounds);
	tdm_buf_free(&b);
}

int main(int argc, char **argv)
{
	int rounds = 9, iters = 200000;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-r"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			iters = atoi(argv[i + 1]);
	}
	if (rounds < 1 || rounds > 32 || iters < 1) {
		fprintf(stderr, "usage: bench_script [-r ROUNDS (1-32)] [-n ITERATIONS]\n");
		return 2;
	}
	tdm_log_set_level("script", TDM_LOG_ERROR);
	bench_run(rounds, iters);
	bench_compile(rounds);
	return 0;
}
