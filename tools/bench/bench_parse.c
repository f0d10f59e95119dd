/* SPDX-License-Identifier: GPL-2.0-or-later
 * bench_parse: nanoseconds per message of the SIP parser, eager parse alone
 * (what every received message costs) and eager + tdm_sip_msg_parse_all
 * (every header decoded), on an INVITE with SDP, a REGISTER with
 * credentials and a 200 OK. Median of several rounds; see README.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/tandem.h>
#include "bench_util.h"

#ifndef TDM_TESTS_DIR
#define TDM_TESTS_DIR "tests"
#endif

/* Fallbacks, used when tests/unit/sip/msgs/misc/ is not there. */
static const char invite_sdp[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n"
	"Via: SIP/2.0/TCP proxy.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.101\r\n"
	"Max-Forwards: 70\r\n"
	"Record-Route: <sip:proxy.atlanta.example.com;lr>\r\n"
	"Route: <sip:ss1.biloxi.example.com;lr>\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.example.com;transport=udp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"\r\n"
	"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, UPDATE, PRACK\r\n"
	"Supported: replaces, timer, 100rel, path, gruu\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"User-Agent: Tandem-bench/0.1\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 251\r\n"
	"\r\n"
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n"
	"s=Session SDP\r\n"
	"c=IN IP4 192.0.2.101\r\n"
	"t=0 0\r\n"
	"m=audio 49172 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=sendrecv\r\n";

static const char register_auth[] =
	"REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;rport\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\n"
	"CSeq: 1827 REGISTER\r\n"
	"Contact: <sip:bob@192.0.2.4;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1\r\n"
	"Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", "
	"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.biloxi.example.com\", "
	"response=\"245f23415f11432b3434341c022\", algorithm=MD5, "
	"cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
	"Supported: path, gruu, outbound\r\n"
	"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, NOTIFY\r\n"
	"User-Agent: Tandem-bench/0.1\r\n"
	"Expires: 3600\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char ok200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3\r\n"
	"Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n"
	"Record-Route: <sip:server10.biloxi.example.com;lr>, <sip:bigbox3.site3.atlanta.example.com;lr>\r\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:bob@192.0.2.4>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

struct msg {
	const char *name;
	const char *file;     /* under tests/unit/sip/msgs/misc/ */
	const char *fallback;
	char *data;
	size_t len;
	const char *source;   /* "file" or "builtin" */
};

static struct msg msgs[] = {
	{ "invite", "invite_sdp.sip", invite_sdp, NULL, 0, NULL },
	{ "register", "register_auth.sip", register_auth, NULL, 0, NULL },
	{ "ok200", "ok200.sip", ok200, NULL, 0, NULL },
};

static void load(struct msg *m)
{
	char path[512];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/unit/sip/msgs/misc/%s", TDM_TESTS_DIR, m->file);
	f = fopen(path, "rb");
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (m->data = malloc((size_t)n)) &&
	    fread(m->data, 1, (size_t)n, f) == (size_t)n) {
		m->len = (size_t)n;
		m->source = "file";
	} else {
		free(m->data);
		m->data = NULL;
		m->len = strlen(m->fallback);
		m->source = "builtin";
	}
	if (f)
		fclose(f);
}

static const char *bytes(const struct msg *m)
{
	return m->data ? m->data : m->fallback;
}

/* One round: ns per message over iters parses into a reset arena. */
static double round_ns(const struct msg *msg, bool full, struct tdm_arena *a,
		       unsigned long iters)
{
	const char *p = bytes(msg);
	struct tdm_sip_msg *m;
	double t0 = bench_now_ns();

	for (unsigned long i = 0; i < iters; i++) {
		if (tdm_sip_msg_parse(&m, a, p, msg->len, NULL, NULL) ||
		    (full && tdm_sip_msg_parse_all(m, NULL))) {
			fprintf(stderr, "bench_parse: %s stopped parsing\n", msg->name);
			exit(1);
		}
		tdm_arena_reset(a);
	}
	return (bench_now_ns() - t0) / (double)iters;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_parse [-r ROUNDS] [-n ITERATIONS] [MSG...]\n"
			"MSG: invite register ok200 (default: all)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned rounds = 9;
	unsigned long iters = 200000;
	bool only = false, want[TDM_ARRAY_SIZE(msgs)] = { false };
	struct tdm_arena *a;
	struct tdm_sip_error err;
	struct tdm_sip_msg *m;
	double ns[64];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			iters = strtoul(argv[++i], NULL, 10);
		} else {
			size_t k;

			for (k = 0; k < TDM_ARRAY_SIZE(msgs); k++)
				if (!strcmp(argv[i], msgs[k].name))
					break;
			if (k == TDM_ARRAY_SIZE(msgs))
				usage();
			want[k] = only = true;
		}
	}
	if (!rounds || rounds > TDM_ARRAY_SIZE(ns) || !iters)
		usage();
	if (tdm_arena_new(&a, 65536) < 0)
		return 1;

	for (size_t k = 0; k < TDM_ARRAY_SIZE(msgs); k++) {
		struct msg *msg = &msgs[k];

		if (only && !want[k])
			continue;
		load(msg);
		/* It must parse, fully, before it is worth timing. */
		rc = tdm_sip_msg_parse(&m, a, bytes(msg), msg->len, NULL, &err);
		if (rc == 0)
			rc = tdm_sip_msg_parse_all(m, &err);
		if (rc) {
			fprintf(stderr, "bench_parse: %s (%s): offset %u: %s\n",
				msg->name, msg->source, err.offset,
				err.reason ? err.reason : strerror(-rc));
			return 1;
		}
		tdm_arena_reset(a);
		for (int full = 0; full <= 1; full++) {
			round_ns(msg, full, a, iters / 10 + 1); /* warm-up */
			for (unsigned r = 0; r < rounds; r++)
				ns[r] = round_ns(msg, full, a, iters);
			bench_median(ns, (int)rounds);
			printf("bench_parse msg=%s mode=%s ns_per_msg=%.0f rounds=%u "
			       "iters=%lu bytes=%zu min=%.0f source=%s\n",
			       msg->name, full ? "full" : "eager", ns[rounds / 2],
			       rounds, iters, msg->len, ns[0], msg->source);
			fflush(stdout);
		}
		free(msg->data);
	}
	tdm_arena_free(a);
	return 0;
}
