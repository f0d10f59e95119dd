/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of the registrar's write-behind (modules/registrar/
 * persist_journal.c, persist_db.c): coalescing by ruid, the bound,
 * giving a failed batch back without undoing newer changes, and batches
 * written to a real SQLite file through <tandem/db.h> (upsert, update,
 * delete, load of unexpired rows, purge of expired ones, many batches). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include "../../../modules/registrar/persist_db.h"
#include "../../../modules/registrar/persist_journal.h"
#include "test.h"

static struct reg_ul_binding binding(const char *ruid, const char *contact,
				     int64_t expires)
{
	return (struct reg_ul_binding){
		.aor = TDM_STR("alice@example.org"),
		.contact = tdm_str_c(contact),
		.received = TDM_STR("udp:198.51.100.7:40312"),
		.path = TDM_STR(""), .callid = TDM_STR("cid-1"),
		.user_agent = TDM_STR("tester"), .instance = TDM_STR(""),
		.ruid = tdm_str_c(ruid), .expires = expires, .cseq = 7,
		.flags = 1, .q = 500,
	};
}

static const struct tdm_str sock = TDM_STR("udp:127.0.0.1:5060");

static struct reg_pj_entry *entry(struct tdm_list_node *n)
{
	return TDM_LIST_ENTRY(n, struct reg_pj_entry, lnode);
}

static void test_persist_journal_coalesce(void)
{
	struct reg_pj j;
	struct reg_ul_binding a1 = binding("A", "sip:a@10.0.0.1", 100);
	struct reg_ul_binding a2 = binding("A", "sip:a@10.0.0.2", 200);
	struct reg_ul_binding b = binding("B", "sip:b@10.0.0.3", 300);
	struct tdm_str ra = TDM_STR("A");
	struct tdm_list batch;
	struct reg_pj_entry *e;

	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 10, 5), 0);
	tdm_list_init(&batch);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &a1, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &b, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &a2, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_pending(&j), 2);
	CU_ASSERT_EQUAL(reg_pj_take(&j, &batch, 10), 2);
	/* A kept its place ahead of B, with the latest contact */
	e = entry(batch.head.next);
	TDM_ASSERT_STR(e->row.ruid, "A");
	TDM_ASSERT_STR(e->row.contact, "sip:a@10.0.0.2");
	TDM_ASSERT_STR(e->socket, "udp:127.0.0.1:5060");
	CU_ASSERT_EQUAL(e->row.expires, 200);
	CU_ASSERT_FALSE(e->del);
	TDM_ASSERT_STR(entry(batch.head.next->next)->row.ruid, "B");
	reg_pj_batch_free(&batch);
	/* a delete replaces a pending update */
	CU_ASSERT_EQUAL(reg_pj_put(&j, &a1, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_del(&j, &ra), 0);
	CU_ASSERT_EQUAL(reg_pj_take(&j, &batch, 10), 1);
	e = entry(batch.head.next);
	CU_ASSERT_TRUE(e->del);
	TDM_ASSERT_STR(e->row.ruid, "A");
	reg_pj_batch_free(&batch);
	CU_ASSERT_EQUAL(reg_pj_del(&j, &TDM_STR("")), -EINVAL);
	reg_pj_destroy(&j);
}

static void test_persist_journal_bound(void)
{
	struct reg_pj j;
	struct reg_ul_binding a = binding("A", "sip:a@x", 1);
	struct reg_ul_binding b = binding("B", "sip:b@x", 1);
	struct reg_ul_binding c = binding("C", "sip:c@x", 1);

	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 2, 100), 0);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &a, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &b, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_put(&j, &c, &sock), -ENOSPC);
	CU_ASSERT_EQUAL(j.dropped, 1);
	/* full, but a binding already pending still takes its latest state */
	a.expires = 99;
	CU_ASSERT_EQUAL(reg_pj_put(&j, &a, &sock), 0);
	CU_ASSERT_EQUAL(reg_pj_del(&j, &b.ruid), 0);
	CU_ASSERT_EQUAL(reg_pj_pending(&j), 2);
	reg_pj_destroy(&j); /* frees what is pending */
}

