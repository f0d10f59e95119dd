/* SPDX-License-Identifier: GPL-2.0-or-later
 * bench_proxy: userland CPU of the proxy's hot paths, in process and
 * without sockets: datagrams are parsed and handed to a real struct
 * tdm_proxy (one worker, a real loop and timer wheel, a compiled routing
 * script) the way core/node/worker.c does, and what the proxy sends is
 * captured in memory instead of going to the kernel. Next hops are
 * numeric, resolved by the worker's resolver without a query. Each scenario
 * plays what SIPp's scenarios of tools/bench/sip-bench put on the wire:
 *
 *   options      OPTIONS in, 200 out (stateless reply)                 2 msgs
 *   invite-call  INVITE in, 100 + INVITE out, 100/180/200 in, 180/200
 *                out, ACK in/out (stateless), BYE in/out, 200 in/out  14 msgs
 *   message      MESSAGE in/out, 200 in/out (stateful relay)           4 msgs
 *
 * Only the parse + proxy calls (and the loop iterations that fire the
 * timers) are timed; building the incoming datagrams is not. Prints, per
 * scenario, nanoseconds per call (median of the rounds), messages per
 * call and heap allocations per call (tdm_malloc/tdm_calloc/tdm_realloc
 * calls, counted by wrapping them at link time: see local.mk).
 * Transactions linger 100 ms instead of 5 s (-l) so that their end is
 * paid inside the rounds. See tools/bench/README.md and
 * docs/performance.md. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/tandem.h>
#include "dns/dns.h"
#include "proxy/proxy.h"
#include "script/program.h"
#include "script/diag.h"
#include "bench_util.h"

/* ---- allocation counting (ld --wrap) ------------------------------------ */

void *__real_tdm_malloc(size_t size);
void *__real_tdm_calloc(size_t n, size_t size);
void *__real_tdm_realloc(void *p, size_t size);
void *__wrap_tdm_malloc(size_t size);
void *__wrap_tdm_calloc(size_t n, size_t size);
void *__wrap_tdm_realloc(void *p, size_t size);

static unsigned long long nalloc;

void *__wrap_tdm_malloc(size_t size)
{
	nalloc++;
	return __real_tdm_malloc(size);
}

void *__wrap_tdm_calloc(size_t n, size_t size)
{
	nalloc++;
	return __real_tdm_calloc(n, size);
}

void *__wrap_tdm_realloc(void *p, size_t size)
{
	nalloc++;
	return __real_tdm_realloc(p, size);
}

/* ---- the routing script --------------------------------------------------- */

static const char script[] =
	"route request {\n"
	"    if (request.method == \"OPTIONS\") {\n"
	"        reply(200)\n"
	"        exit\n"
	"    }\n"
	"    if (request.method == \"REGISTER\") {\n"
	"        reply(200)\n"
	"        exit\n"
	"    }\n"
	"    if (request.uri.user == \"uas\") {\n"
	"        request.uri = \"sip:uas@127.0.0.1:15090\"\n"
	"    }\n"
	"    if (request.method != \"ACK\" && request.method != \"CANCEL\") {\n"
	"        record_route()\n"
	"    }\n"
	"    relay()\n"
	"}\n";

/* ---- what the proxy sends --------------------------------------------------- */

#define CAP_MAX 8

struct cap {
	char data[4096];
	size_t len;
	uint16_t port; /* destination port */
};

static struct cap sent[CAP_MAX];
static unsigned nsent;          /* in the current delivery */
static unsigned long long total_sent;
static int verbose;             /* -v 1: print the first call's messages */

/* The node's send (tdm_txn_send_fn): one copy, as tdm_udp_queue makes. */
static int cap_send(void *arg, const struct tdm_dest *d, const char *data,
		    size_t len, uint64_t cookie)
{
	struct cap *c = &sent[nsent++ % CAP_MAX];

	(void)arg;
	(void)cookie;
	if (len > sizeof(c->data))
		len = sizeof(c->data);
	memcpy(c->data, data, len);
	c->len = len;
	c->port = tdm_addr_port(&d->addr);
	total_sent++;
	return 0;
}

/* ---- the proxy under test ----------------------------------------------- */

