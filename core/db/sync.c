/* SPDX-License-Identifier: GPL-2.0-or-later
 * The snapshot's sync (see sync.h). Loading pages through each table by
 * id (WHERE id > $1 ORDER BY id LIMIT 10000: every page is an index range
 * scan, unlike OFFSET). The change_log id is read BEFORE loading, so a
 * change made during the load is applied again afterwards (applying is
 * idempotent: the row is re-read by id, a missing row is a delete).
 *
 * PostgreSQL hands out sequence ids at insert time but transactions
 * commit in any order: id 11 may become visible after id 12 was read.
 * Every hole in the ids read is remembered for recheck_ms and looked for
 * again at each poll. When change_log lost ids we never saw (it was
 * trimmed while the node was cut off), everything is loaded again.
 *
 * A database that goes away leaves the snapshot as it was: lookups go on
 * answering from it, the thread says so once, retries (the db API spaces
 * the reconnects), says when it is back and catches up from its last
 * id. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include <tandem/log.h>
#include "db/schema.h"
#include "db/sync.h"

TDM_LOG_SUBSYS(tdm_log_db_sync, "db");

#define PAGE 10000
#define BATCH 1000
#define MAX_GAPS 4096
#define LOAD_WINDOW 1000   /* change_log ids before the load looked at */

struct gap {
	int64_t id;
	uint64_t until_ms;
};

struct change {
	int64_t id, row_id;
	int table;          /* enum tdm_snap_table, -1: another table */
};

struct tdm_db_sync {
	struct tdm_snap *snap;
	struct tdm_db *db;
	unsigned poll_ms, recheck_ms;
	bool pg;                    /* PostgreSQL dialect */
	bool listening;
	bool down;                  /* the last round failed */
	bool need_reload;
	int64_t last;               /* highest change_log id applied */
	_Atomic uint64_t synced_ms; /* caught up then (read by any thread) */
	struct tdm_db_stmt *page[TDM_SNAP__TABLES], *one[TDM_SNAP__TABLES];
	struct tdm_db_stmt *log, *log_range, *log_max, *log_min;
	struct gap *gaps;           /* ascending ids */
	unsigned ngaps;
	struct change *ch;
	unsigned nch, capch;
	/* the thread */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The SELECT list of each table, in the order put_row() reads it. */
static const char *const columns[TDM_SNAP__TABLES] = {
	"id, domain FROM domain",
	("id, username, domain, display_name, ha1, ha1_sha256, ha1_sha512t256, "
	 "CASE WHEN enabled THEN 1 ELSE 0 END FROM subscriber"),
	"id, alias_username, alias_domain, username, domain FROM alias",
	"id, grp, ip_addr, mask, port, tag FROM address",
};

static struct tdm_str col(const struct tdm_db_row *r, unsigned i)
{
	size_t len;
	const char *s = tdm_db_row_text(r, i, &len);