static void test_persist_journal_giveback(void)
{
	struct reg_pj j;
	struct reg_ul_binding a = binding("A", "sip:a@old", 1);
	struct reg_ul_binding b = binding("B", "sip:b@x", 1);
	struct reg_ul_binding c = binding("C", "sip:c@x", 1);
	struct tdm_list batch, again;

	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 10, 100), 0);
	tdm_list_init(&batch);
	tdm_list_init(&again);
	reg_pj_put(&j, &a, &sock);
	reg_pj_put(&j, &b, &sock);
	reg_pj_put(&j, &c, &sock);
	CU_ASSERT_EQUAL(reg_pj_take(&j, &batch, 2), 2); /* A, B */
	/* while the batch is being written, A changes again */
	a.contact = TDM_STR("sip:a@new");
	reg_pj_put(&j, &a, &sock);
	reg_pj_giveback(&j, &batch); /* the write failed */
	CU_ASSERT_TRUE(tdm_list_empty(&batch));
	CU_ASSERT_EQUAL(reg_pj_pending(&j), 3);
	CU_ASSERT_EQUAL(reg_pj_take(&j, &again, 10), 3);
	/* B first (given back to the head), then C, then the newer A; the
	 * older A was dropped in favour of it */
	TDM_ASSERT_STR(entry(again.head.next)->row.ruid, "B");
	TDM_ASSERT_STR(entry(again.head.next->next)->row.ruid, "C");
	TDM_ASSERT_STR(entry(again.head.prev)->row.contact, "sip:a@new");
	reg_pj_batch_free(&again);
	reg_pj_destroy(&j);
}

static void test_persist_journal_wait_stop(void)
{
	struct reg_pj j;
	struct reg_ul_binding a = binding("A", "sip:a@x", 1);
	struct reg_ul_binding b = binding("B", "sip:b@x", 1);

	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 10, 2), 0);
	reg_pj_put(&j, &a, &sock);
	reg_pj_put(&j, &b, &sock);
	CU_ASSERT_FALSE(reg_pj_wait(&j, 60000)); /* returns: 2 pending */
	reg_pj_stop(&j);
	CU_ASSERT_TRUE(reg_pj_wait(&j, 60000));
	reg_pj_destroy(&j);
}

/* ---- against a real SQLite file ----------------------------------------- */

static char dir[64], url[128];

/* The SQLite driver module stays loaded once loaded (its registry entry
 * is not a leak of any test): load it before the tests count blocks. */
__attribute__((constructor)) static void load_driver(void)
{
	struct tdm_db *db;
	char err[256];

	const char *pg = getenv("PERSIST_PG_URL");

	if (tdm_db_open(pg ? pg : "sqlite::memory:", NULL, &db, err,
			sizeof(err)) == 0)
		tdm_db_close(db);
	else
		fprintf(stderr, "persist tests: %s\n", err);
}

/* PERSIST_PG_URL (tests/unit/persist/pg.sh): the same cases on an empty
 * PostgreSQL database, whose schema each case makes afresh. */
static const char *pg_url(void)
{
	return getenv("PERSIST_PG_URL");
}

