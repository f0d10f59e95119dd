/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/db's connections (db.c, db_stmt.c, db_txn.c,
 * db_driver.c) over a fake driver registered as a static module: the
 * scheme -> module lookup and the driver checks, reconnect after the
 * backoff with statements prepared again and channels listened again,
 * the backoff window failing at once, a transaction cut by a lost
 * connection, and the per-connection error message. The fake server can
 * be "restarted" (every connection dies) or taken down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include <tandem/module.h>
#include "db/db_int.h"
#include "module/mod.h"
#include "test.h"

static struct fake {
	bool down;           /* connect fails */
	unsigned epoch;      /* bumped: every open connection is dead */
	unsigned connects, prepares, finalizes, listens, disconnects;
	char last_script[64];
} fk;

struct fconn {
	unsigned epoch;
};

static int f_connect(const char *url, const struct tdm_db_opts *o, void **c,
		     char *err, size_t errlen)
{
	struct fconn *fc;

	(void)o;
	if (strstr(url, "bad")) {
		snprintf(err, errlen, "fake: bad URL");
		return -EINVAL;
	}
	if (fk.down) {
		snprintf(err, errlen, "fake: connection refused");
		return -ENOTCONN;
	}
	fc = tdm_malloc(sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	fc->epoch = fk.epoch;
	fk.connects++;
	*c = fc;
	return 0;
}

static void f_disconnect(void *c)
{
	fk.disconnects++;
	tdm_free(c);
}

static bool alive(void *c, char *err, size_t errlen)
{
	if (((struct fconn *)c)->epoch == fk.epoch)
		return true;
	snprintf(err, errlen, "fake: server closed the connection");
	return false;
}

static int f_prepare(void *c, const char *sql, void **st, char *err,
		     size_t errlen)
{
	if (!alive(c, err, errlen))
		return -ENOTCONN;
	if (strncmp(sql, "SELECT", 6)) {
		snprintf(err, errlen, "fake: syntax error");
		return -EINVAL;
	}
	fk.prepares++;
	*st = tdm_strndup(sql, strlen(sql));
	return *st ? 0 : -ENOMEM;
}

static void f_finalize(void *c, void *st)
{
	(void)c;
	fk.finalizes++;
	tdm_free(st);
}

static int f_exec(void *c, void *st, const struct tdm_db_val *p, unsigned n,
		  tdm_db_row_fn *fn, void *arg, int64_t *changes, char *err,
		  size_t errlen)
{
	struct tdm_db_val v = TDM_DB_INT_V(n ? p[0].i : 7);
	struct tdm_db_row r = { &v, 1 };

	(void)st;
	*changes = 0;
	if (!alive(c, err, errlen))
		return -ENOTCONN;
	return fn ? fn(arg, &r) : 0;
}

static int f_script(void *c, const char *sql, char *err, size_t errlen)
{
	if (!alive(c, err, errlen))
		return -ENOTCONN;
	snprintf(fk.last_script, sizeof(fk.last_script), "%s", sql);
	return 0;
}

static int f_listen(void *c, const char *ch, char *err, size_t errlen)
{
	(void)ch;
	if (!alive(c, err, errlen))
		return -ENOTCONN;
	fk.listens++;
	return 0;
}

static int f_wait(void *c, unsigned ms, char *err, size_t errlen)
{
	(void)ms;
	return alive(c, err, errlen) ? 0 : -ENOTCONN;
}

static const char *const f_schemes[] = { "fake", NULL };
static const struct tdm_db_driver f_driver = {
	.name = "fake", .schemes = f_schemes, .connect = f_connect,
	.disconnect = f_disconnect, .prepare = f_prepare,
	.finalize = f_finalize, .exec = f_exec, .script = f_script,
	.listen = f_listen, .wait = f_wait,
};
static const struct tdm_module db_fake_mod = {
	TDM_MODULE_HEADER, .name = "db_fake",
	.description = "fake database driver", .db_driver = &f_driver,
};
/* a module that is no driver, and a driver missing a function */
static const struct tdm_module db_none_mod = {
	TDM_MODULE_HEADER, .name = "db_none", .description = "not a driver",
};
static const char *const h_schemes[] = { "half", NULL };
static const struct tdm_db_driver h_driver = {
	.name = "half", .schemes = h_schemes, .connect = f_connect,
	.disconnect = f_disconnect, .prepare = f_prepare,
	.finalize = f_finalize, .script = f_script,   /* no exec */
};
static const struct tdm_module db_half_mod = {
	TDM_MODULE_HEADER, .name = "db_half", .description = "no exec",
	.db_driver = &h_driver,
};

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	tdm_mod_register_static(&db_fake_mod);
	tdm_mod_register_static(&db_none_mod);
	tdm_mod_register_static(&db_half_mod);
}

