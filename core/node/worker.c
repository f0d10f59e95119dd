/* SPDX-License-Identifier: GPL-2.0-or-later
 * A worker thread: its loop, sockets and proxy, and the receive path.
 * Requests are handled where they arrive; a response goes to the worker
 * its Via branch names (posted to that worker's loop), since only that
 * worker knows the client transaction. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/stats.h>
#include "node/node.h"
#include "module/mod.h"
#include "node/node_stats.h"
#include "node/worker.h"
#include "script/program.h"

#define RX_SIZE 65536u
#define RX_BATCH 32u

TDM_LOG_SUBSYS(tdm_log_worker, "worker");

/* The UDP socket of one listen address. */
struct tdm_wsock {
	struct tdm_worker *w;
	unsigned li;
	struct tdm_udp *u;
	bool want_write;
};

/* A response handed to the worker that owns its transaction. */
struct posted_resp {
	struct tdm_worker *to;
	struct tdm_sip_msg *m;
	struct tdm_rcv rcv;
};

static void posted_response(struct tdm_loop *l, void *arg)
{
	struct posted_resp *pr = arg;

	(void)l;
	tdm_proxy_response(pr->to->proxy, pr->m, &pr->rcv);
	tdm_free(pr);
}

static bool keepalive(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] != '\r' && data[i] != '\n' && data[i] != 0)
			return false;
	return true;
}

/* The counter index of a transport (0, unused, for anything unknown):
 * the arrays are indexed by it on the receive path. */
static inline unsigned proto_ix(enum tdm_proto p)
{
	return (unsigned)p < TDM_WSTAT_PROTOS ? (unsigned)p : 0;
}

/* Counts a parsed message: requests by method, responses by class. */
static inline void count_in(struct tdm_worker *w, const struct tdm_sip_msg *m,
			    unsigned proto)
{
	if (m->is_request) {
		unsigned k = (unsigned)m->method < TDM_WSTAT_METHODS
				     ? (unsigned)m->method : 0;
		TDM_STAT_BUMP(&w->st.requests[proto][k]);
	} else {
		unsigned c = m->status / 100u - 1u; /* 1xx -> 0 */
		if (c < TDM_WSTAT_CLASSES)
			TDM_STAT_BUMP(&w->st.replies_in[proto][c]);
	}
}

/* A complete message from any transport (tdm_rcv_fn). */
static void handle(void *arg, const char *data, size_t len,
		   const struct tdm_rcv *rcv)
{
	struct tdm_worker *w = arg;
	struct tdm_sip_msg *m;
	struct tdm_sip_error err = { 0 };
	int rc, owner;

	if (keepalive(data, len))
		return;
	rc = tdm_sip_msg_parse(&m, NULL, data, len, NULL, &err);
	if (rc) {
		TDM_STAT_BUMP(&w->st.parse_errors[proto_ix(rcv->proto)]);
		tdm_proxy_bad_message(w->proxy, data, len, rcv,
				      rc == -ENOMEM ? NULL : err.reason);
		return;
	}
	count_in(w, m, proto_ix(rcv->proto));
	if (m->is_request) {
		if (w->draining && m->method != TDM_SIP_ACK &&
		    m->method != TDM_SIP_CANCEL &&
		    tdm_srv_match(tdm_proxy_txns(w->proxy), m, rcv) == TDM_SRV_NEW) {
			tdm_proxy_reject(w->proxy, m, rcv, 503, "Shutting Down");
			return;
		}
		tdm_proxy_request(w->proxy, m, rcv);
		return;
	}
	owner = tdm_txn_branch_worker(&m->via1.branch);
	if (owner >= 0 && (unsigned)owner < w->node->nworkers &&
	    (unsigned)owner != w->index) {
		struct posted_resp *pr = tdm_malloc(sizeof(*pr));
		struct tdm_worker *to = w->node->workers[owner];
		if (pr) {
			*pr = (struct posted_resp){ to, m, *rcv };
			if (!tdm_loop_post(to->loop, posted_response, pr))
				return;
			tdm_free(pr);
		}
		tdm_sip_msg_free(m);
		return;
	}
	tdm_proxy_response(w->proxy, m, rcv);
}

