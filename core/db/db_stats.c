/* SPDX-License-Identifier: GPL-2.0-or-later
 * The database's statistics: statements, errors by kind and a duration
 * histogram for every connection of the process (the node's snapshot
 * sync, the registrar's write-behind, modules' queries), plus the
 * provisioning snapshot's sizes and age. Statements run on several
 * threads at once and cost a round trip each, so plain atomic adds are
 * cheap enough here (the workers' counters avoid them; see
 * core/node/worker.h). */
#include <errno.h>
#include <stdatomic.h>
#include <time.h>
#include "db/db_stats.h"
#include "db/sync.h"

const double tdm_db_bucket_bounds[TDM_DB_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5,
};
/* The same bounds in nanoseconds, for the observing side. */
static const uint64_t bounds_ns[TDM_DB_BUCKETS] = {
	500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
	100000000, 250000000, 500000000, 1000000000, 2500000000u, 5000000000u,
};

static atomic_ulong queries;
static atomic_ulong errors[TDM_DB_ERR__KINDS];
static atomic_ulong buckets[TDM_DB_BUCKETS + 1];
static atomic_ullong sum_ns;

static const char *const kind_names[TDM_DB_ERR__KINDS] = {
	"timeout", "connection", "constraint", "other",
};

uint64_t tdm_db_stats_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static enum tdm_db_err_kind kind_of(int rc)
{
	switch (rc) {
	case -ETIMEDOUT:
		return TDM_DB_ERR_TIMEOUT;
	case -ENOTCONN:
		return TDM_DB_ERR_CONNECTION;
	case -EEXIST:
		return TDM_DB_ERR_CONSTRAINT;
	default:
		return TDM_DB_ERR_OTHER;
	}
}

void tdm_db_stats_observe(int rc, uint64_t t0)
{
	uint64_t now = tdm_db_stats_clock(), ns = now > t0 ? now - t0 : 0;
	unsigned b = 0;

	while (b < TDM_DB_BUCKETS && ns > bounds_ns[b])
		b++;
	atomic_fetch_add_explicit(&queries, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_ns, ns, memory_order_relaxed);
	if (rc < 0)
		atomic_fetch_add_explicit(&errors[kind_of(rc)], 1,
					  memory_order_relaxed);
}

void tdm_db_stats_get(struct tdm_db_counts *out)
{
	out->queries = atomic_load_explicit(&queries, memory_order_relaxed);
	for (unsigned k = 0; k < TDM_DB_ERR__KINDS; k++)
		out->errors[k] = atomic_load_explicit(&errors[k], memory_order_relaxed);
	for (unsigned i = 0; i <= TDM_DB_BUCKETS; i++)
		out->buckets[i] = atomic_load_explicit(&buckets[i], memory_order_relaxed);
	out->sum_seconds = (double)atomic_load_explicit(&sum_ns, memory_order_relaxed) / 1e9;
}

void tdm_db_stats_reset(void)
{
	atomic_store(&queries, 0);
	for (unsigned k = 0; k < TDM_DB_ERR__KINDS; k++)
		atomic_store(&errors[k], 0);
	for (unsigned i = 0; i <= TDM_DB_BUCKETS; i++)
		atomic_store(&buckets[i], 0);
	atomic_store(&sum_ns, 0);
}

/* ---- read functions (the admin API's threads) ---------------------------- */

static void read_errors(struct tdm_stat_out *o)
{
	for (unsigned k = 0; k < TDM_DB_ERR__KINDS; k++)
		tdm_stat_sample(o, (double)atomic_load_explicit(&errors[k],
							   memory_order_relaxed),
				"kind", kind_names[k], NULL);
}

static void read_duration(struct tdm_stat_out *o)
{
	struct tdm_db_counts c;

	tdm_db_stats_get(&c);
	tdm_stat_histogram(o, tdm_db_bucket_bounds, c.buckets, TDM_DB_BUCKETS,
			   c.sum_seconds, NULL);
}

/* The snapshot gauges: no sample at all when the node has no database
 * (a 0 would read as "empty" or "up to date"). */
static void read_snap(struct tdm_stat_out *o, unsigned which)
{
	struct tdm_snap_stats st;
	size_t v[4];

	if (tdm_db_node_snapshot_stats(&st))
		return;
	v[0] = st.domains;
	v[1] = st.subscribers;
	v[2] = st.aliases;
	v[3] = st.addresses;
	tdm_stat_sample(o, (double)v[which], NULL);
}

static void read_domains(struct tdm_stat_out *o) { read_snap(o, 0); }
static void read_subscribers(struct tdm_stat_out *o) { read_snap(o, 1); }
static void read_aliases(struct tdm_stat_out *o) { read_snap(o, 2); }
static void read_addresses(struct tdm_stat_out *o) { read_snap(o, 3); }

static void read_age(struct tdm_stat_out *o)
{
	double age;

	if (!tdm_db_node_snapshot_age(&age))
		tdm_stat_sample(o, age, NULL);
}

const struct tdm_stat_def tdm_db_stat_defs[] = {
	{ "db_queries_total", TDM_STAT_COUNTER,
	  "Database statements run (every connection of the process)",
	  .value = &queries },
	{ "db_errors_total", TDM_STAT_COUNTER,
	  "Database statements that failed, by kind", .read = read_errors },
	{ "db_query_duration_seconds", TDM_STAT_HISTOGRAM,
	  "Time database statements took, reconnect attempts included",
	  .read = read_duration },
	{ "snapshot_domains", TDM_STAT_GAUGE,
	  "Domains in the provisioning snapshot", .read = read_domains },
	{ "snapshot_subscribers", TDM_STAT_GAUGE,
	  "Subscribers in the provisioning snapshot", .read = read_subscribers },
	{ "snapshot_aliases", TDM_STAT_GAUGE,
	  "Aliases in the provisioning snapshot", .read = read_aliases },
	{ "snapshot_addresses", TDM_STAT_GAUGE,
	  "Address (permission) entries in the provisioning snapshot",
	  .read = read_addresses },
	{ "snapshot_age_seconds", TDM_STAT_GAUGE,
	  "Seconds since the snapshot last caught up with change_log",
	  .read = read_age },
	TDM_STAT_END
};
