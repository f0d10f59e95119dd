/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module for the module SDK of registrar, auth and NAT
 * (tests/node/sdk.sh): it answers with tdm_scr_reply() (extra headers and
 * a body that show what tdm_scr_peer(), tdm_node_setting() and
 * tdm_node_listen_get() returned), remembers a client's stream connection
 * as a flow, relays with tdm_scr_set_targets() (dst, Path, conn_id),
 * sends an OPTIONS with tdm_node_send() and counts closed connections
 * through tdm_node_on_conn_closed(). Built for `make check` only. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include <tandem/node.h>

static _Atomic uint64_t flow;   /* the remembered connection */
static atomic_uint closed;      /* connections closed so far */
static atomic_uint closed_flow; /* ... of which the remembered one */

static void on_closed(uint64_t conn_id, void *arg)
{
	(void)arg;
	atomic_fetch_add(&closed, 1);
	if (conn_id == atomic_load(&flow))
		atomic_fetch_add(&closed_flow, 1);
}

static int probe_load(void)
{
	return tdm_node_on_conn_closed(on_closed, NULL);
}

/* "tcp 127.0.0.1 40000 conn=3 local=127.0.0.1:5060 li=1" */
static int peer_text(struct tdm_scr_call *c, char *out, size_t n)
{
	struct tdm_scr_peer p;
	int rc = tdm_scr_peer(c, &p);

	if (rc)
		return snprintf(out, n, "none %d", rc), 0;
	snprintf(out, n, "%s %.*s %u conn=%llu local=%.*s:%u li=%u",
		 tdm_proto_name(p.proto), TDM_STR_FMT(&p.ip), p.port,
		 (unsigned long long)p.conn_id, TDM_STR_FMT(&p.local_ip),
		 p.local_port, p.listen_index);
	return 0;
}

static int probe_peer(struct tdm_scr_call *c)
{
	char t[256];

	peer_text(c, t, sizeof(t));
	return tdm_scr_ret_str(c, &(struct tdm_str){ t, strlen(t) });
}

/* reply(code): the reply carries what the SDK told us. */
static int probe_reply(struct tdm_scr_call *c)
{
	struct tdm_node_listen l = { 0 };
	const char *mtu = tdm_node_setting("udp_mtu");
	const char *listen = tdm_node_setting("listen");
	char peer[256], h[1024];
	int n;

	peer_text(c, peer, sizeof(peer));
	if (tdm_node_listen_get(0, &l))
		l.host = l.bound = "-";
	n = snprintf(h, sizeof(h),
		     "X-Probe: yes\r\nX-Peer: %s\r\nX-Setting: %s\r\n"
		     "X-Listen: %s\r\nX-Listen0: %s %s:%u %s\r\n"
		     "X-Closed: %u %u\r\n",
		     peer, mtu ? mtu : "-", listen ? listen : "-",
		     tdm_proto_name(l.proto), l.host, l.port, l.bound,
		     atomic_load(&closed), atomic_load(&closed_flow));
	if (n < 0 || (size_t)n >= sizeof(h))
		return -EINVAL;
	return tdm_scr_reply(c, (unsigned)tdm_scr_arg_int(c, 0), NULL,
			     &(struct tdm_str){ h, (size_t)n },
			     &TDM_STR("text/plain"), &TDM_STR("probe body\r\n"));
}

/* remember(): the request's connection becomes "the flow". */
static int probe_remember(struct tdm_scr_call *c)
{
	struct tdm_scr_peer p;
	int rc = tdm_scr_peer(c, &p);

	if (!rc)
		atomic_store(&flow, p.conn_id);
	return tdm_scr_ret_int(c, rc ? rc : (int64_t)p.conn_id);
}

/* Splits s at the first sep: *head before it, s after (or empty). */
static struct tdm_str cut(struct tdm_str *s, char sep)
{
	long i = tdm_str_chr(s, sep);
	struct tdm_str head = *s;

