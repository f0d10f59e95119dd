/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence (issue 6, item 4): bindings live in usrloc and
 * are written behind to the `location` table by one background thread,
 * in batches of one transaction each; at load the table is read back
 * into usrloc before the node answers. docs/registrar.md, "Persistence".
 *
 * The four calls registrar.c makes:
 *   .load:   create usrloc, set reg_ul_main, install the hooks, then
 *            reg_persist_start();
 *   hooks:   saved(b) -> reg_persist_saved(b),
 *            removed(b) -> reg_persist_removed(&b->ruid);
 *   .unload: reg_persist_stop() (workers have stopped), then destroy usrloc. */
#ifndef REG_PERSIST_H
#define REG_PERSIST_H

#include <stdint.h>
#include <tandem/str.h>
#include "usrloc.h"

/* Tuning (docs/registrar.md). */
#define REG_PERSIST_FLUSH_MS 1000     /* write at least this often */
#define REG_PERSIST_BATCH 500         /* changes per transaction; more
				       * pending wakes the writer at once */
#define REG_PERSIST_QUEUE_MAX 1000000 /* distinct bindings pending */
#define REG_PERSIST_STOP_WAIT_MS 5000 /* at stop: how long to wait for a
				       * database that is down */

/* Opens the node's database (tdm_node_setting("database")) on the
 * writer's own connection, deletes expired rows, loads every unexpired
 * row into reg_ul_main (without reporting them as changes), and starts
 * the writer thread. 0 also when persistence is off: no node (tandemctl),
 * or an SQLite file that does not exist (a node without a database), or
 * the database is unreachable now (changes are then kept and written
 * when it comes back; the table is not read). -errno when the table
 * cannot be used (no schema): the module load fails with a log line. */
int reg_persist_start(void);

/* Writes every pending change (waiting up to REG_PERSIST_STOP_WAIT_MS
 * for a database that is down), stops the thread and closes the
 * connection. Call after the workers stopped and before usrloc is
 * destroyed. Safe when start failed or was not called. */
void reg_persist_stop(void);

/* usrloc's change hooks: queue the change, never block, never touch
 * the database. Thread-safe; called with a usrloc stripe lock held. */
void reg_persist_saved(const struct reg_ul_binding *b);
void reg_persist_removed(const struct tdm_str *ruid);

/* For the statistics: changes pending in the journal and changes dropped
 * because it was full (both 0 when persistence is off). Thread-safe while
 * the module is loaded (the caller keeps start/stop out: reg_admin_lock). */
void reg_persist_counts(unsigned *pending, uint64_t *dropped);

#endif
