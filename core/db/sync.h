/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: keeping the provisioning snapshot in step with the
 * database. The sync object owns its own connection; it loads every
 * table (keyset pagination), then follows change_log from the highest id
 * it saw before loading, re-reading each changed row by id. One thread
 * per node runs it (tdm_db_sync_start); tests and the benchmark may
 * drive it step by step with tdm_db_sync_poll() instead. */
#ifndef TDM_DB_SYNC_H
#define TDM_DB_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "db/snap.h"

struct tdm_db;

struct tdm_db_sync_cfg {
	const char *url;
	unsigned poll_ms;        /* [200] between change_log polls */
	unsigned recheck_ms;     /* [10000] how long a gap in change_log ids
				  * is looked at again (late commits) */
	bool check_schema;       /* refuse a database behind this build */
	const char *schema_dir;  /* the migrations folder; NULL: the
				  * default of db/schema.h */
};

struct tdm_db_sync;

/* Connects to cfg->url, checks the schema when asked, loads the whole
 * snap and subscribes to change notifications. 0, or -errno with a
 * sentence in err (unreachable database, old schema ...). */
int tdm_db_sync_open(struct tdm_snap *snap, const struct tdm_db_sync_cfg *cfg,
		     struct tdm_db_sync **out, char *err, size_t errlen);
/* Starts the thread. 0 or -errno. */
int tdm_db_sync_start(struct tdm_db_sync *y);
/* Stops the thread (when started), disconnects, frees y. NULL is fine. */
void tdm_db_sync_close(struct tdm_db_sync *y);

/* One round without the thread: read change_log past the last id, apply,
 * look at the gaps again. Returns the changes applied or -errno. */
int tdm_db_sync_poll(struct tdm_db_sync *y);
/* Loads everything again (mark, load, sweep). 0 or -errno. */
int tdm_db_sync_reload(struct tdm_db_sync *y);
/* The highest change_log id applied. */
int64_t tdm_db_sync_last(const struct tdm_db_sync *y);
/* When y last caught up with change_log (a full load, or a poll round
 * that read to the end): CLOCK_MONOTONIC milliseconds, 0 never. Any thread. */
uint64_t tdm_db_sync_synced_ms(const struct tdm_db_sync *y);

/* Schema check with the migration runner's status (db/schema.h): 0 when
 * the database is current, else -EINVAL with tdm_db_plan_describe()'s
 * sentence (or what is wrong) in err. dir NULL: the default folder. */
int tdm_db_sync_schema_check(struct tdm_db *db, const char *dir, char *err,
			     size_t errlen);

/* The node's database: opens and loads (before the node is ready), makes
 * the snapshot tdm_snap_node() and starts the thread. 0, or -errno with
 * the sentence for the operator in err. */
int tdm_db_node_start(const char *url, unsigned poll_ms, char *err,
		      size_t errlen);
void tdm_db_node_stop(void);

/* The node's snapshot: seconds since its sync thread last caught up with
 * change_log (it grows while the database is away), and its sizes. Any
 * thread (the admin API). 0, or -ENOENT when the node has no database. */
int tdm_db_node_snapshot_age(double *seconds);
int tdm_db_node_snapshot_stats(struct tdm_snap_stats *out);

#endif