struct bench {
	struct tdm_loop *loop;
	struct tdm_dns *dns;
	struct tdm_proxy *p;
	struct tdm_listen listen;
	struct tdm_rcv from_uac, from_uas;
	double ns;             /* timed sections, this round */
	double clock_ns;       /* cost of one empty timed section */
	unsigned long long in; /* datagrams delivered */
};

/* What the worker does with a datagram (worker.c handle()): parse, then
 * the proxy. Not inlined, so callgrind can count it alone
 * (--toggle-collect=deliver). */
__attribute__((noinline)) static void deliver(struct bench *b, const char *data,
					      size_t len, const struct tdm_rcv *rcv)
{
	struct tdm_sip_msg *m;

	if (tdm_sip_msg_parse(&m, NULL, data, len, NULL, NULL)) {
		fprintf(stderr, "bench_proxy: our datagram does not parse:\n%.*s\n",
			(int)len, data);
		exit(1);
	}
	if (m->is_request)
		tdm_proxy_request(b->p, m, rcv);
	else if (tdm_txn_branch_worker(&m->via1.branch) >= 0)
		tdm_proxy_response(b->p, m, rcv);
	else
		tdm_sip_msg_free(m);
}

/* One timed delivery; checks that `want` messages went out. */
static void in(struct bench *b, const char *data, size_t len,
	       const struct tdm_rcv *rcv, unsigned want)
{
	double t0 = bench_now_ns();

	nsent = 0;
	deliver(b, data, len, rcv);
	b->ns += bench_now_ns() - t0;
	b->in++;
	if (verbose) {
		printf("=== in:\n%.*s", (int)len, data);
		for (unsigned i = 0; i < nsent && i < CAP_MAX; i++)
			printf("=== out to port %u:\n%.*s", sent[i].port,
			       (int)sent[i].len, sent[i].data);
	}
	if (nsent != want) {
		fprintf(stderr, "bench_proxy: %u messages sent for (want %u):\n%.*s\n",
			nsent, want, (int)len, data);
		for (unsigned i = 0; i < nsent && i < CAP_MAX; i++)
			fprintf(stderr, "--- sent %u:\n%.*s\n", i,
				(int)sent[i].len, sent[i].data);
		exit(1);
	}
}

/* Loop iterations fire the timers (retransmissions stopped, lingering
 * transactions ended): part of the proxy's cost, timed. */
__attribute__((noinline)) static void run_timers(struct bench *b)
{
	double t0 = bench_now_ns();

	tdm_loop_run_once(b->loop, 0);
	b->ns += bench_now_ns() - t0;
}

/* The message sent to `port` in the last delivery. */
static const struct cap *sent_to(uint16_t port)
{
	for (unsigned i = 0; i < nsent && i < CAP_MAX; i++)
		if (sent[i].port == port)
			return &sent[i];
	fprintf(stderr, "bench_proxy: nothing sent to port %u\n", port);
	exit(1);
}

/* ---- building datagrams (not timed) ---------------------------------------- */

struct mb {
	char s[4096];
	size_t len;
};

static void put(struct mb *m, const char *s)
{
	size_t n = strlen(s);

	memcpy(m->s + m->len, s, n);
	m->len += n;
}

static void put_u(struct mb *m, unsigned long long v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		m->s[m->len++] = d[--n];
}

/* SIPp's [last_NAME:]: every header line of msg named `name`, as it is. */
static void last_hdr(struct mb *m, const struct cap *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *p = memchr(msg->data, '\n', msg->len), *end = msg->data + msg->len;

	while (p && ++p < end && *p != '\r') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			break;
		if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			memcpy(m->s + m->len, p, (size_t)(eol + 1 - p));
			m->len += (size_t)(eol + 1 - p);
		}
		p = eol;
	}
}

/* The body after its headers, with Content-Length in front. */
static void put_body(struct mb *m, const char *body)
{
	put(m, "Content-Length: ");
	put_u(m, strlen(body));
	put(m, "\r\n\r\n");
	put(m, body);
}

static const char uac_sdp[] =
	"v=0\r\n"
	"o=- 1 1 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

static const char uas_sdp[] =
	"v=0\r\n"
	"o=- 2 2 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 41000 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

