/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence: the SQL side. Reading the `location` table at
 * start, deleting expired rows, and writing one batch of journal entries
 * in one transaction with prepared upserts and deletes keyed by ruid.
 * Used by the writer thread only (one connection, one thread). */
#ifndef REG_PERSIST_DB_H
#define REG_PERSIST_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/db.h>
#include <tandem/list.h>
#include "persist_journal.h"
#include "usrloc.h"

/* Upserts written by one multi-row statement on PostgreSQL: one round trip
 * and one plan execution per 32 bindings instead of per binding (the
 * server's CPU per registration halves). SQLite writes in-process, where
 * the multi-row form measured slower than single rows: it keeps those. */
#define REG_PDB_ROWS 32

struct reg_pdb {
	struct tdm_db *db;            /* owned */
	struct tdm_db_stmt *upsert;   /* owned by db */
	struct tdm_db_stmt *upsert_n; /* REG_PDB_ROWS rows in one statement
				       * (PostgreSQL only, else NULL) */
	struct tdm_db_stmt *del;
	struct tdm_db_stmt *purge;
	bool pg;                      /* PostgreSQL dialect */
};

/* Connects to url and prepares the statements. 0, or -errno with the
 * reason in err (-ENOTCONN: unreachable now; the connection object is
 * kept and reconnects by itself). */
int reg_pdb_open(struct reg_pdb *p, const char *url, char *err,
		 size_t errlen);
void reg_pdb_close(struct reg_pdb *p);

/* Deletes the rows with expires <= now. Rows deleted, or -errno. */
int reg_pdb_purge(struct reg_pdb *p, int64_t now);

/* Calls fn for every row with expires > now: b holds the row (aor is
 * "username@domain"; strings valid during the call only), socket the
 * `socket` column. fn's non-zero return stops the walk and is returned.
 * 0 or -errno. */
typedef int reg_pdb_row_fn(void *arg, const struct reg_ul_binding *b,
			   const struct tdm_str *socket);
int reg_pdb_load(struct reg_pdb *p, int64_t now, reg_pdb_row_fn *fn,
		 void *arg);

/* Writes batch (struct reg_pj_entry by lnode) in one transaction: an
 * upsert per saved binding, a delete per removed one. 0, or -errno after
 * a rollback (nothing of the batch is written). */
int reg_pdb_write(struct reg_pdb *p, const struct tdm_list *batch);
/* Writes one entry on its own (after a batch failed for a reason other
 * than the connection: finds the row the database refuses). 0 or -errno. */
int reg_pdb_write_one(struct reg_pdb *p, const struct reg_pj_entry *e);

/* "2026-11-26T11:15:00Z" for t (UTC). buf needs 21 bytes. */
void reg_pdb_time(int64_t t, char *buf, size_t len);
/* True for the errors after which retrying later makes sense. */
bool reg_pdb_transient(int err);

#endif