	if (i < 0) {
		*s = (struct tdm_str){ "", 0 };
		return head;
	}
	head.len = (size_t)i;
	s->s += i + 1;
	s->len -= (size_t)i + 1;
	return head;
}

/* targets("uri^dst^path^flow|..."): flow is "flow" (the remembered
 * connection) or empty. */
static int probe_targets(struct tdm_scr_call *c)
{
	struct tdm_scr_target t[8];
	struct tdm_str spec = tdm_scr_arg_str(c, 0);
	unsigned n = 0;

	while (spec.len && n < 8) {
		struct tdm_str one = cut(&spec, '|'), f;

		t[n] = (struct tdm_scr_target){ .q = -1 };
		t[n].uri = cut(&one, '^');
		t[n].dst = cut(&one, '^');
		t[n].path = cut(&one, '^');
		f = cut(&one, '^');
		if (tdm_str_eq_c(&f, "flow"))
			t[n].conn_id = atomic_load(&flow);
		n++;
	}
	return tdm_scr_set_targets(c, t, n);
}

/* send(port): an OPTIONS from listen 0 to 127.0.0.1:port over UDP, with
 * our Via: its 200 must be absorbed quietly. Returns the result. */
static int probe_send(struct tdm_scr_call *c)
{
	struct tdm_node_listen l;
	struct tdm_node_dest d = { .proto = TDM_PROTO_UDP, .listen_index = 0 };
	char a[64], m[1024];
	int n, rc;

	if ((rc = tdm_node_listen_get(0, &l)))
		return tdm_scr_ret_int(c, rc);
	snprintf(a, sizeof(a), "127.0.0.1:%d", (int)tdm_scr_arg_int(c, 0));
	if (tdm_addr_parse(&d.addr, &(struct tdm_str){ a, strlen(a) }, NULL))
		return tdm_scr_ret_int(c, -EINVAL);
	n = snprintf(m, sizeof(m),
		     "OPTIONS sip:%s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-probe-ka;rport\r\n"
		     "Max-Forwards: 70\r\nFrom: <sip:%s:%u>;tag=ka1\r\n"
		     "To: <sip:%s>\r\nCall-ID: probe-ka@%s\r\nCSeq: 1 OPTIONS\r\n"
		     "Content-Length: 0\r\n\r\n",
		     a, l.host, l.port, l.host, l.port, a, l.host);
	rc = tdm_node_send(&d, m, (size_t)n);
	return tdm_scr_ret_int(c, rc);
}

/* flow_open(): is the remembered connection open? */
static int probe_flow_open(struct tdm_scr_call *c)
{
	return tdm_scr_ret_bool(c, tdm_node_conn_open(atomic_load(&flow)));
}

static const struct tdm_fn_def probe_functions[] = {
	{ "peer", probe_peer, NULL, TDM_T_STR, NULL, 0, TDM_ROUTE_REQUEST,
	  "the request's source, as text" },
	{ "reply", probe_reply, NULL, TDM_T_VOID,
	  TDM_ARGS({ "code", TDM_T_INT, 0 }),
	  TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE, "reply with probe headers" },
	{ "remember", probe_remember, NULL, TDM_T_INT, NULL, 0, TDM_ROUTE_REQUEST,
	  "remember the request's connection" },
	{ "targets", probe_targets, NULL, TDM_T_VOID,
	  TDM_ARGS({ "spec", TDM_T_STR, 0 }),
	  TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE, "set the destinations" },
	{ "send", probe_send, NULL, TDM_T_INT, TDM_ARGS({ "port", TDM_T_INT, 0 }),
	  TDM_ROUTE_ANY, "send an OPTIONS through the node" },
	{ "flow_open", probe_flow_open, NULL, TDM_T_BOOL, NULL, 0, TDM_ROUTE_ANY,
	  "is the remembered connection open" },
	TDM_FN_END
};

TDM_MODULE_DESCRIPTOR(sdkprobe) = {
	TDM_MODULE_HEADER,
	.name = "sdkprobe",
	.description = "exercises the module SDK (tests only)",
	.load = probe_load,
	.functions = probe_functions,
};