/* The first lines of a UAC request (SIPp's uac_*.xml): start line, Via
 * with a new branch, [routes], Max-Forwards, From, To, Call-ID, CSeq. */
static void uac_head(struct mb *m, const char *method, const char *ruri,
		     bool route, unsigned long long call, unsigned msg,
		     char kind, bool to_tag, unsigned cseq, const char *cseq_m)
{
	m->len = 0;
	put(m, method);
	put(m, " ");
	put(m, ruri);
	put(m, " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-4242-");
	put_u(m, call);
	put(m, "-");
	put_u(m, msg);
	put(m, "\r\n");
	if (route)
		put(m, "Route: <sip:127.0.0.1:5060;lr>\r\n");
	put(m, "Max-Forwards: 70\r\nFrom: <sip:caller@bench.local>;tag=4242");
	m->s[m->len++] = kind;
	put_u(m, call);
	put(m, "\r\nTo: <sip:uas@bench.local>");
	if (to_tag) {
		put(m, ";tag=4343u");
		put_u(m, call);
	}
	put(m, "\r\nCall-ID: ");
	put_u(m, call);
	put(m, "-4242@127.0.0.1\r\nCSeq: ");
	put_u(m, cseq);
	put(m, " ");
	put(m, cseq_m);
	put(m, "\r\n");
}

/* A UAS response (SIPp's uas_*.xml) to the request `req` the proxy sent:
 * its Vias (and Record-Route when rr), From, To with the UAS tag, Call-ID
 * and CSeq; then the rest. */
static void uas_head(struct mb *m, const char *status, const struct cap *req,
		     bool rr, bool tag, unsigned long long call)
{
	m->len = 0;
	put(m, "SIP/2.0 ");
	put(m, status);
	put(m, "\r\n");
	last_hdr(m, req, "Via");
	if (rr)
		last_hdr(m, req, "Record-Route");
	last_hdr(m, req, "From");
	last_hdr(m, req, "To");
	if (tag) { /* [last_To:];tag=... : before the CRLF just copied */
		m->len -= 2;
		put(m, ";tag=4343u");
		put_u(m, call);
		put(m, "\r\n");
	}
	last_hdr(m, req, "Call-ID");
	last_hdr(m, req, "CSeq");
}

/* ---- scenarios --------------------------------------------------------------- */

static unsigned long long call_no;

static void call_options(struct bench *b)
{
	struct mb m;
	unsigned long long c = ++call_no;

	uac_head(&m, "OPTIONS", "sip:127.0.0.1:5060", false, c, 1, 'o', false, 1,
		 "OPTIONS");
	put(&m, "Contact: <sip:caller@127.0.0.1:5070>\r\nAccept: application/sdp\r\n");
	put_body(&m, "");
	in(b, m.s, m.len, &b->from_uac, 1);
}

static void call_invite(struct bench *b)
{
	struct mb m, r;
	struct cap inv, bye;
	unsigned long long c = ++call_no;

	uac_head(&m, "INVITE", "sip:uas@127.0.0.1:5060", false, c, 1, 'i', false, 1,
		 "INVITE");
	put(&m, "Contact: <sip:caller@127.0.0.1:5070>\r\nUser-Agent: sipbench\r\n"
		"Content-Type: application/sdp\r\n");
	put_body(&m, uac_sdp);
	in(b, m.s, m.len, &b->from_uac, 2); /* 100 Trying + INVITE */
	inv = *sent_to(15090);

	uas_head(&r, "100 Trying", &inv, false, false, c);
	put_body(&r, "");
	in(b, r.s, r.len, &b->from_uas, 0);

	uas_head(&r, "180 Ringing", &inv, true, true, c);
	put(&r, "Contact: <sip:uas@127.0.0.1:15090>\r\n");
	put_body(&r, "");
	in(b, r.s, r.len, &b->from_uas, 1);

	uas_head(&r, "200 OK", &inv, true, true, c);
	put(&r, "Contact: <sip:uas@127.0.0.1:15090>\r\nContent-Type: application/sdp\r\n");
	put_body(&r, uas_sdp);
	in(b, r.s, r.len, &b->from_uas, 1);

	uac_head(&m, "ACK", "sip:uas@127.0.0.1:15090", true, c, 2, 'i', true, 1, "ACK");
	put(&m, "Contact: <sip:caller@127.0.0.1:5070>\r\n");
	put_body(&m, "");
	in(b, m.s, m.len, &b->from_uac, 1);

	uac_head(&m, "BYE", "sip:uas@127.0.0.1:15090", true, c, 3, 'i', true, 2, "BYE");
	put(&m, "Contact: <sip:caller@127.0.0.1:5070>\r\n");
	put_body(&m, "");
	in(b, m.s, m.len, &b->from_uac, 1);
	bye = *sent_to(15090);

	uas_head(&r, "200 OK", &bye, false, false, c);
	put_body(&r, "");
	in(b, r.s, r.len, &b->from_uas, 1);
}

