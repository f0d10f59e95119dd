/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence: start-up load, the writer thread and the usrloc
 * hooks (see persist.h). The thread wakes every REG_PERSIST_FLUSH_MS or
 * as soon as REG_PERSIST_BATCH changes are pending, and writes the
 * journal in transactions of at most REG_PERSIST_BATCH rows. A database
 * that is down keeps the changes in the (coalesced) journal; the
 * connection's own backoff paces the retries. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <tandem/log.h>
#include <tandem/node.h>
#include "persist.h"
#include "persist_db.h"
#include "persist_journal.h"

TDM_LOG_SUBSYS(reg_persist_log, "registrar.persist");

static struct {
	_Atomic bool on;      /* the journal takes changes */
	bool thread;          /* the writer runs */
	bool down;            /* the last write failed (logged once) */
	uint64_t dropped_logged;
	int64_t next_purge;   /* wall clock: next delete of expired rows */
	int64_t next_open;    /* wall clock: next try to connect */
	const char *url;      /* the node's setting (lives as long as it) */
	pthread_t tid;
	struct reg_pj j;
	struct reg_pdb db;    /* the writer's own connection */
} P;

#define PURGE_EVERY_S 60

/* ---- The hooks ----------------------------------------------------------- */

/* "udp:127.0.0.1:5060" for a listen index, "" when unknown. */
static void socket_text(unsigned index, char *buf, size_t len)
{
	struct tdm_node_listen l;

	buf[0] = '\0';
	if (tdm_node_listen_get(index, &l) == 0 && l.bound)
		snprintf(buf, len, "%s:%s", tdm_proto_name(l.proto), l.bound);
}

void reg_persist_saved(const struct reg_ul_binding *b)
{
	char sock[96];
	struct tdm_str s;

	if (!P.on)
		return;
	socket_text(b->listen_index, sock, sizeof(sock));
	s = tdm_str_c(sock);
	reg_pj_put(&P.j, b, &s); /* -ENOSPC is counted and logged by the writer */
}

void reg_persist_removed(const struct tdm_str *ruid)
{
	if (P.on)
		reg_pj_del(&P.j, ruid);
}

void reg_persist_counts(unsigned *pending, uint64_t *dropped)
{
	*pending = 0;
	*dropped = 0;
	if (!P.on)
		return;
	pthread_mutex_lock(&P.j.lock);
	*pending = P.j.count;
	*dropped = P.j.dropped;
	pthread_mutex_unlock(&P.j.lock);
}

/* ---- Writing ------------------------------------------------------------- */

/* After a batch failed for a reason other than the connection (a row the
 * database refuses): write the rows one by one and drop the refused ones,
 * so one bad row never blocks the journal. 0, or a transient -errno. */
static int write_singly(struct tdm_list *batch)
{
	struct tdm_list_node *n;
	int rc;

	TDM_LIST_FOREACH(batch, n) {
		const struct reg_pj_entry *e =
			TDM_LIST_ENTRY(n, struct reg_pj_entry, lnode);

		rc = reg_pdb_write_one(&P.db, e);
		if (rc < 0 && reg_pdb_transient(rc))
			return rc;
		if (rc < 0)
			TDM_LOGE(&reg_persist_log,
				 "location row %.*s refused, dropped: %s",
				 TDM_STR_FMT(&e->row.ruid),
				 tdm_db_error(P.db.db));
	}
	return 0;
}

static void note_down(int rc)
{
	if (P.down)
		return;
	P.down = true;
	TDM_LOGE(&reg_persist_log,
		 "cannot write bindings to %s (%s): %u changes kept, retrying",
		 P.db.db ? tdm_db_url_safe(P.db.db) : "the database",
		 tdm_strerror(rc), reg_pj_pending(&P.j));
}

static void note_dropped(void)
{
	uint64_t d;

	pthread_mutex_lock(&P.j.lock);
	d = P.j.dropped;
	pthread_mutex_unlock(&P.j.lock);
	if (d == P.dropped_logged)
		return;
	TDM_LOGE(&reg_persist_log,
		 "journal full (%u bindings): %llu changes not persisted",
		 P.j.max, (unsigned long long)(d - P.dropped_logged));
	P.dropped_logged = d;
}

/* The database was down when the module loaded: connect now and then
 * (an open connection reconnects by itself, a failed open does not). */
static int reopen(void)
{
	int64_t now = (int64_t)time(NULL);
	char err[256];
	int rc;

	if (now < P.next_open)
		return -ENOTCONN;
	P.next_open = now + 2;
	rc = reg_pdb_open(&P.db, P.url, err, sizeof(err));
	return rc < 0 ? rc : 0;
}

/* Writes the journal in batches until it is empty or a write fails.
 * 0, or the failure (the batch is back in the journal). */
static int flush(void)
{
	struct tdm_list batch;
	int rc;

	if (!P.db.db && reg_pj_pending(&P.j) && (rc = reopen()) < 0) {
		note_down(rc);
		return rc;
	}
	tdm_list_init(&batch);
	while (reg_pj_take(&P.j, &batch, REG_PERSIST_BATCH)) {
		rc = reg_pdb_write(&P.db, &batch);
		if (rc < 0 && !reg_pdb_transient(rc))
			rc = write_singly(&batch);
		if (rc < 0) {
			reg_pj_giveback(&P.j, &batch);
			note_down(rc);
			return rc;
		}
		reg_pj_batch_free(&batch);
		if (P.down) {
			P.down = false;
			TDM_LOGN(&reg_persist_log,
				 "database back: writing bindings again");
		}
	}
	return 0;
}