	return (struct tdm_str){ s, len };
}

/* One row of table t into the snapshot. A row the snapshot cannot hold
 * is logged and left out: it must not stop the load. */
static int put_row(struct tdm_db_sync *y, int t, const struct tdm_db_row *r)
{
	int64_t id = tdm_db_row_int(r, 0);
	int rc;

	switch (t) {
	case TDM_SNAP_DOMAIN: {
		struct tdm_str d = col(r, 1);
		rc = tdm_snap_put_domain(y->snap, id, &d);
		break;
	}
	case TDM_SNAP_SUBSCRIBER: {
		struct tdm_snap_sub_row s = {
			.id = id, .username = col(r, 1), .domain = col(r, 2),
			.display_name = col(r, 3), .ha1 = col(r, 4),
			.ha1_sha256 = col(r, 5), .ha1_sha512t256 = col(r, 6),
			.enabled = tdm_db_row_int(r, 7) != 0,
		};
		rc = tdm_snap_put_subscriber(y->snap, &s);
		break;
	}
	case TDM_SNAP_ALIAS: {
		struct tdm_snap_alias_row a = {
			.id = id, .alias_username = col(r, 1),
			.alias_domain = col(r, 2), .username = col(r, 3),
			.domain = col(r, 4),
		};
		rc = tdm_snap_put_alias(y->snap, &a);
		break;
	}
	default: {
		struct tdm_snap_addr_row a = {
			.id = id, .grp = (unsigned)tdm_db_row_int(r, 1),
			.ip = col(r, 2), .mask = (unsigned)tdm_db_row_int(r, 3),
			.port = (unsigned)tdm_db_row_int(r, 4), .tag = col(r, 5),
		};
		/* PostgreSQL's inet prints "10.0.0.0/8" for a network */
		const char *slash = memchr(a.ip.s, '/', a.ip.len);
		if (slash)
			a.ip.len = (size_t)(slash - a.ip.s);
		rc = tdm_snap_put_address(y->snap, &a);
		break;
	}
	}
	if (rc == -EINVAL) {
		TDM_LOGW(&tdm_log_db_sync, "%s row %lld left out of the snapshot: "
			 "a value it cannot hold", tdm_snap_table_names[t],
			 (long long)id);
		return 0;
	}
	return rc;
}

static int prepare_all(struct tdm_db_sync *y)
{
	char sql[512];
	int rc;

	for (int t = 0; t < TDM_SNAP__TABLES; t++) {
		const char *c = columns[t];
		if (t == TDM_SNAP_ADDRESS && y->pg)
			c = "id, grp, host(ip_addr), mask, port, tag FROM address";
		snprintf(sql, sizeof(sql), "SELECT %s WHERE id > $1 ORDER BY id "
			 "LIMIT %d", c, PAGE);
		if ((rc = tdm_db_prepare(y->db, sql, &y->page[t])))
			return rc;
		snprintf(sql, sizeof(sql), "SELECT %s WHERE id = $1", c);
		if ((rc = tdm_db_prepare(y->db, sql, &y->one[t])))
			return rc;
	}
	if ((rc = tdm_db_prepare(y->db, "SELECT id, tbl, row_id FROM change_log "
				 "WHERE id > $1 ORDER BY id LIMIT 1000", &y->log)) ||
	    (rc = tdm_db_prepare(y->db, "SELECT id, tbl, row_id FROM change_log "
				 "WHERE id >= $1 AND id <= $2 ORDER BY id",
				 &y->log_range)) ||
	    (rc = tdm_db_prepare(y->db, "SELECT COALESCE(MAX(id), 0) FROM "
				 "change_log", &y->log_max)) ||
	    (rc = tdm_db_prepare(y->db, "SELECT COALESCE(MIN(id), 0) FROM "
				 "change_log", &y->log_min)))
		return rc;
	return 0;
}

static int one_int(void *arg, const struct tdm_db_row *r)
{
	*(int64_t *)arg = tdm_db_row_int(r, 0);
	return 0;
}

struct page_arg {
	struct tdm_db_sync *y;
	int table;
	int64_t last;
	unsigned n;
	int err;
};

static int page_row(void *arg, const struct tdm_db_row *r)
{
	struct page_arg *p = arg;
	int rc = put_row(p->y, p->table, r);

	p->last = tdm_db_row_int(r, 0);
	p->n++;
	if (rc) {
		p->err = rc;
		return 1;
	}
	return 0;
}

/* Every row of table t, page by page. */
static int load_table(struct tdm_db_sync *y, int t, size_t *count)
{
	struct page_arg p = { .y = y, .table = t };
	int rc;

	do {
		struct tdm_db_val v = TDM_DB_INT_V(p.last);
		p.n = 0;
		rc = tdm_db_exec(y->page[t], &v, 1, page_row, &p);
		if (rc > 0)
			return p.err;
		if (rc < 0)
			return rc;
		*count += p.n;
	} while (p.n == PAGE);
	return 0;
}

/* ---- change_log ---------------------------------------------------- */

static int add_change(void *arg, const struct tdm_db_row *r)
{
	struct tdm_db_sync *y = arg;
	struct tdm_str tbl = col(r, 1);

	if (y->nch == y->capch) {
		unsigned nc = y->capch ? y->capch * 2 : 64;
		struct change *c = tdm_realloc(y->ch, nc * sizeof(*c));
		if (!c)
			return -ENOMEM;
		y->ch = c;
		y->capch = nc;
	}
	y->ch[y->nch++] = (struct change){
		.id = tdm_db_row_int(r, 0), .row_id = tdm_db_row_int(r, 2),
		.table = tdm_snap_table_parse(&tbl),
	};
	return 0;
}

struct one_arg {
	struct tdm_db_sync *y;
	int table;
	bool found;
	int err;
};

static int one_row(void *arg, const struct tdm_db_row *r)
{
	struct one_arg *o = arg;

	o->found = true;
	o->err = put_row(o->y, o->table, r);
	return o->err ? 1 : 0;
}

/* Re-reads the changed row: present = insert or update, absent = delete. */
static int apply(struct tdm_db_sync *y, const struct change *c)
{
	struct one_arg o = { .y = y, .table = c->table };
	struct tdm_db_val v = TDM_DB_INT_V(c->row_id);
	int rc;

	if (c->table < 0)
		return 0;
	rc = tdm_db_exec(y->one[c->table], &v, 1, one_row, &o);
	if (rc > 0)
		return o.err;
	if (rc < 0)
		return rc;
	if (!o.found)
		tdm_snap_del(y->snap, (enum tdm_snap_table)c->table, c->row_id);
	TDM_LOGD(&tdm_log_db_sync, "change %lld: %s %lld %s", (long long)c->id,
		 tdm_snap_table_names[c->table], (long long)c->row_id,
		 o.found ? "updated" : "deleted");
	return 0;
}

/* Remembers the ids from..to (inclusive) as holes to look at again. */
static void add_gaps(struct tdm_db_sync *y, int64_t from, int64_t to)
{
	uint64_t until = now_ms() + y->recheck_ms;

	if (!y->gaps && !(y->gaps = tdm_calloc(MAX_GAPS, sizeof(*y->gaps))))
		return;
	if (to - from >= MAX_GAPS)
		from = to - MAX_GAPS + 1;
	for (int64_t id = from; id <= to; id++) {
		if (y->ngaps == MAX_GAPS) { /* the oldest hole gives way */
			memmove(y->gaps, y->gaps + 1, (MAX_GAPS - 1) * sizeof(*y->gaps));
			y->ngaps--;
		}
		y->gaps[y->ngaps++] = (struct gap){ id, until };
	}
}

static struct gap *find_gap(struct tdm_db_sync *y, int64_t id)
{
	unsigned lo = 0, hi = y->ngaps;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (y->gaps[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < y->ngaps && y->gaps[lo].id == id ? &y->gaps[lo] : NULL;
}

/* Looks for the holes again: a late commit filled in is applied; holes
 * past their time are forgotten (a rolled-back transaction's id). */
static int recheck_gaps(struct tdm_db_sync *y, unsigned *applied)
{
	struct tdm_db_val v[2];
	uint64_t now = now_ms();
	unsigned keep = 0;
	int rc;

	if (!y->ngaps)
		return 0;
	v[0] = TDM_DB_INT_V(y->gaps[0].id);
	v[1] = TDM_DB_INT_V(y->gaps[y->ngaps - 1].id);
	y->nch = 0;
	if ((rc = tdm_db_exec(y->log_range, v, 2, add_change, y)))
		return rc < 0 ? rc : -ENOMEM;
	for (unsigned i = 0; i < y->nch; i++) {
		struct gap *g = find_gap(y, y->ch[i].id);
		if (!g)
			continue;
		if ((rc = apply(y, &y->ch[i])))
			return rc;
		g->until_ms = 0;  /* filled: drop it below */
		(*applied)++;
	}
	for (unsigned i = 0; i < y->ngaps; i++)
		if (y->gaps[i].until_ms > now)
			y->gaps[keep++] = y->gaps[i];
	y->ngaps = keep;
	return 0;
}

/* At load time: holes in the last ids before the load may still be
 * filled by transactions in flight. */
static int gaps_before(struct tdm_db_sync *y, int64_t last)
{
	int64_t from = last > LOAD_WINDOW ? last - LOAD_WINDOW + 1 : 1, expect;
	struct tdm_db_val v[2] = { TDM_DB_INT_V(from), TDM_DB_INT_V(last) };
	int rc;

	y->nch = 0;
	if ((rc = tdm_db_exec(y->log_range, v, 2, add_change, y)))
		return rc < 0 ? rc : -ENOMEM;
	/* ids below the lowest we have may just be trimmed: only holes
	 * between ids we see count */
	expect = y->nch ? y->ch[0].id : last + 1;
	for (unsigned i = 0; i < y->nch; i++) {
		if (y->ch[i].id > expect)
			add_gaps(y, expect, y->ch[i].id - 1);
		expect = y->ch[i].id + 1;
	}
	return 0;
}

int tdm_db_sync_reload(struct tdm_db_sync *y)
{
	size_t n[TDM_SNAP__TABLES] = { 0 };
	uint64_t t0 = now_ms();
	int64_t last = 0;
	size_t gone;
	int rc;

	if ((rc = tdm_db_exec(y->log_max, NULL, 0, one_int, &last)) < 0)
		return rc;
	tdm_snap_mark(y->snap);
	for (int t = 0; t < TDM_SNAP__TABLES; t++)
		if ((rc = load_table(y, t, &n[t])))
			return rc;
	gone = tdm_snap_sweep(y->snap);
	y->ngaps = 0;
	if ((rc = gaps_before(y, last)))
		return rc;
	y->last = last;
	y->need_reload = false;
	atomic_store_explicit(&y->synced_ms, now_ms(), memory_order_relaxed);
	TDM_LOGI(&tdm_log_db_sync, "snapshot loaded: %zu domains, %zu subscribers, "
		 "%zu aliases, %zu addresses (%zu removed) in %llu ms, from "
		 "change %lld", n[0], n[1], n[2], n[3], gone,
		 (unsigned long long)(now_ms() - t0), (long long)last);
	return 0;
}

/* change_log lost ids after ours (trimmed while we did not look)? */
static int trimmed(struct tdm_db_sync *y, bool *yes)
{
	int64_t min = 0;
	int rc = tdm_db_exec(y->log_min, NULL, 0, one_int, &min);

	if (rc < 0)
		return rc;
	*yes = min > y->last + 1;
	return 0;
}

int tdm_db_sync_poll(struct tdm_db_sync *y)
{
	unsigned applied = 0;
	int64_t from = y->last;
	int rc;

	if (y->need_reload && (rc = tdm_db_sync_reload(y)))
		return rc;
	for (;;) {
		struct tdm_db_val v = TDM_DB_INT_V(y->last);
		y->nch = 0;
		if ((rc = tdm_db_exec(y->log, &v, 1, add_change, y)))
			return rc < 0 ? rc : -ENOMEM;
		if (!y->nch)
			break;
		if (y->ch[0].id > y->last + 1) {
			bool lost;
			if ((rc = trimmed(y, &lost)))
				return rc;
			if (lost) {
				TDM_LOGN(&tdm_log_db_sync, "change_log no longer has "
					 "the changes after %lld: loading everything "
					 "again", (long long)y->last);
				y->need_reload = true;
				return tdm_db_sync_reload(y);
			}
		}
		for (unsigned i = 0; i < y->nch; i++) {
			const struct change *c = &y->ch[i];
			if (c->id > y->last + 1)
				add_gaps(y, y->last + 1, c->id - 1);
			if ((rc = apply(y, c)))
				return rc;
			y->last = c->id;
			applied++;
		}
		if (y->nch < BATCH)
			break;
	}
	if ((rc = recheck_gaps(y, &applied)))
		return rc;
	atomic_store_explicit(&y->synced_ms, now_ms(), memory_order_relaxed);
	if (applied)
		TDM_LOGI(&tdm_log_db_sync, "snapshot: %u change%s applied (change "
			 "log %lld to %lld)", applied, applied == 1 ? "" : "s",
			 (long long)from, (long long)y->last);
	return (int)applied;
}

int64_t tdm_db_sync_last(const struct tdm_db_sync *y)
{
	return y->last;
}

uint64_t tdm_db_sync_synced_ms(const struct tdm_db_sync *y)
{
	return atomic_load_explicit(&y->synced_ms, memory_order_relaxed);
}

int tdm_db_sync_schema_check(struct tdm_db *db, const char *dir, char *err,
			     size_t errlen)
{
	struct tdm_db_schema_status st;
	int rc = tdm_db_schema_status(db, dir, &st, err, errlen);

	if (rc)
		return rc;
	if (st.plan.todo) {
		tdm_db_plan_describe(&st.ms, &st.plan, err, errlen);
		rc = -EINVAL;
	}
	tdm_db_schema_status_free(&st);
	return rc;
}

int tdm_db_sync_open(struct tdm_snap *snap, const struct tdm_db_sync_cfg *cfg,
		     struct tdm_db_sync **out, char *err, size_t errlen)
{
	struct tdm_db_sync *y = tdm_calloc(1, sizeof(*y));
	int rc;

	if (!y)
		return -ENOMEM;
	y->snap = snap;
	y->poll_ms = cfg->poll_ms ? cfg->poll_ms : 200;
	y->recheck_ms = cfg->recheck_ms ? cfg->recheck_ms : 10000;
	pthread_mutex_init(&y->mu, NULL);
	{
		pthread_condattr_t a;
		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&y->cv, &a);
		pthread_condattr_destroy(&a);
	}
	if ((rc = tdm_db_open(cfg->url, NULL, &y->db, err, errlen)))
		goto fail;
	y->pg = !strcmp(tdm_db_dialect(y->db), "postgres");
	if (cfg->check_schema &&
	    (rc = tdm_db_sync_schema_check(y->db, cfg->schema_dir, err, errlen)))
		goto fail;
	if ((rc = prepare_all(y))) {
		snprintf(err, errlen, "%s: %s", tdm_db_url_safe(y->db),
			 tdm_db_error(y->db));
		goto fail;
	}
	rc = tdm_db_listen(y->db, "tandem_change");
	y->listening = rc == 0;
	if (rc && rc != -ENOTSUP) {
		snprintf(err, errlen, "%s: LISTEN: %s", tdm_db_url_safe(y->db),
			 tdm_db_error(y->db));
		goto fail;
	}
	if ((rc = tdm_db_sync_reload(y))) {
		snprintf(err, errlen, "%s: loading the snapshot: %s",
			 tdm_db_url_safe(y->db), rc == -ENOMEM ? tdm_strerror(rc) :
			 tdm_db_error(y->db));
		goto fail;
	}
	*out = y;
	return 0;
fail:
	tdm_db_sync_close(y);
	return rc;
}

/* Sleeps up to ms, or less when told to stop. True: stop. */
static bool pause_ms(struct tdm_db_sync *y, unsigned ms)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&y->mu);
	while (!y->stop && pthread_cond_timedwait(&y->cv, &y->mu, &ts) == 0)
		;
	stop = y->stop;
	pthread_mutex_unlock(&y->mu);
	return stop;
}