static void udp_event(struct tdm_loop *l, int fd, unsigned ev, void *arg)
{
	struct tdm_wsock *s = arg;
	struct tdm_worker *w = s->w;
	struct tdm_rcv rcv = { .proto = TDM_PROTO_UDP,
			       .listen = &w->node->listens[s->li],
			       .worker = w->index };

	(void)fd;
	if ((ev & TDM_LOOP_WRITE) && !tdm_udp_flush(s->u) && s->want_write) {
		s->want_write = false;
		tdm_loop_modify(l, tdm_udp_fd(s->u), TDM_LOOP_READ);
	}
	if (!(ev & (TDM_LOOP_READ | TDM_LOOP_ERROR)))
		return;
	for (unsigned round = 0; round < 4; round++) {
		int n = tdm_udp_recv_batch(s->u, w->dgrams, RX_BATCH);
		for (int i = 0; i < n; i++) {
			if (w->dgrams[i].truncated)
				continue;
			rcv.src = w->dgrams[i].src;
			handle(w, w->dgrams[i].data, w->dgrams[i].len, &rcv);
		}
		if (n < (int)RX_BATCH)
			break;
	}
}

/* The transaction engine's counters, readable by other threads (its own
 * struct is plain: the engine's hot path stays free of atomics). */
static void publish_txn_stats(struct tdm_worker *w, const struct tdm_txn_stats *t)
{
	struct tdm_worker_stats *o = &w->st;

	atomic_store_explicit(&o->txn_server, t->server, memory_order_relaxed);
	atomic_store_explicit(&o->txn_client, t->client, memory_order_relaxed);
	atomic_store_explicit(&o->txn_active, t->active, memory_order_relaxed);
	atomic_store_explicit(&o->txn_server_total, t->server_total,
			      memory_order_relaxed);
	atomic_store_explicit(&o->txn_client_total, t->client_total,
			      memory_order_relaxed);
	atomic_store_explicit(&o->retransmitted, t->retransmitted,
			      memory_order_relaxed);
	atomic_store_explicit(&o->absorbed, t->absorbed, memory_order_relaxed);
	atomic_store_explicit(&o->timeouts, t->timeouts, memory_order_relaxed);
}

/* Before the loop sleeps: send what the batch queued, and keep the
 * transaction counts readable for shutdown and the statistics. */
static void flush(struct tdm_loop *l, void *arg)
{
	struct tdm_worker *w = arg;
	struct tdm_txn_stats st;

	for (unsigned i = 0; i < w->node->nlisten; i++) {
		struct tdm_wsock *s = &w->socks[i];
		if (!s->u || !tdm_udp_pending(s->u))
			continue;
		if (tdm_udp_flush(s->u) == -EAGAIN && !s->want_write) {
			s->want_write = true;
			tdm_loop_modify(l, tdm_udp_fd(s->u),
					TDM_LOOP_READ | TDM_LOOP_WRITE);
		}
	}
	tdm_txns_stats(tdm_proxy_txns(w->proxy), &st);
	atomic_store(&w->txns, st.active);
	publish_txn_stats(w, &st);
}

static struct tdm_udp *udp_for(struct tdm_worker *w, const struct tdm_dest *d)
{
	if (d->listen && d->listen->proto == TDM_PROTO_UDP &&
	    w->socks[d->listen->index].u)
		return w->socks[d->listen->index].u;
	for (unsigned i = 0; i < w->node->nlisten; i++)
		if (w->socks[i].u && tdm_addr_family(&w->node->listens[i].addr) ==
					     tdm_addr_family(&d->addr))
			return w->socks[i].u;
	return NULL;
}

/* The transports' send (tdm_txn_send_fn): every message the worker
 * sends passes here, so responses are counted here by class — local
 * replies, relayed and stateless ones, retransmissions included. */
