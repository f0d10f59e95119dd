/* SPDX-License-Identifier: GPL-2.0-or-later
 * Transactions and change notifications of a connection. A transaction
 * cut by a lost connection was rolled back by the database: every call
 * inside it fails with -ENOTCONN until the caller ends it, so nothing runs
 * half-in on the next connection. Listened channels are remembered and
 * subscribed again on every reconnect. BEGIN, COMMIT and ROLLBACK go
 * through tdm_db_script, so the statistics count them as statements (a
 * COMMIT is where a write spends its time). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include "db/db_int.h"

int tdm_db_begin(struct tdm_db *db)
{
	int rc;

	if (db->in_txn)
		return tdm_db_fail(db, -EINVAL, "a transaction is already open "
				   "(transactions do not nest)");
	/* SQLite: take the write lock now, so a concurrent writer waits for
	 * the busy timeout here instead of failing later at COMMIT */
	rc = tdm_db_script(db, strcmp(db->drv->name, "sqlite") ? "BEGIN"
							 : "BEGIN IMMEDIATE");
	if (!rc)
		db->in_txn = true;
	return rc;
}

int tdm_db_commit(struct tdm_db *db)
{
	int rc;

	if (!db->in_txn)
		return tdm_db_fail(db, -EINVAL, "commit without a transaction");
	if (db->txn_lost) {
		db->in_txn = db->txn_lost = false;
		return tdm_db_fail(db, -ENOTCONN, "the connection was lost "
				   "inside the transaction: it was rolled back");
	}
	rc = tdm_db_script(db, "COMMIT");
	if (rc == -ENOTCONN) {
		db->in_txn = db->txn_lost = false;
		return rc;
	}
	if (rc) {
		/* a failed COMMIT (deferred constraint, busy): undo the rest */
		char keep[sizeof(db->err)];
		memcpy(keep, db->err, sizeof(keep));
		tdm_db_script(db, "ROLLBACK");
		memcpy(db->err, keep, sizeof(keep));
	}
	db->in_txn = db->txn_lost = false;
	return rc;
}

int tdm_db_rollback(struct tdm_db *db)
{
	int rc;

	if (!db->in_txn)
		return tdm_db_fail(db, -EINVAL, "rollback without a transaction");
	if (db->txn_lost) {  /* the database rolled it back already */
		db->in_txn = db->txn_lost = false;
		return 0;
	}
	rc = tdm_db_script(db, "ROLLBACK");
	db->in_txn = db->txn_lost = false;
	return rc == -ENOTCONN ? 0 : rc;
}

int tdm_db_listen(struct tdm_db *db, const char *channel)
{
	char **chans, *copy;
	int rc;

	if (!db->drv->listen)
		return tdm_db_fail(db, -ENOTSUP, "%s has no change notifications",
				   db->drv->name);
	for (unsigned i = 0; i < db->nchannels; i++)
		if (!strcmp(db->channels[i], channel))
			return 0;
	copy = tdm_strndup(channel, strlen(channel));
	chans = copy ? tdm_realloc(db->channels,
				   (db->nchannels + 1) * sizeof(*chans)) : NULL;
	if (!chans) {
		tdm_free(copy);
		return tdm_db_fail(db, -ENOMEM, "out of memory");
	}
	db->channels = chans;
	db->channels[db->nchannels++] = copy;
	rc = tdm_db_ensure(db);  /* a reconnect subscribes to it already */
	if (!rc)
		rc = tdm_db_result(db, db->drv->listen(db->conn, channel, db->err,
						       sizeof(db->err)));
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1)
		;
}

/* Without a driver wait, or while the database is away, this sleeps. A
 * reconnect returns 1: notifications may have been missed meanwhile, so
 * the caller should look for changes as if one had arrived. */
int tdm_db_wait(struct tdm_db *db, unsigned timeout_ms)
{
	int rc;

	if (!db->drv->wait) {
		sleep_ms(timeout_ms);
		return 0;
	}
	if (!db->conn) {
		uint64_t now = tdm_db_now_ms();
		if (db->retry_at_ms > now) {
			uint64_t d = db->retry_at_ms - now;
			sleep_ms(d < timeout_ms ? (unsigned)d : timeout_ms);
		}
		rc = tdm_db_ensure(db);
		return rc ? rc : 1;
	}
	rc = db->drv->wait(db->conn, timeout_ms, db->err, sizeof(db->err));
	return tdm_db_result(db, rc);
}
