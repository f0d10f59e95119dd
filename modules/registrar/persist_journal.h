/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence: the journal of binding changes waiting to be
 * written to the `location` table. Workers (and usrloc's expiry timer)
 * add to it under a short mutex; the writer thread takes batches out.
 *
 * The journal is coalesced by ruid: it holds at most one pending change
 * per binding, the latest (an update replaces a pending insert, a delete
 * replaces both), so a database that is down for an hour costs one entry
 * per changed binding, not one per REGISTER. It is bounded by a number of
 * distinct bindings; past it a change is dropped and counted (never a
 * wait: workers must not block on the database). */
#ifndef REG_PERSIST_JOURNAL_H
#define REG_PERSIST_JOURNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/hash.h>
#include <tandem/list.h>
#include <tandem/str.h>
#include "usrloc.h"

/* One pending change: one allocation holding the row and its strings.
 * Owned by the journal while queued, by the batch list once taken. */
struct reg_pj_entry {
	struct tdm_hash_node hnode;   /* in the journal's ruid table */
	struct tdm_list_node lnode;   /* journal FIFO, then the batch list */
	uint64_t seq;                 /* order of the change (larger: newer) */
	bool del;                     /* delete the row (row: ruid only) */
	struct reg_ul_binding row;    /* strings point into this allocation */
	struct tdm_str socket;        /* "udp:127.0.0.1:5060" or "" */
};

struct reg_pj {
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* signalled at `wake_at` pending */
	struct tdm_hash by_ruid;      /* pending entries by ruid */
	struct tdm_list fifo;         /* pending entries, oldest first */
	unsigned count;               /* pending entries */
	unsigned max;                 /* bound on count */
	unsigned wake_at;             /* wake the writer at this count */
	uint64_t seq;
	uint64_t dropped;             /* changes refused because full */
	bool stop;                    /* the writer should finish */
};

/* 0, -ENOMEM. max: bound on pending entries; wake_at: pending count at
 * which reg_pj_wait() returns early (the batch size). */
int reg_pj_init(struct reg_pj *j, unsigned max, unsigned wake_at);
/* Frees every pending entry. */
void reg_pj_destroy(struct reg_pj *j);

/* Queues "insert or update b" (socket: its listen address as text).
 * Replaces a pending change of the same ruid. 0, -ENOSPC (full, dropped
 * and counted), -ENOMEM, -EINVAL (empty ruid). Thread-safe, never waits
 * for anything but the journal's mutex. */
int reg_pj_put(struct reg_pj *j, const struct reg_ul_binding *b,
	       const struct tdm_str *socket);
/* Queues "delete the row of ruid". Same contract. */
int reg_pj_del(struct reg_pj *j, const struct tdm_str *ruid);

/* Moves up to max of the oldest pending entries to the tail of batch
 * (a list of struct reg_pj_entry by lnode). Returns how many. */
unsigned reg_pj_take(struct reg_pj *j, struct tdm_list *batch, unsigned max);
/* Puts a batch that could not be written back at the head of the
 * journal, oldest first, except the entries whose ruid got a newer change
 * meanwhile (those are freed: the newer state wins). Entries past the
 * bound are freed and counted as dropped. batch is left empty. */
void reg_pj_giveback(struct reg_pj *j, struct tdm_list *batch);
/* Frees every entry of a batch (written, or abandoned). */
void reg_pj_batch_free(struct tdm_list *batch);

/* Pending entries now. */
unsigned reg_pj_pending(struct reg_pj *j);
/* Blocks until wake_at entries are pending, stop is set, or timeout_ms
 * passed. Returns true when stop is set. */
bool reg_pj_wait(struct reg_pj *j, unsigned timeout_ms);
/* Sets stop and wakes the writer. */
void reg_pj_stop(struct reg_pj *j);

#endif
