/* SPDX-License-Identifier: GPL-2.0-or-later
 * The node's database: one snapshot and one sync thread per tandemd,
 * started before the node says it is ready (so the first request already
 * sees every subscriber) and stopped after the workers. */
#include <errno.h>
#include <stdio.h>
#include <tandem/log.h>
#include "db/sync.h"

static struct tdm_snap *snap;
static struct tdm_db_sync *sync_obj;

int tdm_db_node_start(const char *url, unsigned poll_ms, char *err,
		      size_t errlen)
{
	struct tdm_db_sync_cfg c = {
		.url = url, .poll_ms = poll_ms, .check_schema = true,
	};
	int rc;

	if ((rc = tdm_snap_new(&snap)))
		return rc;
	if ((rc = tdm_db_sync_open(snap, &c, &sync_obj, err, errlen)) ||
	    (rc = tdm_db_sync_start(sync_obj))) {
		if (rc && !err[0])
			snprintf(err, errlen, "database sync thread: %s",
				 tdm_strerror(rc));
		tdm_db_node_stop();
		return rc;
	}
	tdm_snap_set_node(snap);
	return 0;
}

void tdm_db_node_stop(void)
{
	tdm_snap_set_node(NULL);
	tdm_db_sync_close(sync_obj);
	sync_obj = NULL;
	tdm_snap_free(snap);
	snap = NULL;
}
