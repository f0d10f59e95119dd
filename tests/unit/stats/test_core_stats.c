/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of the core's statistics tables without a running node: the
 * database counters (core/db/db_stats.c) over a fake driver whose
 * statements fail on demand — errors by kind, the duration histogram,
 * statements, scripts and transaction control all counted — and the
 * node's table (core/node/node_stats.c) over two workers made by hand,
 * both read through the Prometheus renderer (tdm_stats_prometheus):
 * per-worker counters summed, only the label sets seen, the script
 * reload counters, and the snapshot gauges absent without a database. */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include <tandem/module.h>
#include <tandem/stats.h>
#include "db/db_stats.h"
#include "db/sync.h"
#include "module/mod.h"
#include "node/node.h"
#include "node/node_stats.h"
#include "node/worker.h"
#include "rpc/registry.h"
#include "script/reload.h"
#include "test.h"

/* ---- a fake driver: exec answers fk_rc --------------------------------- */

static int fk_rc;

static int f_connect(const char *url, const struct tdm_db_opts *o, void **c,
		     char *err, size_t errlen)
{
	(void)url;
	(void)o;
	(void)err;
	(void)errlen;
	*c = tdm_malloc(1);
	return *c ? 0 : -ENOMEM;
}

static void f_disconnect(void *c)
{
	tdm_free(c);
}

static int f_prepare(void *c, const char *sql, void **st, char *err,
		     size_t errlen)
{
	(void)c;
	(void)err;
	(void)errlen;
	*st = tdm_strndup(sql, strlen(sql));
	return *st ? 0 : -ENOMEM;
}

static void f_finalize(void *c, void *st)
{
	(void)c;
	tdm_free(st);
}

static int f_exec(void *c, void *st, const struct tdm_db_val *p, unsigned n,
		  tdm_db_row_fn *fn, void *arg, int64_t *changes, char *err,
		  size_t errlen)
{
	(void)c;
	(void)st;
	(void)p;
	(void)n;
	(void)fn;
	(void)arg;
	*changes = 0;
	if (fk_rc)
		snprintf(err, errlen, "fake: failed");
	return fk_rc;
}

static int f_script(void *c, const char *sql, char *err, size_t errlen)
{
	(void)c;
	(void)sql;
	(void)err;
	(void)errlen;
	return 0;
}

static const char *const f_schemes[] = { "fakestat", NULL };
static const struct tdm_db_driver f_driver = {
	.name = "fakestat", .schemes = f_schemes, .connect = f_connect,
	.disconnect = f_disconnect, .prepare = f_prepare,
	.finalize = f_finalize, .exec = f_exec, .script = f_script,
};
static const struct tdm_module db_fakestat_mod = {
	TDM_MODULE_HEADER, .name = "db_fakestat",
	.description = "fake database driver (statistics tests)",
	.db_driver = &f_driver,
};

static struct tdm_db *open_fake(void)
{
	struct tdm_db *db = NULL;
	char err[256] = "";

	tdm_mod_register_static(&db_fakestat_mod);
	CU_ASSERT_EQUAL(tdm_db_open("fakestat:x", NULL, &db, err, sizeof(err)), 0);
	return db;
}

static void close_fake(struct tdm_db *db)
{
	tdm_db_close(db);
	tdm_mod_unload_all();
	tdm_mod_unregister_static(NULL);
}

static int run(struct tdm_db_stmt *st, int rc)
{
	fk_rc = rc;
	return tdm_db_exec(st, NULL, 0, NULL, NULL);
}

/* ---- the rendered text ------------------------------------------------- */

