/* SPDX-License-Identifier: GPL-2.0-or-later
 * The node's statistics table: SIP messages received and sent, parse
 * errors, transactions and retransmissions (summed over the workers'
 * own counters, struct tdm_worker_stats), stream connections, UDP drops,
 * the resolver, script reloads and the node itself. Every value is read
 * when /metrics is asked for: the workers pay one plain increment per
 * message and nothing else.
 *
 * Workers attach once their sockets are open and detach before they are
 * freed; the read functions (on the admin API's threads) hold the same
 * mutex while they walk them, so a worker never goes away under a reader.
 * The mutex is never taken on a worker's receive path. */
#include <config.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/stats.h>
#include "db/db_stats.h"
#include "dns/dns.h"
#include "net/stream.h"
#include "node/node.h"
#include "node/node_stats.h"
#include "node/worker.h"
#include "rpc/registry.h"
#include "script/reload.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tdm_worker **workers; /* attached, under lock */
static unsigned nworkers, capworkers;
static _Atomic double start_time;   /* unix time of the first registration */

void tdm_node_stats_attach(struct tdm_worker *w)
{
	pthread_mutex_lock(&lock);
	if (nworkers == capworkers) {
		unsigned cap = capworkers ? capworkers * 2 : 8;
		struct tdm_worker **n = tdm_realloc(workers, cap * sizeof(*n));
		if (!n) { /* not counted: a node out of memory at start */
			pthread_mutex_unlock(&lock);
			return;
		}
		workers = n;
		capworkers = cap;
	}
	workers[nworkers++] = w;
	pthread_mutex_unlock(&lock);
}

void tdm_node_stats_detach(struct tdm_worker *w)
{
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nworkers; i++)
		if (workers[i] == w) {
			workers[i] = workers[--nworkers];
			break;
		}
	if (!nworkers) { /* the node is gone: nothing left to free later */
		tdm_free(workers);
		workers = NULL;
		capworkers = 0;
	}
	pthread_mutex_unlock(&lock);
}

/* ---- summing the workers --------------------------------------------- */

/* The workers' counters added up, as plain numbers. */
struct sum {
	unsigned workers;
	bool have[TDM_WSTAT_PROTOS];  /* transports the node listens on */
	uint64_t requests[TDM_WSTAT_PROTOS][TDM_WSTAT_METHODS];
	uint64_t replies_in[TDM_WSTAT_PROTOS][TDM_WSTAT_CLASSES];
	uint64_t replies_out[TDM_WSTAT_CLASSES];
	uint64_t parse_errors[TDM_WSTAT_PROTOS];
	uint64_t txn_active, server_total, client_total;
	uint64_t retransmitted, absorbed, timeouts;
	uint64_t udp_dropped, udp_truncated;
};

static uint64_t ld(const atomic_ulong *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

static void add_worker(struct sum *s, struct tdm_worker *w)
{
	const struct tdm_worker_stats *st = &w->st;
	const struct tdm_node *n = w->node;

	for (unsigned p = 0; p < TDM_WSTAT_PROTOS; p++) {
		for (unsigned m = 0; m < TDM_WSTAT_METHODS; m++)
			s->requests[p][m] += ld(&st->requests[p][m]);
		for (unsigned c = 0; c < TDM_WSTAT_CLASSES; c++)
			s->replies_in[p][c] += ld(&st->replies_in[p][c]);
		s->parse_errors[p] += ld(&st->parse_errors[p]);
		s->have[p] |= n->have[p];
	}
	for (unsigned c = 0; c < TDM_WSTAT_CLASSES; c++)
		s->replies_out[c] += ld(&st->replies_out[c]);
	s->txn_active += ld(&st->txn_active);
	s->server_total += ld(&st->txn_server_total);
	s->client_total += ld(&st->txn_client_total);
	s->retransmitted += ld(&st->retransmitted);
	s->absorbed += ld(&st->absorbed);
	s->timeouts += ld(&st->timeouts);
	/* the sockets were opened before the worker attached and are
	 * closed after it detached; tdm_udp_stats() is thread-safe */
	for (unsigned i = 0; i < n->nlisten; i++) {
		struct tdm_udp_stats u;
		if (!w->socks || !tdm_worker_udp_stats(w, i, &u))
			continue;
		s->udp_dropped += u.dropped;
		s->udp_truncated += u.truncated;
	}
}

static void sum_workers(struct sum *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&lock);
	s->workers = nworkers;
	for (unsigned i = 0; i < nworkers; i++)
		add_worker(s, workers[i]);
	pthread_mutex_unlock(&lock);
}

