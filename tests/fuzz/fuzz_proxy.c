/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer target for the proxy core: up to eight messages (separated by
 * a line "=====") go through the worker's receive path — parse, then
 * tdm_proxy_request / tdm_proxy_response, or tdm_proxy_bad_message — of
 * a proxy running a routing script that replies, relays, forks in
 * parallel and serially, and forwards statelessly. "BRANCH" in an input is
 * replaced by the branch of the last request the proxy sent, so responses
 * can reach its client transactions; "ADVANCE" lets the timers run as if
 * 40 s had passed. Whatever the bytes, the proxy must not crash, leak or
 * send a message that does not parse (except the 400 answering a request
 * that did not parse, which echoes its broken lines on purpose). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tandem/tandem.h>
#include "fuzz_check.h"
#include "proxy/proxy.h"
#include "script/reload.h"

static const char script[] =
	"settings { listen = [\"udp:127.0.0.1:5060\"] }\n"
	"transaction { tries = 0 }\n"
	"route request {\n"
	"  if (request.method == \"OPTIONS\" && request.uri.user == \"\") {\n"
	"    reply(200)\n"
	"    exit\n"
	"  }\n"
	"  if (request.uri.user == \"fwd\") { forward(\"sip:127.0.0.1:5070\"); exit }\n"
	"  if (request.uri.user == \"busy\") { reply(486, \"Busy Here\"); exit }\n"
	"  if (request.uri.user == \"fork\") { append_branch(\"sip:b@127.0.0.1:5072\") }\n"
	"  if (request.method != \"ACK\" && request.method != \"CANCEL\") { record_route() }\n"
	"  relay(\"sip:127.0.0.1:5071\")\n"
	"}\n"
	"route failure {\n"
	"  if (txn.tries < 2) {\n"
	"    txn.tries = txn.tries + 1\n"
	"    request.uri = \"sip:next@127.0.0.1:5073\"\n"
	"    relay()\n"
	"  }\n"
	"}\n"
	"route reply { log(debug, \"reply ${reply.code}\") }\n"
	"route branch { add_header(\"X-Branch\", \"1\") }\n";

static struct tdm_listen listen_udp = {
	.proto = TDM_PROTO_UDP, .host = "127.0.0.1", .port = 5060,
};
static char last_branch[TDM_TXN_BRANCH_MAX];
static unsigned sent;
static bool answering_garbage; /* inside tdm_proxy_bad_message */

/* Every message the proxy sends must parse; remembers the branch of the
 * last request so the next input part can answer it. */
static int capture(void *arg, const struct tdm_dest *d, const char *data,
		   size_t len, uint64_t cookie)
{
	struct tdm_sip_msg *m;

	(void)arg, (void)d, (void)cookie;
	sent++;
	if (answering_garbage)
		return 0;
	CHECK(tdm_sip_msg_parse(&m, NULL, data, len, NULL, NULL) == 0);
	if (m->is_request && m->via1.branch.len < sizeof(last_branch)) {
		memcpy(last_branch, m->via1.branch.s, m->via1.branch.len);
		last_branch[m->via1.branch.len] = 0;
	}
	tdm_sip_msg_free(m);
	return 0;
}

static struct tdm_scr_program *program(void)
{
	static struct tdm_scr_program *p;
	char path[] = "/tmp/fuzz-proxy-XXXXXX";
	struct tdm_buf report = { 0 };
	int fd;

	if (p)
		return p;
	tdm_log_set_default_level(TDM_LOG_ERROR);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, script, sizeof(script) - 1) == (ssize_t)(sizeof(script) - 1));
	close(fd);
	if (tdm_scr_reload(path, &report))
		fprintf(stderr, "%.*s", (int)report.len, report.data);
	unlink(path);
	tdm_buf_free(&report);
	p = tdm_scr_current();
	CHECK(p != NULL);
	return p;
}

/* One part: "BRANCH" replaced, then through the receive path. */
static void feed(struct tdm_proxy *p, const char *part, size_t len)
{
	struct tdm_buf b = { 0 };
	struct tdm_rcv rcv = { .proto = TDM_PROTO_UDP, .listen = &listen_udp };
	struct tdm_sip_msg *m;
	struct tdm_sip_error err;

	for (size_t i = 0; i < len; i++) {
		if (len - i >= 6 && !memcmp(part + i, "BRANCH", 6)) {
			tdm_buf_append_c(&b, last_branch);
			i += 5;
		} else {
			tdm_buf_append(&b, part + i, 1);
		}
	}
	tdm_addr_parse(&rcv.src, &TDM_STR("127.0.0.1:5080"), NULL);
	if (b.err || !b.len) {
		tdm_buf_free(&b);
		return;
	}
	if (tdm_sip_msg_parse(&m, NULL, b.data, b.len, NULL, &err)) {
		answering_garbage = true;
		tdm_proxy_bad_message(p, b.data, b.len, &rcv, err.reason);
		answering_garbage = false;
	}
	else if (m->is_request)
		tdm_proxy_request(p, m, &rcv);
	else
		tdm_proxy_response(p, m, &rcv);
	tdm_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n=====\n";
	struct tdm_proxy_cfg cfg = {
		.listens = &listen_udp, .nlisten = 1, .timer_c_ms = 180000,
		.udp_mtu = 1300,
		.txn = { .t1 = 500, .t2 = 4000, .t4 = 5000, .linger = 5000,
			 .max_server = 1000 },
	};
	const char *p = (const char *)data, *end = p + size;
	struct tdm_loop *l;
	struct tdm_proxy *px;

	tdm_addr_parse(&listen_udp.addr, &TDM_STR("127.0.0.1:5060"), NULL);
	last_branch[0] = 0;
	CHECK(tdm_loop_new(&l) == 0);
	CHECK(tdm_proxy_new(&px, l, 0, &cfg, capture, NULL, NULL) == 0);
	tdm_proxy_set_program(px, program());
	for (unsigned n = 0; n < 8 && p < end; n++) {
		const char *s = memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1);
		size_t len = s ? (size_t)(s - p) : (size_t)(end - p);
		if (len == 7 && !memcmp(p, "ADVANCE", 7))
			tdm_wheel_advance(tdm_loop_wheel(l),
					  tdm_wheel_now(tdm_loop_wheel(l)) + 40000);
		else
			feed(px, p, len);
		p += len + (s ? sizeof(sep) - 1 : 0);
	}
	tdm_proxy_free(px);
	tdm_loop_run_once(l, 0);
	tdm_loop_free(l);
	return 0;
}
