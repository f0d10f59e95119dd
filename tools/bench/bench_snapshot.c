/* SPDX-License-Identifier: GPL-2.0-or-later
 * bench_snapshot [URL] [N]: the provisioning snapshot at scale. Creates
 * the schema on URL (default: a new SQLite file in $TMPDIR), bulk-inserts
 * N subscribers (default 1,000,000; one transaction, one prepared
 * INSERT), then prints
 *   - the snapshot load time (median of 3 full loads),
 *   - the bytes per subscriber (the snapshot's own accounting, and the
 *     heap growth mallinfo2() sees during a load),
 *   - the change-propagation latency (median of 20: a subscriber inserted
 *     through a second connection, until a lookup finds it, with the sync
 *     thread at its default 200 ms interval).
 * Targets: load <= 5 s, <= 200 B per subscriber, propagation <= 1 s.
 * For PostgreSQL give an empty database: postgres://user@host:port/db. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tandem/db.h>
#include <tandem/log.h>
#include "bench_util.h"
#include "db/schema.h"
#include "db/sync.h"

#define ROUNDS 3
#define PROPAGATIONS 20

static const char H32[] = "0123456789abcdef0123456789abcdef";
static const char H64[] =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int die(const char *what, struct tdm_db *db)
{
	fprintf(stderr, "bench_snapshot: %s: %s\n", what, db ? tdm_db_error(db) : "");
	return 1;
}

static int insert_one(struct tdm_db_stmt *st, const char *user)
{
	struct tdm_db_val v[4] = {
		TDM_DB_TEXT_C(user), TDM_DB_TEXT_C(H32), TDM_DB_TEXT_C(H64),
		TDM_DB_TEXT_C(H64),
	};

	return tdm_db_exec(st, v, 4, NULL, NULL);
}

static const char INSERT[] =
	"INSERT INTO subscriber (username, domain, ha1, ha1_sha256, "
	"ha1_sha512t256) VALUES ($1, 'example.org', $2, $3, $4)";

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/tdm-bench-snapshot-XXXXXX", url[128], err[512];
	const char *u = argc > 1 && argv[1][0] ? argv[1] : NULL;
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	struct tdm_db *db;
	struct tdm_db_stmt *st;
	double load[ROUNDS], prop[PROPAGATIONS], bytes = 0, heap = 0;
	struct tdm_db_sync_cfg cfg = { 0 };
	struct tdm_snap *snap;
	struct tdm_db_sync *y;
	char user[32];
	double t0;
	int fd = -1;

	tdm_log_set_level("db", TDM_LOG_WARN);
	if (!u) {
		if ((fd = mkstemp(tmpl)) < 0)
			return die("mkstemp", NULL);
		close(fd);
		snprintf(url, sizeof(url), "sqlite:%s", tmpl);
		u = url;
	}
	cfg.url = u;
	if (tdm_db_open(u, NULL, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_snapshot: %s\n", err);
		return 1;
	}
	if (tdm_db_schema_migrate(db, NULL, 0, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_snapshot: schema: %s\n", err);
		return 1;
	}
	if (tdm_db_query(db, "INSERT INTO domain (domain) VALUES ('example.org')",
			 NULL, 0, NULL, NULL) < 0)
		return die("insert domain (the database must be empty)", db);
	t0 = bench_now_ns();
	if (tdm_db_begin(db) || tdm_db_prepare(db, INSERT, &st))
		return die("prepare", db);
	for (long i = 0; i < n; i++) {
		snprintf(user, sizeof(user), "user%07ld", i);
		if (insert_one(st, user) < 0)
			return die("insert", db);
	}
	if (tdm_db_commit(db))
		return die("commit", db);
	printf("url %s\nsubscribers %ld\ninsert %.2f s (one transaction)\n",
	       tdm_db_url_safe(db), n, (bench_now_ns() - t0) / 1e9);

	for (int r = 0; r < ROUNDS; r++) {
		struct mallinfo2 m0 = mallinfo2();
		struct tdm_snap_stats s;
		if (tdm_snap_new(&snap))
			return die("snapshot", NULL);
		t0 = bench_now_ns();
		if (tdm_db_sync_open(snap, &cfg, &y, err, sizeof(err))) {
			fprintf(stderr, "bench_snapshot: %s\n", err);
			return 1;
		}
		load[r] = (bench_now_ns() - t0) / 1e9;
		tdm_snap_stats(snap, &s);
		if ((long)s.subscribers != n) {
			fprintf(stderr, "bench_snapshot: loaded %zu of %ld\n",
				s.subscribers, n);
			return 1;
		}
		bytes = (double)s.bytes / (double)n;
		tdm_db_sync_close(y); /* the snapshot alone stays */
		heap = ((double)mallinfo2().uordblks - (double)m0.uordblks) / (double)n;
		tdm_snap_free(snap);
	}
	printf("load %.2f s (median of %d)\n", bench_median(load, ROUNDS), ROUNDS);
	printf("memory %.1f B/subscriber (snapshot accounting), %.1f B/subscriber "
	       "(heap growth, mallinfo2)\n", bytes, heap);

	/* propagation, with the thread at the default interval */
	if (tdm_snap_new(&snap) || tdm_db_sync_open(snap, &cfg, &y, err, sizeof(err)) ||
	    tdm_db_sync_start(y)) {
		fprintf(stderr, "bench_snapshot: %s\n", err);
		return 1;
	}
	if (tdm_db_prepare(db, INSERT, &st))
		return die("prepare", db);
	for (int r = 0; r < PROPAGATIONS; r++) {
		struct tdm_str us, dom = TDM_STR("example.org");
		snprintf(user, sizeof(user), "late%02d", r);
		us = tdm_str_c(user);
		t0 = bench_now_ns();
		if (insert_one(st, user) < 0)
			return die("insert", db);
		while (tdm_snap_subscriber(snap, &us, &dom, NULL) &&
		       bench_now_ns() - t0 < 10e9)
			usleep(1000);
		prop[r] = (bench_now_ns() - t0) / 1e6;
		usleep(37000); /* not in step with the poll interval */
	}
	t0 = bench_median(prop, PROPAGATIONS);
	printf("propagation %.0f ms (median of %d, max %.0f ms)\n", t0,
	       PROPAGATIONS, prop[PROPAGATIONS - 1]);
	tdm_db_sync_close(y);
	tdm_snap_free(snap);
	tdm_db_close(db);
	if (fd >= 0) {
		unlink(tmpl);
		snprintf(url, sizeof(url), "%s-wal", tmpl);
		unlink(url);
		snprintf(url, sizeof(url), "%s-shm", tmpl);
		unlink(url);
	}
	return 0;
}
