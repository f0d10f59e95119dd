/* SPDX-License-Identifier: GPL-2.0-or-later
 * Statistics: counters, gauges and histograms that the core and the
 * modules declare in tables (a module's descriptor `stats`), read when
 * someone asks — GET /metrics (Prometheus text format) or the core.stats
 * RPC. Nothing is copied into a central store: a statistic is either one
 * atomic counter the registry reads, or a read function that writes its
 * samples (with labels) when asked.
 *
 *	static atomic_ulong greetings;
 *	static void read_bindings(struct tdm_stat_out *o)
 *	{
 *		tdm_stat_sample(o, count("udp"), "transport", "udp", NULL);
 *		tdm_stat_sample(o, count("tcp"), "transport", "tcp", NULL);
 *	}
 *	static const struct tdm_stat_def stats[] = {
 *		{ "example_greetings_total", TDM_STAT_COUNTER,
 *		  "Greetings returned", .value = &greetings },
 *		{ "example_bindings", TDM_STAT_GAUGE, "Bindings by transport",
 *		  .read = read_bindings },
 *		TDM_STAT_END
 *	};
 *
 * Names are [a-z_][a-z0-9_]*, exported with the prefix "tandem_"; a
 * counter's name ends in _total. The loader refuses a table that breaks
 * these rules. Read functions run on the admin API's threads: they must
 * be thread-safe and quick (no I/O). */
#ifndef TANDEM_STATS_H
#define TANDEM_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <tandem/buf.h>
#include <tandem/compiler.h>

enum tdm_stat_kind {
	TDM_STAT_COUNTER = 1, /* only goes up (from 0 at start) */
	TDM_STAT_GAUGE,       /* a level: goes up and down */
	TDM_STAT_HISTOGRAM,   /* observations in buckets (read function) */
};

struct tdm_stat_out; /* where a read function writes its samples */
typedef void tdm_stat_read_fn(struct tdm_stat_out *o);

struct tdm_stat_def {
	const char *name;    /* without the tandem_ prefix */
	enum tdm_stat_kind kind;
	const char *help;    /* one line */
	/* exactly one of: */
	const atomic_ulong *value; /* a single unlabelled sample */
	tdm_stat_read_fn *read;    /* samples, with labels, when asked */
};
#define TDM_STAT_END { NULL, 0, NULL, NULL, NULL }

/* One sample of the statistic being read: its value, then label names
 * and values, NULL-terminated. Label names are [a-z_][a-z0-9_]*; values
 * are escaped as Prometheus wants. A read function writes each label
 * set once. */
TDM_API void tdm_stat_sample(struct tdm_stat_out *o, double value, ...)
	__attribute__((sentinel));

/* One histogram (of a TDM_STAT_HISTOGRAM statistic): n upper bounds in
 * increasing order, counts[0..n] observations per bucket (not cumulative;
 * counts[n] is above the last bound), their sum, then labels as for
 * tdm_stat_sample(). Written as _bucket{le=...}, _sum and _count. */
TDM_API void tdm_stat_histogram(struct tdm_stat_out *o, const double *bounds,
				const uint64_t *counts, unsigned n, double sum,
				...) __attribute__((sentinel));

/* Bumps a counter that only its owner thread writes (per-worker counters
 * read by other threads): a plain load and store, no locked instruction,
 * and no torn reads for the readers. */
#define TDM_STAT_BUMP(p)                                                      \
	atomic_store_explicit((p), atomic_load_explicit((p), memory_order_relaxed) + 1, \
			      memory_order_relaxed)
#define TDM_STAT_ADD(p, n)                                                    \
	atomic_store_explicit((p), atomic_load_explicit((p), memory_order_relaxed) + (n), \
			      memory_order_relaxed)

/* Every statistic of the core and of the loaded modules in the
 * Prometheus text exposition format 0.0.4 (# HELP, # TYPE, samples, no
 * timestamps), appended to out. Returns 0, -ENOMEM, or -ESHUTDOWN
 * while the node unloads its modules. Thread-safe. */
TDM_API int tdm_stats_prometheus(struct tdm_buf *out);

#endif