static char *render(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	char *s;

	CU_ASSERT_EQUAL(tdm_stats_prometheus(&b), 0);
	s = tdm_malloc(b.len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (b.len)
		memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	tdm_buf_free(&b);
	return s;
}

/* True when text has the whole line `line`. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define ASSERT_LINE(text, line)                                               \
	do {                                                                  \
		bool ok_ = has_line((text), (line));                          \
		if (!ok_)                                                     \
			fprintf(stderr, "missing line: %s\n", (line));        \
		CU_ASSERT_TRUE(ok_);                                          \
	} while (0)

/* The value of the first sample line starting with `series ` (-1: none). */
static double value_of(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; (p = strstr(p, series)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

/* ---- database counters ------------------------------------------------- */

static void test_stats_db_errors_by_kind(void)
{
	struct tdm_db *db = open_fake();
	struct tdm_db_stmt *st = NULL;
	struct tdm_db_counts c;
	uint64_t in_buckets = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	tdm_db_stats_reset();
	CU_ASSERT_EQUAL_FATAL(tdm_db_prepare(db, "SELECT 1", &st), 0);
	tdm_db_stats_get(&c);
	CU_ASSERT_EQUAL(c.queries, 0); /* preparing is no statement */
	CU_ASSERT_EQUAL(run(st, 0), 0);
	CU_ASSERT_EQUAL(run(st, -ETIMEDOUT), -ETIMEDOUT);
	CU_ASSERT_EQUAL(run(st, -EEXIST), -EEXIST);
	CU_ASSERT_EQUAL(run(st, -EINVAL), -EINVAL);
	CU_ASSERT_EQUAL(run(st, -EINVAL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_script(db, "CREATE TABLE t (x)"), 0);
	CU_ASSERT_EQUAL(tdm_db_begin(db), 0);
	CU_ASSERT_EQUAL(tdm_db_commit(db), 0);
	/* last: the connection drops, and the backoff window fails the next
	 * statement at once — both are connection errors */
	CU_ASSERT_EQUAL(run(st, -ENOTCONN), -ENOTCONN);
	CU_ASSERT_EQUAL(run(st, 0), -ENOTCONN);
	tdm_db_stats_get(&c);
	CU_ASSERT_EQUAL(c.queries, 10);
	CU_ASSERT_EQUAL(c.errors[TDM_DB_ERR_TIMEOUT], 1);
	CU_ASSERT_EQUAL(c.errors[TDM_DB_ERR_CONNECTION], 2);
	CU_ASSERT_EQUAL(c.errors[TDM_DB_ERR_CONSTRAINT], 1);
	CU_ASSERT_EQUAL(c.errors[TDM_DB_ERR_OTHER], 2);
	for (unsigned i = 0; i <= TDM_DB_BUCKETS; i++)
		in_buckets += c.buckets[i];
	CU_ASSERT_EQUAL(in_buckets, 10);
	CU_ASSERT_TRUE(c.sum_seconds >= 0);
	tdm_db_stmt_free(st);
	close_fake(db);
	tdm_db_stats_reset();
	tdm_db_stats_get(&c);
	CU_ASSERT_EQUAL(c.queries, 0);
}

static void test_stats_db_prometheus(void)
{
	struct tdm_db *db = open_fake();
	struct tdm_db_stmt *st = NULL;
	double prev = 0, v;
	char *text, series[96];

	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	tdm_db_stats_reset();
	CU_ASSERT_EQUAL_FATAL(tdm_db_prepare(db, "SELECT 1", &st), 0);
	run(st, 0);
	run(st, 0);
	run(st, -ETIMEDOUT);
	tdm_db_stmt_free(st);
	close_fake(db);
	CU_ASSERT_EQUAL_FATAL(tdm_stats_add_core_table("db", tdm_db_stat_defs), 0);
	text = render();
	ASSERT_LINE(text, "# TYPE tandem_db_queries_total counter");
	ASSERT_LINE(text, "tandem_db_queries_total 3");
	ASSERT_LINE(text, "tandem_db_errors_total{kind=\"timeout\"} 1");
	ASSERT_LINE(text, "tandem_db_errors_total{kind=\"connection\"} 0");
	ASSERT_LINE(text, "tandem_db_errors_total{kind=\"constraint\"} 0");
	ASSERT_LINE(text, "tandem_db_errors_total{kind=\"other\"} 0");
	ASSERT_LINE(text, "# TYPE tandem_db_query_duration_seconds histogram");
	/* cumulative buckets from 0.5 ms to 5 s, then +Inf = count */
	for (unsigned i = 0; i < TDM_DB_BUCKETS; i++) {
		snprintf(series, sizeof(series),
			 "tandem_db_query_duration_seconds_bucket{le=\"%g\"}",
			 tdm_db_bucket_bounds[i]);
		v = value_of(text, series);
		CU_ASSERT_TRUE(v >= prev);
		prev = v;
	}
	CU_ASSERT_TRUE(value_of(text, "tandem_db_query_duration_seconds_bucket{le=\"0.0005\"}") >= 0);
	CU_ASSERT_TRUE(value_of(text, "tandem_db_query_duration_seconds_bucket{le=\"5\"}") >= 0);
	ASSERT_LINE(text, "tandem_db_query_duration_seconds_bucket{le=\"+Inf\"} 3");
	ASSERT_LINE(text, "tandem_db_query_duration_seconds_count 3");
	CU_ASSERT_TRUE(value_of(text, "tandem_db_query_duration_seconds_sum") >= 0);
	/* no database for the node: the snapshot families have no sample */
	ASSERT_LINE(text, "# TYPE tandem_snapshot_age_seconds gauge");
	CU_ASSERT_EQUAL(value_of(text, "tandem_snapshot_age_seconds"), -1);
	CU_ASSERT_EQUAL(value_of(text, "tandem_snapshot_subscribers"), -1);
	tdm_free(text);
	tdm_rpc_clear_core_tables();
	tdm_db_stats_reset();
}

static void test_stats_snapshot_without_db(void)
{
	struct tdm_snap_stats st;
	double age = -1;

	CU_ASSERT_EQUAL(tdm_db_node_snapshot_age(&age), -ENOENT);
	CU_ASSERT_EQUAL(age, -1);
	CU_ASSERT_EQUAL(tdm_db_node_snapshot_stats(&st), -ENOENT);
}

/* ---- the node's table over hand-made workers --------------------------- */

static void test_stats_node_workers(void)
{
	struct tdm_node n = { .nlisten = 0 };
	struct tdm_worker *w1 = tdm_calloc(1, sizeof(*w1));
	struct tdm_worker *w2 = tdm_calloc(1, sizeof(*w2));
	char *text;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w2);
	n.have[TDM_PROTO_UDP] = n.have[TDM_PROTO_TCP] = true;
	w1->node = w2->node = &n;
	for (int i = 0; i < 3; i++)
		TDM_STAT_BUMP(&w1->st.requests[TDM_PROTO_UDP][TDM_SIP_OPTIONS]);
	TDM_STAT_ADD(&w2->st.requests[TDM_PROTO_UDP][TDM_SIP_OPTIONS], 2);
	TDM_STAT_BUMP(&w2->st.requests[TDM_PROTO_TCP][TDM_SIP_METHOD_OTHER]);
	TDM_STAT_ADD(&w1->st.replies_in[TDM_PROTO_UDP][1], 4);
	TDM_STAT_ADD(&w1->st.replies_out[1], 5);
	TDM_STAT_ADD(&w2->st.replies_out[1], 2);
	TDM_STAT_BUMP(&w2->st.replies_out[3]);
	TDM_STAT_ADD(&w1->st.parse_errors[TDM_PROTO_UDP], 4);
	atomic_store(&w1->st.txn_active, 2);
	atomic_store(&w2->st.txn_active, 1);
	atomic_store(&w1->st.txn_server_total, 10);
	atomic_store(&w2->st.txn_client_total, 7);
	atomic_store(&w2->st.retransmitted, 3);
	atomic_store(&w1->st.absorbed, 2);
	atomic_store(&w2->st.timeouts, 1);
	tdm_node_stats_attach(w1);
	tdm_node_stats_attach(w2);
	tdm_node_stats_register();
	tdm_node_stats_register(); /* twice: harmless */

	text = render();
	ASSERT_LINE(text, "# TYPE tandem_sip_requests_received_total counter");
	ASSERT_LINE(text, "tandem_sip_requests_received_total{method=\"OPTIONS\",transport=\"udp\"} 5");
	ASSERT_LINE(text, "tandem_sip_requests_received_total{method=\"OTHER\",transport=\"tcp\"} 1");
	CU_ASSERT_PTR_NULL(strstr(text, "method=\"INVITE\""));
	ASSERT_LINE(text, "tandem_sip_replies_received_total{class=\"2xx\",transport=\"udp\"} 4");
	ASSERT_LINE(text, "tandem_sip_replies_sent_total{class=\"1xx\"} 0");
	ASSERT_LINE(text, "tandem_sip_replies_sent_total{class=\"2xx\"} 7");
	ASSERT_LINE(text, "tandem_sip_replies_sent_total{class=\"4xx\"} 1");
	ASSERT_LINE(text, "tandem_sip_replies_sent_total{class=\"6xx\"} 0");
	ASSERT_LINE(text, "tandem_sip_parse_errors_total{transport=\"udp\"} 4");
	ASSERT_LINE(text, "tandem_sip_parse_errors_total{transport=\"tcp\"} 0");
	CU_ASSERT_PTR_NULL(strstr(text, "tandem_sip_parse_errors_total{transport=\"tls\"}"));
	ASSERT_LINE(text, "# TYPE tandem_transactions_active gauge");
	ASSERT_LINE(text, "tandem_transactions_active 3");
	ASSERT_LINE(text, "tandem_transactions_total{kind=\"server\"} 10");
	ASSERT_LINE(text, "tandem_transactions_total{kind=\"client\"} 7");
	ASSERT_LINE(text, "tandem_retransmissions_total 3");
	ASSERT_LINE(text, "tandem_retransmissions_absorbed_total 2");
	ASSERT_LINE(text, "tandem_transaction_timeouts_total 1");
	ASSERT_LINE(text, "tandem_udp_datagrams_dropped_total{reason=\"send\"} 0");
	ASSERT_LINE(text, "tandem_workers 2");
	ASSERT_LINE(text, "tandem_build_info{version=\"" PACKAGE_VERSION "\"} 1");
	CU_ASSERT_TRUE(value_of(text, "tandem_start_time_seconds") > 1e9);
	CU_ASSERT_TRUE(value_of(text, "tandem_tcp_connections") >= 0);
	CU_ASSERT_TRUE(value_of(text, "tandem_dns_queries_total") >= 0);
	CU_ASSERT_TRUE(value_of(text, "tandem_script_reloads_total{result=\"ok\"}") >= 0);
	CU_ASSERT_TRUE(value_of(text, "tandem_script_reloads_total{result=\"failed\"}") >= 0);
	/* both tables: the database's too */
	ASSERT_LINE(text, "# TYPE tandem_db_queries_total counter");
	tdm_free(text);

	/* a worker that goes no longer counts */
	tdm_node_stats_detach(w2);
	text = render();
	ASSERT_LINE(text, "tandem_workers 1");
	ASSERT_LINE(text, "tandem_sip_requests_received_total{method=\"OPTIONS\",transport=\"udp\"} 3");
	CU_ASSERT_PTR_NULL(strstr(text, "method=\"OTHER\""));
	tdm_free(text);
	tdm_node_stats_detach(w1);
	tdm_node_stats_detach(w1); /* not attached: a no-op */
	text = render();
	ASSERT_LINE(text, "tandem_workers 0");
	tdm_free(text);
	tdm_rpc_clear_core_tables();
	tdm_free(w1);
	tdm_free(w2);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_stats_script_reloads(void)
{
	struct tdm_buf rep = TDM_BUF_INIT;
	uint64_t ok0, failed0, ok, failed;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/tandem-stats-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	tdm_scr_current_clear();
	tdm_scr_reload_counts(&ok0, &failed0);
	/* the first load (tandemd's start) is no reload, nor is a failed one */
	write_file(path, "route request { reply( }\n");
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), -EBADMSG);
	write_file(path, "route request { reply(200) }\n");
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), 0);
	tdm_scr_reload_counts(&ok, &failed);
	CU_ASSERT_EQUAL(ok - ok0, 0);
	CU_ASSERT_EQUAL(failed - failed0, 0);
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), 0);
	write_file(path, "route request { reply( }\n");
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), -EBADMSG);
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), -EBADMSG);
	tdm_scr_reload_counts(&ok, &failed);
	CU_ASSERT_EQUAL(ok - ok0, 1);
	CU_ASSERT_EQUAL(failed - failed0, 2);
	tdm_buf_free(&rep);
	tdm_scr_current_clear();
	unlink(path);
}

TDM_TEST_SUITE(core_stats,
	       TDM_TEST(test_stats_db_errors_by_kind),
	       TDM_TEST(test_stats_db_prometheus),
	       TDM_TEST(test_stats_snapshot_without_db),
	       TDM_TEST(test_stats_node_workers),
	       TDM_TEST(test_stats_script_reloads))