static int worker_send(void *arg, const struct tdm_dest *d, const char *data,
		       size_t len, uint64_t cookie)
{
	struct tdm_worker *w = arg;
	struct tdm_udp *u;

	if (len > 12 && !memcmp(data, "SIP/2.0 ", 8)) {
		unsigned c = (unsigned)(data[8] - '1');
		if (c < TDM_WSTAT_CLASSES)
			TDM_STAT_BUMP(&w->st.replies_out[c]);
	}

	if (d->proto == TDM_PROTO_UDP) {
		if (!(u = udp_for(w, d)))
			return -EAFNOSUPPORT;
		return tdm_udp_queue(u, &d->addr, data, len);
	}
	if (!w->streams)
		return -EPROTONOSUPPORT;
	return tdm_stream_send_cookie(w->streams, d, data, len, cookie);
}

static void stream_failed(void *arg, uint64_t cookie, int err)
{
	struct tdm_worker *w = arg;

	tdm_proxy_transport_failed(w->proxy, cookie, err);
}

static int open_listens(struct tdm_worker *w, char *err, size_t errlen)
{
	struct tdm_node *n = w->node;
	struct tdm_udp_opts o = {
		.reuseport = true,
		.rcvbuf = (int)tdm_cfg_int(n->cfg, TDM_SETTING_UDP_RCVBUF),
		.recv_batch = RX_BATCH,
	};
	int rc;

	for (unsigned i = 0; i < n->nlisten; i++) {
		const struct tdm_listen *l = &n->listens[i];
		struct tdm_wsock *s = &w->socks[i];
		char a[TDM_ADDR_STRLEN];
		s->w = w;
		s->li = i;
		if (l->proto == TDM_PROTO_UDP) {
			rc = tdm_udp_open(&s->u, &l->addr, &o);
			if (!rc)
				rc = tdm_loop_watch(w->loop, tdm_udp_fd(s->u),
						    TDM_LOOP_READ, udp_event, s);
		} else {
			rc = tdm_streams_listen(w->streams, l);
		}
		if (rc) {
			tdm_addr_format(&l->addr, a, sizeof(a));
			snprintf(err, errlen, "cannot listen on %s:%s: %s",
				 tdm_proto_name(l->proto), a, tdm_strerror(rc));
			return rc;
		}
	}
	return 0;
}

int tdm_worker_new(struct tdm_worker **out, struct tdm_node *n, unsigned i,
		   char *err, size_t errlen)
{
	struct tdm_worker *w = tdm_calloc(1, sizeof(*w));
	int rc = -ENOMEM;

	if (!w)
		goto fail_msg;
	*out = w;
	w->index = i;
	w->node = n;
	w->socks = tdm_calloc(n->nlisten, sizeof(*w->socks));
	w->rxbuf = tdm_malloc((size_t)RX_SIZE * RX_BATCH);
	w->dgrams = tdm_calloc(RX_BATCH, sizeof(*w->dgrams));
	if (!w->socks || !w->rxbuf || !w->dgrams)
		goto fail_msg;
	for (unsigned k = 0; k < RX_BATCH; k++)
		w->dgrams[k] = (struct tdm_udp_dgram){
			.data = w->rxbuf + (size_t)k * RX_SIZE, .size = RX_SIZE };
	if ((rc = tdm_loop_new(&w->loop)) ||
	    (rc = tdm_streams_new(&w->streams, w->loop, i, handle, w)) ||
	    (rc = tdm_dns_new(&w->dns, w->loop)) ||
	    (rc = tdm_proxy_new(&w->proxy, w->loop, i, &n->proxy_cfg, worker_send,
				w, w->dns)) ||
	    (rc = tdm_loop_before_sleep(w->loop, flush, w)))
		goto fail_msg;
	tdm_streams_on_fail(w->streams, stream_failed, w);
	if ((rc = open_listens(w, err, errlen)))
		return rc;
	tdm_node_stats_attach(w); /* its sockets are open: readable now */
	return 0;
fail_msg:
	snprintf(err, errlen, "worker %u: %s", i, tdm_strerror(rc));
	return rc;
}

static void *worker_main(void *arg)
{
	struct tdm_worker *w = arg;
	char err[512];
	int rc = tdm_mod_worker_all(w->index, err, sizeof(err));

	if (rc) { /* a module could not set up this worker: stop the node */
		TDM_LOGE(&tdm_log_worker, "worker %u: %s", w->index, err);
		kill(getpid(), SIGTERM);
	}
	rc = tdm_loop_run(w->loop);
	if (rc)
		TDM_LOGE(&tdm_log_worker, "worker %u: event loop failed: %s",
			 w->index, tdm_strerror(rc));
	return NULL;
}