/* ---- label values ------------------------------------------------------ */

static const char *method_label(unsigned m)
{
	return m == TDM_SIP_METHOD_OTHER ? "OTHER"
					 : tdm_sip_method_name((enum tdm_sip_method)m);
}

static const char *const class_labels[TDM_WSTAT_CLASSES] = {
	"1xx", "2xx", "3xx", "4xx", "5xx", "6xx",
};

/* ---- read functions ---------------------------------------------------- */

/* Labelled families emit only the label sets seen (a node listening on
 * UDP alone would otherwise export 75 zero series per family). */
static void read_requests(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	for (unsigned p = 1; p < TDM_WSTAT_PROTOS; p++)
		for (unsigned m = 0; m < TDM_WSTAT_METHODS; m++)
			if (s.requests[p][m])
				tdm_stat_sample(o, (double)s.requests[p][m],
						"method", method_label(m), "transport",
						tdm_proto_name((enum tdm_proto)p), NULL);
}

static void read_replies_in(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	for (unsigned p = 1; p < TDM_WSTAT_PROTOS; p++)
		for (unsigned c = 0; c < TDM_WSTAT_CLASSES; c++)
			if (s.replies_in[p][c])
				tdm_stat_sample(o, (double)s.replies_in[p][c],
						"class", class_labels[c], "transport",
						tdm_proto_name((enum tdm_proto)p), NULL);
}

static void read_replies_out(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	for (unsigned c = 0; c < TDM_WSTAT_CLASSES; c++)
		tdm_stat_sample(o, (double)s.replies_out[c], "class", class_labels[c],
				NULL);
}

/* Every transport listened on (zero included: a rate of parse errors
 * needs the series before the first error), and any other that has some. */
static void read_parse_errors(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	for (unsigned p = 1; p < TDM_WSTAT_PROTOS; p++)
		if (s.have[p] || s.parse_errors[p])
			tdm_stat_sample(o, (double)s.parse_errors[p], "transport",
					tdm_proto_name((enum tdm_proto)p), NULL);
}

/* The unlabelled sums: one read function each, picking a field. */
#define SUM_READER(fn, expr)                                                  \
	static void fn(struct tdm_stat_out *o)                                \
	{                                                                     \
		struct sum s;                                                 \
		sum_workers(&s);                                              \
		tdm_stat_sample(o, (double)(expr), NULL);                     \
	}
SUM_READER(read_txn_active, s.txn_active)
SUM_READER(read_retransmitted, s.retransmitted)
SUM_READER(read_absorbed, s.absorbed)
SUM_READER(read_timeouts, s.timeouts)
SUM_READER(read_workers, s.workers)

static void read_txn_total(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	tdm_stat_sample(o, (double)s.server_total, "kind", "server", NULL);
	tdm_stat_sample(o, (double)s.client_total, "kind", "client", NULL);
}

static void read_udp_dropped(struct tdm_stat_out *o)
{
	struct sum s;

	sum_workers(&s);
	tdm_stat_sample(o, (double)s.udp_dropped, "reason", "send", NULL);
	tdm_stat_sample(o, (double)s.udp_truncated, "reason", "truncated", NULL);
}

/* Process-wide counters of the stream transports and the resolver. */
#define STREAM_READER(fn, field)                                              \
	static void fn(struct tdm_stat_out *o)                                \
	{                                                                     \
		struct tdm_stream_stats st;                                   \
		tdm_stream_stats(&st);                                        \
		tdm_stat_sample(o, (double)st.field, NULL);                   \
	}
STREAM_READER(read_tcp_open, open)
STREAM_READER(read_tcp_accepted, accepted)
STREAM_READER(read_tls_failures, tls_failures)

#define DNS_READER(fn, field)                                                 \
	static void fn(struct tdm_stat_out *o)                                \
	{                                                                     \
		struct tdm_dns_stats st;                                      \
		tdm_dns_stats(&st);                                           \
		tdm_stat_sample(o, (double)st.field, NULL);                   \
	}