static void db_setup(struct reg_pdb *p)
{
	struct tdm_db *db;
	char err[256];
	size_t len;
	char *sql = tdm_test_read(pg_url() ?
				  "../db-schema/postgres/0001_provisioning.sql" :
				  "../db-schema/sqlite/0001_provisioning.sql", &len);
	char *z;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
	z = realloc(sql, len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	z[len] = '\0';
	strcpy(dir, "/tmp/tdm-persist-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	if (pg_url())
		snprintf(url, sizeof(url), "%s", pg_url());
	else
		snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	CU_ASSERT_EQUAL_FATAL(tdm_db_open(url, NULL, &db, err, sizeof(err)), 0);
	if (pg_url())
		CU_ASSERT_EQUAL(tdm_db_script(db, "DROP SCHEMA public CASCADE; "
					      "CREATE SCHEMA public"), 0);
	CU_ASSERT_EQUAL(tdm_db_script(db, z), 0);
	tdm_db_close(db);
	free(z);
	CU_ASSERT_EQUAL_FATAL(reg_pdb_open(p, url, err, sizeof(err)), 0);
}

static void db_teardown(struct reg_pdb *p)
{
	char path[160];

	reg_pdb_close(p);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	unlink(path);
	rmdir(dir);
}

static int count_fn(void *arg, const struct tdm_db_row *r)
{
	*(int64_t *)arg = tdm_db_row_int(r, 0);
	return 0;
}

static int64_t scalar(struct reg_pdb *p, const char *sql)
{
	int64_t v = -1;

	CU_ASSERT_EQUAL(tdm_db_query(p->db, sql, NULL, 0, count_fn, &v), 0);
	return v;
}

struct seen {
	unsigned n;
	char aor[64], contact[64], socket[64];
	int64_t expires;
	int q, cseq;
};

static int seen_fn(void *arg, const struct reg_ul_binding *b,
		   const struct tdm_str *socket)
{
	struct seen *s = arg;

	s->n++;
	snprintf(s->aor, sizeof(s->aor), "%.*s", TDM_STR_FMT(&b->aor));
	snprintf(s->contact, sizeof(s->contact), "%.*s", TDM_STR_FMT(&b->contact));
	snprintf(s->socket, sizeof(s->socket), "%.*s", TDM_STR_FMT(socket));
	s->expires = b->expires;
	s->q = b->q;
	s->cseq = (int)b->cseq;
	return 0;
}

static void test_persist_db_batches(void)
{
	struct reg_pdb p;
	struct reg_pj j;
	struct tdm_list batch;
	int64_t now = (int64_t)time(NULL);
	struct reg_ul_binding a = binding("A", "sip:a@10.0.0.1", now + 3600);
	struct reg_ul_binding b = binding("B", "sip:b@10.0.0.2", now + 3600);
	struct seen s = { 0 };

	db_setup(&p);
	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 100, 100), 0);
	tdm_list_init(&batch);
	reg_pj_put(&j, &a, &sock);
	reg_pj_put(&j, &b, &sock);
	reg_pj_take(&j, &batch, 500);
	CU_ASSERT_EQUAL(reg_pdb_write(&p, &batch), 0);
	reg_pj_batch_free(&batch);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 2);
	/* update A (same ruid: still one row), delete B */
	a.contact = TDM_STR("sip:a@10.9.9.9");
	a.cseq = 8;
	reg_pj_put(&j, &a, &sock);
	reg_pj_del(&j, &b.ruid);
	reg_pj_take(&j, &batch, 500);
	CU_ASSERT_EQUAL(reg_pdb_write(&p, &batch), 0);
	reg_pj_batch_free(&batch);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 1);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT cseq FROM location WHERE ruid = 'A'"), 8);
	CU_ASSERT_EQUAL(reg_pdb_load(&p, now, seen_fn, &s), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_STRING_EQUAL(s.aor, "alice@example.org");
	CU_ASSERT_STRING_EQUAL(s.contact, "sip:a@10.9.9.9");
	CU_ASSERT_STRING_EQUAL(s.socket, "udp:127.0.0.1:5060");
	CU_ASSERT_EQUAL(s.expires, now + 3600);
	CU_ASSERT_EQUAL(s.q, 500);
	CU_ASSERT_EQUAL(s.cseq, 8);
	/* seen from an hour later, the row is expired: not loaded, purged */
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(reg_pdb_load(&p, now + 3600, seen_fn, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(reg_pdb_purge(&p, now + 3599), 0);
	CU_ASSERT_EQUAL(reg_pdb_purge(&p, now + 3600), 1);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 0);
	reg_pj_destroy(&j);
	db_teardown(&p);
}

static void test_persist_db_many_batches(void)
{
	struct reg_pdb p;
	struct reg_pj j;
	struct tdm_list batch;
	int64_t now = (int64_t)time(NULL);
	unsigned n, batches = 0;
	char ruid[32];

	db_setup(&p);
	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 5000, 500), 0);
	tdm_list_init(&batch);
	for (unsigned i = 0; i < 1234; i++) {
		struct reg_ul_binding b = binding("", "sip:x@10.0.0.1", now + 60);

		snprintf(ruid, sizeof(ruid), "r%u", i);
		b.ruid = tdm_str_c(ruid);
		CU_ASSERT_EQUAL(reg_pj_put(&j, &b, &sock), 0);
	}
	while ((n = reg_pj_take(&j, &batch, 500))) {
		CU_ASSERT_TRUE(n <= 500);
		CU_ASSERT_EQUAL(reg_pdb_write(&p, &batch), 0);
		reg_pj_batch_free(&batch);
		batches++;
	}
	CU_ASSERT_EQUAL(batches, 3);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 1234);
	/* every binding again with a new CSeq: updates in place (on
	 * PostgreSQL through the multi-row upsert), no row added */
	for (unsigned i = 0; i < 1234; i++) {
		struct reg_ul_binding b = binding("", "sip:x@10.0.0.1", now + 60);

		snprintf(ruid, sizeof(ruid), "r%u", i);
		b.ruid = tdm_str_c(ruid);
		b.cseq = 1000 + i;
		CU_ASSERT_EQUAL(reg_pj_put(&j, &b, &sock), 0);
	}
	while (reg_pj_take(&j, &batch, 500)) {
		CU_ASSERT_EQUAL(reg_pdb_write(&p, &batch), 0);
		reg_pj_batch_free(&batch);
	}
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 1234);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT cseq FROM location WHERE ruid = 'r0'"), 1000);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT cseq FROM location WHERE ruid = 'r77'"), 1077);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT cseq FROM location WHERE ruid = 'r1233'"), 2233);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT sum(cseq) FROM location"),
			1234 * 1000 + 1233 * 1234 / 2);
	reg_pj_destroy(&j);
	db_teardown(&p);
}