static void teardown(void)
{
	tdm_mod_unload_all();
	tdm_mod_unregister_static(NULL);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* Runs st until the connection is back (hang guard only). */
static int until_back(struct tdm_db_stmt *st)
{
	int rc = -ENOTCONN;

	for (int i = 0; i < 5000 && rc == -ENOTCONN; i++)
		if ((rc = tdm_db_exec(st, NULL, 0, NULL, NULL)) == -ENOTCONN)
			sleep_ms(1);
	return rc;
}

static int get_int(void *arg, const struct tdm_db_row *r)
{
	*(int64_t *)arg = tdm_db_row_int(r, 0);
	return 0;
}

static void test_db_open_lookup(void)
{
	struct tdm_db *db;
	char err[512] = "";

	setup();
	CU_ASSERT_EQUAL(tdm_db_open("fake:x", NULL, &db, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(tdm_db_dialect(db), "fake");
	CU_ASSERT_STRING_EQUAL(tdm_db_url_safe(db), "fake:x");
	CU_ASSERT_TRUE(tdm_db_connected(db));
	CU_ASSERT_STRING_EQUAL(tdm_db_error(db), "");
	tdm_db_close(db);
	CU_ASSERT_EQUAL(fk.disconnects, 1);
	/* a second open finds the module loaded already */
	CU_ASSERT_EQUAL(tdm_db_open("FAKE:y", NULL, &db, err, sizeof(err)), 0);
	tdm_db_close(db);

	CU_ASSERT_EQUAL(tdm_db_open("nothing", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NULL(db);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no scheme"));
	CU_ASSERT_EQUAL(tdm_db_open("none:x", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a database driver"));
	CU_ASSERT_EQUAL(tdm_db_open("zzq://h/db", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "db_zzq"));
	/* validate.c refuses a driver without exec when loading it */
	CU_ASSERT_EQUAL(tdm_db_open("half:x", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "database driver"));
	CU_ASSERT_EQUAL(tdm_db_open("fake:bad", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad URL"));
	fk.down = true;
	CU_ASSERT_EQUAL(tdm_db_open("fake:x", NULL, &db, err, sizeof(err)), -ENOTCONN);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refused"));
	CU_ASSERT_PTR_NULL(db);
	tdm_db_close(NULL);
	teardown();
}

static void test_db_driver_check(void)
{
	struct tdm_db_driver d = f_driver;
	char err[256];

	CU_ASSERT_EQUAL(tdm_db_driver_check(&d, err, sizeof(err)), 0);
	d.wait = NULL;
	CU_ASSERT_EQUAL(tdm_db_driver_check(&d, err, sizeof(err)), -EINVAL);
	d.listen = NULL;
	CU_ASSERT_EQUAL(tdm_db_driver_check(&d, err, sizeof(err)), 0);
	d.schemes = NULL;
	CU_ASSERT_EQUAL(tdm_db_driver_check(&d, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "schemes"));
	CU_ASSERT_EQUAL(tdm_mod_validate(&db_half_mod, "db_half", NULL, err,
					 sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "database driver"));
	CU_ASSERT_EQUAL(tdm_mod_validate(&db_fake_mod, "db_fake", NULL, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_mod_validate(&db_none_mod, "db_none", NULL, err,
					 sizeof(err)), 0);
}

static void test_db_reconnect(void)
{
	struct tdm_db_opts o = { .backoff_min_ms = 1, .backoff_max_ms = 2 };
	struct tdm_db *db;
	struct tdm_db_stmt *st, *bad = NULL;
	struct tdm_db_val p = TDM_DB_INT_V(5);
	int64_t got = 0;
	char err[256];

	setup();
	CU_ASSERT_EQUAL_FATAL(tdm_db_open("fake:x", &o, &db, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_db_prepare(db, "NOT SQL", &bad), -EINVAL);
	CU_ASSERT_PTR_NULL(bad);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "syntax"));
	CU_ASSERT_EQUAL_FATAL(tdm_db_prepare(db, "SELECT $1", &st), 0);
	CU_ASSERT_STRING_EQUAL(tdm_db_error(db), "");
	CU_ASSERT_EQUAL(tdm_db_listen(db, "chan"), 0);
	CU_ASSERT_EQUAL(tdm_db_listen(db, "chan"), 0);  /* once */
	CU_ASSERT_EQUAL(fk.listens, 1);
	CU_ASSERT_EQUAL(tdm_db_exec(st, &p, 1, get_int, &got), 0);
	CU_ASSERT_EQUAL(got, 5);
	CU_ASSERT_EQUAL(fk.prepares, 1);

	fk.epoch++;   /* the server restarts */
	CU_ASSERT_EQUAL(tdm_db_exec(st, &p, 1, get_int, &got), -ENOTCONN);
	CU_ASSERT_FALSE(tdm_db_connected(db));
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "closed"));
	CU_ASSERT_EQUAL(fk.finalizes, 1);      /* the old handle is gone */
	CU_ASSERT_EQUAL(until_back(st), 0);
	CU_ASSERT_TRUE(tdm_db_connected(db));
	CU_ASSERT_EQUAL(fk.connects, 2);
	CU_ASSERT_EQUAL(fk.prepares, 2);       /* prepared again, lazily */
	CU_ASSERT_EQUAL(fk.listens, 2);        /* subscribed again */
	got = 0;
	CU_ASSERT_EQUAL(tdm_db_exec(st, &p, 1, get_int, &got), 0);
	CU_ASSERT_EQUAL(got, 5);
	CU_ASSERT_EQUAL(fk.prepares, 2);

	/* down for a while: attempts fail, then it comes back */
	fk.epoch++;
	fk.down = true;
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	for (int i = 0; i < 5; i++) {
		sleep_ms(3);
		CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "refused") ?
			       strstr(tdm_db_error(db), "refused") :
			       strstr(tdm_db_error(db), "unreachable"));
	/* a statement prepared while the database is away is kept */
	struct tdm_db_stmt *later;
	CU_ASSERT_EQUAL(tdm_db_prepare(db, "SELECT 2", &later), 0);
	CU_ASSERT_EQUAL(tdm_db_wait(db, 1) < 0, true);
	fk.down = false;
	CU_ASSERT_EQUAL(until_back(later), 0);
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), 0);
	tdm_db_stmt_free(later);
	tdm_db_close(db);     /* frees st too */
	CU_ASSERT_EQUAL(fk.connects, fk.disconnects);
	teardown();
}

static void test_db_backoff_window(void)
{
	/* a long backoff: every call in the window fails at once, without
	 * an attempt to connect */
	struct tdm_db_opts o = { .backoff_min_ms = 600000 };
	struct tdm_db *db;
	struct tdm_db_stmt *st;
	char err[256];

	setup();
	CU_ASSERT_EQUAL_FATAL(tdm_db_open("fake:x", &o, &db, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_db_prepare(db, "SELECT 1", &st), 0);
	fk.epoch++;
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
		CU_ASSERT_EQUAL(tdm_db_script(db, "SELECT 1"), -ENOTCONN);
		CU_ASSERT_EQUAL(tdm_db_query(db, "SELECT 1", NULL, 0, NULL, NULL),
				-ENOTCONN);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "next attempt"));
	CU_ASSERT_EQUAL(fk.connects, 1);
	tdm_db_close(db);
	teardown();
}

static void test_db_txn_lost(void)
{
	struct tdm_db_opts o = { .backoff_min_ms = 1, .backoff_max_ms = 1 };
	struct tdm_db *db, *db2;
	struct tdm_db_stmt *st;
	char err[256];

	setup();
	CU_ASSERT_EQUAL_FATAL(tdm_db_open("fake:x", &o, &db, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_db_prepare(db, "SELECT 1", &st), 0);
	CU_ASSERT_EQUAL(tdm_db_begin(db), 0);
	CU_ASSERT_STRING_EQUAL(fk.last_script, "BEGIN");
	CU_ASSERT_EQUAL(tdm_db_begin(db), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_commit(db), 0);
	CU_ASSERT_STRING_EQUAL(fk.last_script, "COMMIT");
	CU_ASSERT_EQUAL(tdm_db_commit(db), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_begin(db), 0);
	CU_ASSERT_EQUAL(tdm_db_rollback(db), 0);
	CU_ASSERT_STRING_EQUAL(fk.last_script, "ROLLBACK");

	CU_ASSERT_EQUAL(tdm_db_begin(db), 0);
	fk.epoch++;
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	sleep_ms(3);
	/* nothing runs on a new connection as if still inside it */
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "rolled back"));
	CU_ASSERT_EQUAL(fk.connects, 1);
	CU_ASSERT_EQUAL(tdm_db_commit(db), -ENOTCONN);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db), "rolled back"));
	CU_ASSERT_EQUAL(until_back(st), 0);
	/* the same with rollback: already done by the database */
	CU_ASSERT_EQUAL(tdm_db_begin(db), 0);
	fk.epoch++;
	CU_ASSERT_EQUAL(tdm_db_exec(st, NULL, 0, NULL, NULL), -ENOTCONN);
	CU_ASSERT_EQUAL(tdm_db_rollback(db), 0);
	CU_ASSERT_EQUAL(until_back(st), 0);

	/* the message belongs to its connection */
	CU_ASSERT_EQUAL_FATAL(tdm_db_open("fake:y", &o, &db2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_db_query(db2, "BAD", NULL, 0, NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(tdm_db_error(db2), "syntax"));
	CU_ASSERT_STRING_EQUAL(tdm_db_error(db), "");
	tdm_db_close(db2);
	tdm_db_close(db);
	teardown();
}

/* After the modules started the registry is closed: the driver module is
 * loaded outside it (loader.c, tdm_mod_load_detached). */
static void test_db_open_after_start(void)
{
	struct tdm_db *db;
	char err[256];

	setup();
	CU_ASSERT_EQUAL_FATAL(tdm_mod_start_all(err, sizeof(err)), 0);
	CU_ASSERT_TRUE(tdm_mod_started());
	CU_ASSERT_EQUAL(tdm_db_open("fake:x", NULL, &db, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(tdm_mod_find(&(struct tdm_str)TDM_STR("db_fake")));
	tdm_db_close(db);
	CU_ASSERT_EQUAL(tdm_db_open("fake:x", NULL, &db, err, sizeof(err)), 0);
	tdm_db_close(db);
	CU_ASSERT_EQUAL(tdm_db_open("none:x", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_open("zzq:x", NULL, &db, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not found"));
	teardown();
}

TDM_TEST_SUITE(db_conn,
	       TDM_TEST(test_db_open_lookup),
	       TDM_TEST(test_db_driver_check),
	       TDM_TEST(test_db_reconnect),
	       TDM_TEST(test_db_backoff_window),
	       TDM_TEST(test_db_txn_lost),
	       TDM_TEST(test_db_open_after_start));
