/* SPDX-License-Identifier: GPL-2.0-or-later
 * db.status: where the node's database stands — the schema against the
 * migrations this build has, and how fresh the in-memory snapshot is.
 * The schema is read over a connection of its own (the sync thread's is
 * not shared), opened for the call with short timeouts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/db.h>
#include <tandem/node.h>
#include <tandem/snapshot.h>
#include "db/schema.h"
#include "db/sync.h"
#include "rpc/builtin.h"

/* The URL with any password replaced by ***: user:pw@ in a URL,
 * password=... in a key=value connection string. */
static void redact(const char *url, char *out, size_t outlen)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
	const char *pw = strstr(url, "password=");

	snprintf(out, outlen, "%s", url);
	if (scheme && at && at > scheme) {
		const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
		if (colon)
			snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
	} else if (pw) {
		const char *end = pw + 9 + strcspn(pw + 9, " ");
		snprintf(out, outlen, "%.*spassword=***%s", (int)(pw - url), url, end);
	}
}

static void schema(struct tdm_rpc_val *o, const char *url)
{
	struct tdm_db_opts opts = { .connect_timeout_ms = 2000,
				    .query_timeout_ms = 2000 };
	struct tdm_rpc_val *s = tdm_rpc_add_object(o, "schema"), *miss;
	struct tdm_db_schema_status st;
	struct tdm_db *db = NULL;
	char err[256] = "";

	if (tdm_db_open(url, &opts, &db, err, sizeof(err)) ||
	    tdm_db_schema_status(db, NULL, &st, err, sizeof(err))) {
		tdm_rpc_add_str(s, "error", err[0] ? err : "cannot read the schema");
		tdm_db_close(db);
		return;
	}
	tdm_rpc_add_int(s, "version", st.plan.current);
	tdm_rpc_add_int(s, "latest", st.plan.target);
	miss = tdm_rpc_add_array(s, "missing");
	for (unsigned i = 0; i < st.plan.todo; i++)
		tdm_rpc_add_str(miss, NULL, st.ms.m[st.plan.first + i].name);
	tdm_db_schema_status_free(&st);
	tdm_db_close(db);
}

static int db_status(struct tdm_rpc *r)
{
	const char *url = tdm_node_setting("database");
	struct tdm_rpc_val *o, *sn;
	struct tdm_snap_stats ss;
	char shown[512];
	double age;

	if (tdm_db_node_snapshot_stats(&ss) || !url)
		return tdm_rpc_fail(r, TDM_RPC_UNAVAILABLE,
				    "this node has no database (set `database` in the script's settings)");
	o = tdm_rpc_result_object(r);
	redact(url, shown, sizeof(shown));
	tdm_rpc_add_str(o, "url", shown);
	schema(o, url);
	sn = tdm_rpc_add_object(o, "snapshot");
	if (!tdm_db_node_snapshot_age(&age))
		tdm_rpc_add_double(sn, "age_seconds", age);
	else
		tdm_rpc_add_null(sn, "age_seconds");
	tdm_rpc_add_int(sn, "domains", (int64_t)ss.domains);
	tdm_rpc_add_int(sn, "subscribers", (int64_t)ss.subscribers);
	tdm_rpc_add_int(sn, "aliases", (int64_t)ss.aliases);
	tdm_rpc_add_int(sn, "addresses", (int64_t)ss.addresses);
	tdm_rpc_add_int(sn, "bytes", (int64_t)ss.bytes);
	return 0;
}

static const struct tdm_rpc_def db_rpcs[] = {
	{ "db.status", db_status, "",
	  "Database schema against this build's migrations, and the snapshot's age and size" },
	TDM_RPC_END
};

const struct tdm_rpc_def *tdm_rpc_db_table(void)
{
	return db_rpcs;
}