static bool stopping(struct tdm_db_sync *y)
{
	bool s;

	pthread_mutex_lock(&y->mu);
	s = y->stop;
	pthread_mutex_unlock(&y->mu);
	return s;
}

static void *run(void *arg)
{
	struct tdm_db_sync *y = arg;

	while (!stopping(y)) {
		int rc = tdm_db_sync_poll(y);
		if (rc < 0 && !y->down) {
			/* the driver's message names the database */
			TDM_LOGW(&tdm_log_db_sync, "snapshot sync failed: %s; "
				 "lookups answer from the snapshot until the "
				 "database is back", rc == -ENOMEM ?
				 tdm_strerror(rc) : tdm_db_error(y->db));
			y->down = true;
		} else if (rc >= 0 && y->down) {
			TDM_LOGN(&tdm_log_db_sync, "database %s is back: caught up "
				 "to change %lld", tdm_db_url_safe(y->db),
				 (long long)y->last);
			y->down = false;
		}
		/* a notification (or the poll interval) starts the next round;
		 * without a connection, or without LISTEN, wait the interval */
		if (y->listening && !y->down) {
			if (tdm_db_wait(y->db, y->poll_ms) < 0 &&
			    pause_ms(y, y->poll_ms))
				break;
		} else if (pause_ms(y, y->poll_ms)) {
			break;
		}
	}
	return NULL;
}

int tdm_db_sync_start(struct tdm_db_sync *y)
{
	int rc = pthread_create(&y->thread, NULL, run, y);

	if (rc)
		return -rc;
	y->started = true;
	return 0;
}

void tdm_db_sync_close(struct tdm_db_sync *y)
{
	if (!y)
		return;
	if (y->started) {
		pthread_mutex_lock(&y->mu);
		y->stop = true;
		pthread_cond_signal(&y->cv);
		pthread_mutex_unlock(&y->mu);
		pthread_join(y->thread, NULL);
	}
	tdm_db_close(y->db);  /* frees the statements too */
	tdm_free(y->gaps);
	tdm_free(y->ch);
	pthread_cond_destroy(&y->cv);
	pthread_mutex_destroy(&y->mu);
	tdm_free(y);
}