DNS_READER(read_dns_queries, queries)
DNS_READER(read_dns_hits, cache_hits)
DNS_READER(read_dns_failures, failures)

static void read_reloads(struct tdm_stat_out *o)
{
	uint64_t ok, failed;

	tdm_scr_reload_counts(&ok, &failed);
	tdm_stat_sample(o, (double)ok, "result", "ok", NULL);
	tdm_stat_sample(o, (double)failed, "result", "failed", NULL);
}

static void read_start_time(struct tdm_stat_out *o)
{
	tdm_stat_sample(o, atomic_load(&start_time), NULL);
}

static void read_build_info(struct tdm_stat_out *o)
{
	tdm_stat_sample(o, 1, "version", PACKAGE_VERSION, NULL);
}

static const struct tdm_stat_def node_stats[] = {
	{ "sip_requests_received_total", TDM_STAT_COUNTER,
	  "SIP requests received, by method and transport",
	  .read = read_requests },
	{ "sip_replies_received_total", TDM_STAT_COUNTER,
	  "SIP responses received, by class and transport",
	  .read = read_replies_in },
	{ "sip_replies_sent_total", TDM_STAT_COUNTER,
	  "SIP responses sent (local, relayed and stateless; retransmissions "
	  "included), by class", .read = read_replies_out },
	{ "sip_parse_errors_total", TDM_STAT_COUNTER,
	  "Messages received that did not parse, by transport",
	  .read = read_parse_errors },
	{ "transactions_active", TDM_STAT_GAUGE,
	  "Transactions not yet answered or completed", .read = read_txn_active },
	{ "transactions_total", TDM_STAT_COUNTER,
	  "Transactions created, by kind", .read = read_txn_total },
	{ "retransmissions_total", TDM_STAT_COUNTER,
	  "Requests and responses the transactions sent again",
	  .read = read_retransmitted },
	{ "retransmissions_absorbed_total", TDM_STAT_COUNTER,
	  "Retransmissions received and answered by their transaction",
	  .read = read_absorbed },
	{ "transaction_timeouts_total", TDM_STAT_COUNTER,
	  "Client transactions that timed out (Timer B/F)",
	  .read = read_timeouts },
	{ "tcp_connections", TDM_STAT_GAUGE,
	  "Stream connections open (TCP, TLS, WebSocket)", .read = read_tcp_open },
	{ "tcp_connections_accepted_total", TDM_STAT_COUNTER,
	  "Stream connections accepted", .read = read_tcp_accepted },
	{ "tls_handshake_failures_total", TDM_STAT_COUNTER,
	  "TLS handshakes that failed", .read = read_tls_failures },
	{ "udp_datagrams_dropped_total", TDM_STAT_COUNTER,
	  "UDP datagrams dropped: refused by the kernel when sent, or "
	  "truncated when received", .read = read_udp_dropped },
	{ "dns_queries_total", TDM_STAT_COUNTER,
	  "DNS queries sent", .read = read_dns_queries },
	{ "dns_cache_hits_total", TDM_STAT_COUNTER,
	  "DNS lookups answered from the cache", .read = read_dns_hits },
	{ "dns_failures_total", TDM_STAT_COUNTER,
	  "DNS queries that failed (timeouts included)",
	  .read = read_dns_failures },
	{ "script_reloads_total", TDM_STAT_COUNTER,
	  "Routing script reloads, by result", .read = read_reloads },
	{ "start_time_seconds", TDM_STAT_GAUGE,
	  "When the node started, unix time", .read = read_start_time },
	{ "build_info", TDM_STAT_GAUGE,
	  "Always 1; the version of tandemd as a label",
	  .read = read_build_info },
	{ "workers", TDM_STAT_GAUGE, "Worker threads running",
	  .read = read_workers },
	TDM_STAT_END
};

void tdm_node_stats_register(void)
{
	struct timespec ts;
	double zero = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	atomic_compare_exchange_strong(&start_time, &zero,
				       (double)ts.tv_sec + ts.tv_nsec / 1e9);
	/* a malformed table is a bug of ours: say so, and go on without it */
	if (tdm_stats_add_core_table("core", node_stats))
		TDM_LOGE(&tdm_log_core, "the node's statistics table was refused");
	if (tdm_stats_add_core_table("db", tdm_db_stat_defs))
		TDM_LOGE(&tdm_log_core, "the database's statistics table was refused");
}