/* Deletes expired rows now and then: bindings usrloc expired are deleted
 * one by one through the journal; this catches rows nobody holds (a
 * binding that expired while the node was down). */
static void purge(void)
{
	int64_t now = (int64_t)time(NULL);

	if (now < P.next_purge || !P.db.db)
		return;
	P.next_purge = now + PURGE_EVERY_S;
	reg_pdb_purge(&P.db, now);
}

static void *writer(void *arg)
{
	bool stop;

	(void)arg;
	do {
		stop = reg_pj_wait(&P.j, REG_PERSIST_FLUSH_MS);
		note_dropped();
		if (flush() == 0)
			purge();
	} while (!stop);
	return NULL;
}

/* At stop: flush, retrying a database that is down for a while. */
static void final_flush(void)
{
	struct timespec pause = { 0, 100 * 1000000L };
	unsigned waited = 0;

	while (flush() < 0 && waited < REG_PERSIST_STOP_WAIT_MS) {
		nanosleep(&pause, NULL);
		waited += 100;
	}
	if (reg_pj_pending(&P.j))
		TDM_LOGE(&reg_persist_log,
			 "stopping with %u binding changes not written to the "
			 "database", reg_pj_pending(&P.j));
}

/* ---- Start and stop ------------------------------------------------------ */

/* The listen index of a `socket` column value, 0 when unknown. */
static uint16_t socket_index(const struct tdm_str *socket)
{
	char want[96], have[96];

	if (!socket->len || socket->len >= sizeof(want))
		return 0;
	memcpy(want, socket->s, socket->len);
	want[socket->len] = '\0';
	for (unsigned i = 0; i < 0xffff; i++) {
		struct tdm_node_listen l;

		if (tdm_node_listen_get(i, &l))
			break;
		socket_text(i, have, sizeof(have));
		if (!strcmp(have, want))
			return (uint16_t)i;
	}
	return 0;
}

struct load_ctx {
	int64_t now;
	unsigned loaded;
};

static int load_one(void *arg, const struct reg_ul_binding *row,
		    const struct tdm_str *socket)
{
	struct load_ctx *c = arg;
	struct reg_ul_binding b = *row;
	int rc;

	b.listen_index = socket_index(socket);
	rc = reg_ul_load(reg_ul_main, &b, c->now);
	if (rc == 0)
		c->loaded++;
	else if (rc < 0)
		TDM_LOGW(&reg_persist_log, "binding %.*s not loaded: %s",
			 TDM_STR_FMT(&b.ruid), tdm_strerror(rc));
	return rc == -ENOMEM ? rc : 0;
}

/* False for a URL whose database surely holds no bindings: no node, an
 * in-memory SQLite database, an SQLite file that does not exist (a node
 * started without a database; do not create one behind its back). */
static bool wanted(const char *url)
{
	struct stat st;

	if (!url || !*url)
		return false;
	if (strncmp(url, "sqlite:", 7))
		return true;
	if (!strcmp(url + 7, ":memory:"))
		return false;
	return stat(url + 7, &st) == 0;
}

/* Reads the table into usrloc. -ENOTCONN is not fatal. */
static int load_table(void)
{
	struct load_ctx c = { (int64_t)time(NULL), 0 };
	int purged, rc;

	purged = reg_pdb_purge(&P.db, c.now);
	if (purged < 0)
		return purged;
	rc = reg_pdb_load(&P.db, c.now, load_one, &c);
	if (rc < 0)
		return rc;
	P.next_purge = c.now + PURGE_EVERY_S;
	TDM_LOGN(&reg_persist_log,
		 "loaded %u bindings from %s (%d expired rows deleted)",
		 c.loaded, tdm_db_url_safe(P.db.db), purged);
	return 0;
}

int reg_persist_start(void)
{
	const char *url = tdm_node_setting("database");
	char err[256] = "";
	int rc;

	tdm_log_subsys_register(&reg_persist_log);
	if (!reg_ul_main || !wanted(url)) {
		TDM_LOGI(&reg_persist_log, "bindings are not persisted (%s)",
			 url ? url : "no node database");
		return 0;
	}
	P.url = url;
	if ((rc = reg_pj_init(&P.j, REG_PERSIST_QUEUE_MAX, REG_PERSIST_BATCH)))
		return rc;
	rc = reg_pdb_open(&P.db, url, err, sizeof(err));
	if (rc == 0)
		rc = load_table();
	if (rc == -ENOTCONN || rc == -ETIMEDOUT) {
		TDM_LOGE(&reg_persist_log,
			 "database unreachable at start, bindings NOT loaded "
			 "(changes will be written when it is back): %s",
			 err[0] ? err : tdm_strerror(rc));
		reg_pdb_close(&P.db); /* the writer connects again later */
		rc = 0;
	} else if (rc) {
		TDM_LOGE(&reg_persist_log, "cannot use the location table: %s",
			 err[0] ? err : tdm_db_error(P.db.db));
	}
	if (!rc)
		rc = -pthread_create(&P.tid, NULL, writer, NULL);
	if (rc) {
		reg_pdb_close(&P.db);
		reg_pj_destroy(&P.j);
		return rc;
	}
	P.thread = true;
	P.on = true;
	return 0;
}

void reg_persist_stop(void)
{
	if (!P.thread)
		goto out;
	reg_pj_stop(&P.j);
	pthread_join(P.tid, NULL);
	P.on = false; /* the workers are gone: nothing adds any more */
	final_flush();
	reg_pdb_close(&P.db);
	reg_pj_destroy(&P.j);
	P.thread = false;
out:
	tdm_log_subsys_unregister(&reg_persist_log);
}
