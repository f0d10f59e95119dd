/* SPDX-License-Identifier: GPL-2.0-or-later
 * The node's database: one snapshot and one sync thread per tandemd,
 * started before the node says it is ready (so the first request already
 * sees every subscriber) and stopped after the workers. The admin API
 * reads the snapshot's age and sizes from its own threads: a mutex keeps
 * the pair from being freed under such a reader. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <tandem/log.h>
#include "db/sync.h"

static pthread_mutex_t node_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tdm_snap *snap;            /* under node_lock */
static struct tdm_db_sync *sync_obj;     /* under node_lock */

int tdm_db_node_start(const char *url, unsigned poll_ms, char *err,
		      size_t errlen)
{
	struct tdm_db_sync_cfg c = {
		.url = url, .poll_ms = poll_ms, .check_schema = true,
	};
	struct tdm_snap *s;
	struct tdm_db_sync *y = NULL;
	int rc;

	if ((rc = tdm_snap_new(&s)))
		return rc;
	if ((rc = tdm_db_sync_open(s, &c, &y, err, errlen)) ||
	    (rc = tdm_db_sync_start(y))) {
		if (rc && !err[0])
			snprintf(err, errlen, "database sync thread: %s",
				 tdm_strerror(rc));
		tdm_db_sync_close(y);
		tdm_snap_free(s);
		return rc;
	}
	pthread_mutex_lock(&node_lock);
	snap = s;
	sync_obj = y;
	pthread_mutex_unlock(&node_lock);
	tdm_snap_set_node(s);
	return 0;
}

void tdm_db_node_stop(void)
{
	struct tdm_snap *s;
	struct tdm_db_sync *y;

	tdm_snap_set_node(NULL);
	pthread_mutex_lock(&node_lock);
	s = snap;
	y = sync_obj;
	snap = NULL;
	sync_obj = NULL;
	pthread_mutex_unlock(&node_lock);
	tdm_db_sync_close(y); /* joins the thread: not under the lock */
	tdm_snap_free(s);
}

int tdm_db_node_snapshot_age(double *seconds)
{
	struct timespec ts;
	uint64_t now, at;
	int rc = -ENOENT;

	pthread_mutex_lock(&node_lock);
	if (sync_obj) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
		at = tdm_db_sync_synced_ms(sync_obj);
		*seconds = at && now > at ? (double)(now - at) / 1000.0 : 0.0;
		rc = 0;
	}
	pthread_mutex_unlock(&node_lock);
	return rc;
}

int tdm_db_node_snapshot_stats(struct tdm_snap_stats *out)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&node_lock);
	if (snap) {
		tdm_snap_stats(snap, out);
		rc = 0;
	}
	pthread_mutex_unlock(&node_lock);
	return rc;
}