int tdm_worker_start(struct tdm_worker *w)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);

	w->started = rc == 0;
	return -rc;
}

static void do_drain(struct tdm_loop *l, void *arg)
{
	struct tdm_worker *w = arg;

	(void)l;
	w->draining = true;
	tdm_streams_stop_accepting(w->streams);
}

void tdm_worker_drain(struct tdm_worker *w)
{
	tdm_loop_post(w->loop, do_drain, w);
}

struct posted_prog {
	struct tdm_worker *w;
	struct tdm_scr_program *p;
};

static void do_set_program(struct tdm_loop *l, void *arg)
{
	struct posted_prog *pp = arg;

	(void)l;
	tdm_proxy_set_program(pp->w->proxy, pp->p);
	tdm_scr_program_unref(pp->p);
	tdm_free(pp);
}

void tdm_worker_set_program(struct tdm_worker *w, struct tdm_scr_program *p)
{
	struct posted_prog *pp;

	if (!w->started) {
		tdm_proxy_set_program(w->proxy, p);
		return;
	}
	pp = tdm_malloc(sizeof(*pp));
	if (!pp)
		return;
	tdm_scr_program_ref(p);
	*pp = (struct posted_prog){ w, p };
	if (tdm_loop_post(w->loop, do_set_program, pp)) {
		tdm_scr_program_unref(p);
		tdm_free(pp);
	}
}

uint64_t tdm_worker_txns(struct tdm_worker *w)
{
	return atomic_load(&w->txns);
}

bool tdm_worker_udp_stats(struct tdm_worker *w, unsigned i,
			  struct tdm_udp_stats *out)
{
	if (i >= w->node->nlisten || !w->socks[i].u)
		return false;
	tdm_udp_stats(w->socks[i].u, out);
	return true;
}

void tdm_worker_stop(struct tdm_worker *w)
{
	if (w->started)
		tdm_loop_stop(w->loop);
}

void tdm_worker_join(struct tdm_worker *w)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = false;
}

void tdm_worker_free(struct tdm_worker *w)
{
	if (!w)
		return;
	tdm_node_stats_detach(w); /* before its sockets close */
	if (w->loop)
		tdm_loop_run_once(w->loop, 0); /* drain posted work */
	tdm_proxy_free(w->proxy);
	for (unsigned i = 0; w->socks && i < w->node->nlisten; i++) {
		struct tdm_wsock *s = &w->socks[i];
		if (s->u) {
			tdm_loop_unwatch(w->loop, tdm_udp_fd(s->u));
			tdm_udp_flush(s->u);
			tdm_udp_close(s->u);
		}
	}
	tdm_dns_free(w->dns);
	tdm_streams_free(w->streams);
	tdm_loop_free(w->loop);
	tdm_free(w->socks);
	tdm_free(w->rxbuf);
	tdm_free(w->dgrams);
	tdm_free(w);
}

/* Bytes a module sends through the node (tdm_node_send()). */
struct posted_send {
	struct tdm_worker *w;
	struct tdm_dest d;
	size_t len;
	char data[];
};

static void do_send(struct tdm_loop *l, void *arg)
{
	struct posted_send *ps = arg;
	int rc;

	(void)l;
	rc = worker_send(ps->w, &ps->d, ps->data, ps->len, 0);
	if (rc)
		TDM_LOGD(&tdm_log_worker, "module send failed: %s", tdm_strerror(rc));
	tdm_free(ps);
}

int tdm_worker_post_send(struct tdm_worker *w, const struct tdm_dest *d,
			 const void *buf, size_t len)
{
	struct posted_send *ps = tdm_malloc(sizeof(*ps) + len);
	int rc;

	if (!ps)
		return -ENOMEM;
	ps->w = w;
	ps->d = *d;
	ps->d.sni = (struct tdm_str){ 0 };
	ps->len = len;
	memcpy(ps->data, buf, len);
	if ((rc = tdm_loop_post(w->loop, do_send, ps)))
		tdm_free(ps);
	return rc;
}