static void call_message(struct bench *b)
{
	struct mb m, r;
	struct cap msg;
	unsigned long long c = ++call_no;
	char body[128];

	uac_head(&m, "MESSAGE", "sip:uas@127.0.0.1:5060", false, c, 1, 'm', false, 1,
		 "MESSAGE");
	put(&m, "User-Agent: sipbench\r\nContent-Type: text/plain\r\n");
	snprintf(body, sizeof(body),
		 "benchmark message %llu from sipbench, hello world.\r\n", c);
	put_body(&m, body);
	in(b, m.s, m.len, &b->from_uac, 1);
	msg = *sent_to(15090);

	uas_head(&r, "200 OK", &msg, false, true, c);
	put_body(&r, "");
	in(b, r.s, r.len, &b->from_uas, 1);
}

static const struct scenario {
	const char *name;
	void (*call)(struct bench *b);
} scenarios[] = {
	{ "options", call_options },
	{ "invite-call", call_invite },
	{ "message", call_message },
};

/* ---- set-up and rounds ------------------------------------------------------ */

static struct tdm_scr_program *load_script(void)
{
	char path[] = "/tmp/bench_proxy_XXXXXX";
	struct tdm_scr_program *prog = NULL;
	struct tdm_scr_diag d;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, script, sizeof(script) - 1) !=
			      (ssize_t)(sizeof(script) - 1)) {
		perror("bench_proxy: temporary script");
		exit(1);
	}
	close(fd);
	tdm_scr_diag_init(&d);
	if (tdm_scr_load_file(path, &d, &prog)) {
		tdm_scr_diag_print(&d, stderr);
		prog = NULL;
	}
	tdm_scr_diag_fini(&d);
	unlink(path);
	if (!prog)
		exit(1);
	return prog;
}

static void addr(struct tdm_addr *a, const char *text)
{
	struct tdm_str t = tdm_str_c(text);

	if (tdm_addr_parse(a, &t, NULL))
		abort();
}

static void bench_init(struct bench *b, struct tdm_scr_program *prog,
		       unsigned linger)
{
	struct tdm_proxy_cfg cfg = {
		.listens = &b->listen, .nlisten = 1,
		.timer_c_ms = 180000, .udp_mtu = 1300,
		.txn = { .t1 = 500, .t2 = 4000, .t4 = linger, .linger = linger,
			 .max_server = 1000000 },
	};

	memset(b, 0, sizeof(*b));
	b->listen = (struct tdm_listen){ .proto = TDM_PROTO_UDP, .port = 5060 };
	addr(&b->listen.addr, "127.0.0.1:5060");
	strcpy(b->listen.host, "127.0.0.1");
	b->from_uac = (struct tdm_rcv){ .proto = TDM_PROTO_UDP, .listen = &b->listen };
	addr(&b->from_uac.src, "127.0.0.1:5070");
	b->from_uas = b->from_uac;
	addr(&b->from_uas.src, "127.0.0.1:15090");
	if (tdm_loop_new(&b->loop) || tdm_dns_new(&b->dns, b->loop) ||
	    tdm_proxy_new(&b->p, b->loop, 0, &cfg, cap_send, NULL, b->dns)) {
		fprintf(stderr, "bench_proxy: cannot create the proxy\n");
		exit(1);
	}
	tdm_proxy_set_program(b->p, prog);
}