/* A failed statement rolls the whole batch back. */
static void test_persist_db_rollback(void)
{
	struct reg_pdb p;
	struct reg_pj j;
	struct tdm_list batch;
	struct reg_ul_binding a = binding("A", "sip:a@x", 2000000000);

	db_setup(&p);
	CU_ASSERT_EQUAL_FATAL(reg_pj_init(&j, 10, 10), 0);
	tdm_list_init(&batch);
	/* the dialects differ only here: a CHECK refuses ruid B */
	CU_ASSERT_EQUAL(tdm_db_script(p.db, pg_url() ?
		"ALTER TABLE location ADD CONSTRAINT no_b CHECK (ruid <> 'B')" :
		"CREATE TRIGGER no_b BEFORE INSERT ON location WHEN NEW.ruid = "
		"'B' BEGIN SELECT RAISE(ABORT, 'no B'); END"), 0);
	reg_pj_put(&j, &a, &sock);
	a.ruid = TDM_STR("B");
	reg_pj_put(&j, &a, &sock);
	reg_pj_take(&j, &batch, 10);
	CU_ASSERT_TRUE(reg_pdb_write(&p, &batch) < 0);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 0);
	/* one by one: A goes in, B is refused */
	CU_ASSERT_EQUAL(reg_pdb_write_one(&p, entry(batch.head.next)), 0);
	CU_ASSERT_TRUE(reg_pdb_write_one(&p, entry(batch.head.prev)) < 0);
	CU_ASSERT_EQUAL(scalar(&p, "SELECT count(*) FROM location"), 1);
	reg_pj_batch_free(&batch);
	reg_pj_destroy(&j);
	db_teardown(&p);
}

static void test_persist_db_time(void)
{
	char buf[32];

	reg_pdb_time(0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00Z");
	reg_pdb_time(1700000000, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2023-11-14T22:13:20Z");
	CU_ASSERT_TRUE(reg_pdb_transient(-ENOTCONN));
	CU_ASSERT_FALSE(reg_pdb_transient(-EINVAL));
}

TDM_TEST_SUITE(persist,
	       TDM_TEST(test_persist_journal_coalesce),
	       TDM_TEST(test_persist_journal_bound),
	       TDM_TEST(test_persist_journal_giveback),
	       TDM_TEST(test_persist_journal_wait_stop),
	       TDM_TEST(test_persist_db_batches),
	       TDM_TEST(test_persist_db_many_batches),
	       TDM_TEST(test_persist_db_rollback),
	       TDM_TEST(test_persist_db_time))
