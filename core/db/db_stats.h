/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the database's statistics — statements run, their
 * errors by kind and their duration, counted where every statement
 * reaches the driver (db_stmt.c, db_txn.c) for all connections of the
 * process — and the provisioning snapshot's gauges. The node registers
 * the table (core/node/node_stats.c); core/db knows nothing of the node. */
#ifndef TDM_DB_STATS_H
#define TDM_DB_STATS_H

#include <stdint.h>
#include <tandem/stats.h>

/* The table: db_queries_total, db_errors_total{kind},
 * db_query_duration_seconds, snapshot_* (TDM_STAT_END-terminated). */
extern const struct tdm_stat_def tdm_db_stat_defs[];

enum tdm_db_err_kind {
	TDM_DB_ERR_TIMEOUT,     /* -ETIMEDOUT: past query_timeout_ms */
	TDM_DB_ERR_CONNECTION,  /* -ENOTCONN: unreachable, connection lost */
	TDM_DB_ERR_CONSTRAINT,  /* -EEXIST: a unique constraint */
	TDM_DB_ERR_OTHER,       /* bad SQL, other constraints, -ENOMEM ... */
	TDM_DB_ERR__KINDS
};

/* Upper bounds of the duration histogram, seconds (0.5 ms .. 5 s). */
#define TDM_DB_BUCKETS 13
extern const double tdm_db_bucket_bounds[TDM_DB_BUCKETS];

/* Monotonic nanoseconds: what a statement's start is taken with. */
uint64_t tdm_db_stats_clock(void);
/* Counts one statement that started at t0 (tdm_db_stats_clock) and
 * returned rc (0 or -errno). Thread-safe, lock-free. */
void tdm_db_stats_observe(int rc, uint64_t t0);

/* The counters as they are now (tests, the db.status RPC). */
struct tdm_db_counts {
	uint64_t queries;
	uint64_t errors[TDM_DB_ERR__KINDS];
	uint64_t buckets[TDM_DB_BUCKETS + 1]; /* not cumulative; last: above */
	double sum_seconds;
};
void tdm_db_stats_get(struct tdm_db_counts *out);
/* Back to zero (tests). */
void tdm_db_stats_reset(void);

#endif