/* Waits (not timed) until every transaction has ended. */
static void bench_drain(struct bench *b)
{
	struct tdm_txn_stats st;

	for (int i = 0; i < 1000; i++) {
		tdm_txns_stats(tdm_proxy_txns(b->p), &st);
		if (!st.server && !st.client)
			return;
		tdm_loop_run_once(b->loop, 10);
	}
	fprintf(stderr, "bench_proxy: transactions left after the run\n");
}

static void bench_fini(struct bench *b)
{
	tdm_proxy_free(b->p);
	tdm_dns_free(b->dns);
	tdm_loop_run_once(b->loop, 0);
	tdm_loop_free(b->loop);
}

/* The clock's cost: one empty timed section. */
static double clock_cost(void)
{
	double v[9];

	for (int r = 0; r < 9; r++) {
		double t0 = bench_now_ns(), sum = 0;
		for (int i = 0; i < 10000; i++) {
			double a = bench_now_ns();
			sum += bench_now_ns() - a;
		}
		(void)t0;
		v[r] = sum / 10000;
	}
	return bench_median(v, 9);
}

static void run(const struct scenario *s, struct tdm_scr_program *prog,
		int rounds, int calls, unsigned linger, double clk)
{
	struct bench b;
	double ns[32];
	unsigned long long a0, s0, in0;
	long live0 = tdm_alloc_live();

	bench_init(&b, prog, linger);
	if (verbose) {
		s->call(&b);
		verbose = 0;
	}
	for (int i = 0; i < calls / 10 + 1; i++) { /* warm-up: tables, arenas */
		s->call(&b);
		if (!(i & 63))
			run_timers(&b);
	}
	a0 = nalloc;
	s0 = total_sent;
	in0 = b.in;
	for (int r = 0; r < rounds; r++) {
		unsigned long long in_r = b.in;
		b.ns = 0;
		for (int i = 0; i < calls; i++) {
			s->call(&b);
			if (!(i & 63))
				run_timers(&b);
		}
		ns[r] = (b.ns - clk * (double)(b.in - in_r + (unsigned)calls / 64 + 1)) /
			calls;
	}
	printf("bench_proxy scenario=%s ns_per_call=%.0f msgs_per_call=%.0f "
	       "allocs_per_call=%.2f rounds=%d calls=%d\n",
	       s->name, bench_median(ns, rounds),
	       (double)(b.in - in0 + total_sent - s0) / ((double)rounds * calls),
	       (double)(nalloc - a0) / ((double)rounds * calls), rounds, calls);
	fflush(stdout);
	bench_drain(&b);
	bench_fini(&b);
	if (tdm_alloc_live() != live0)
		fprintf(stderr, "bench_proxy: %ld blocks not freed after %s\n",
			tdm_alloc_live() - live0, s->name);
}

int main(int argc, char **argv)
{
	int rounds = 5, calls = 20000;
	unsigned linger = 100;
	const char *only = NULL;
	struct tdm_scr_program *prog;
	char err[256];
	double clk;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-r"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			calls = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-l"))
			linger = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-v"))
			verbose = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-s"))
			only = argv[i + 1];
		else
			rounds = 0;
	}
	if (rounds < 1 || rounds > 32 || calls < 1 || linger < 10) {
		fprintf(stderr, "usage: bench_proxy [-r ROUNDS (1-32)] [-n CALLS] "
				"[-l LINGER_MS (>= 10)] [-s options|invite-call|message]\n"
				"       [-v 1: print the messages of one call]\n");
		return 2;
	}
	tdm_log_set_level("proxy", TDM_LOG_ERROR);
	tdm_log_set_level("txn", TDM_LOG_ERROR);
	tdm_log_set_level("script", TDM_LOG_ERROR);
	/* as the node sets it up (core/node/node.c); numeric next hops, as
	 * here, are resolved without a query */
	if (tdm_dns_global_init(&(struct tdm_dns_cfg){ .servers = "127.0.0.1:53",
						       .have_udp = true },
				err, sizeof(err))) {
		fprintf(stderr, "bench_proxy: %s\n", err);
		return 1;
	}
	prog = load_script();
	clk = clock_cost();
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!only || !strcmp(only, scenarios[i].name))
			run(&scenarios[i], prog, rounds, calls, linger, clk);
	tdm_scr_program_unref(prog);
	tdm_dns_global_free();
	return 0;
}
