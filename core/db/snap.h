/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: building and changing the provisioning snapshot
 * (<tandem/snapshot.h> is the readers' side). One writer at a time — the
 * sync thread, or a test — applies rows by their database id: a put
 * replaces the entry with that id, a delete removes it, so applying the
 * same change twice is harmless. A full reload marks (tdm_snap_mark),
 * puts every row again and sweeps what was not put, so readers never see
 * an empty table in between.
 *
 * Layout (memory matters at a million subscribers): every entry is one
 * allocation with a 32-byte header (key chain, id chain, id, hash, domain
 * index); domains are stored once in a dictionary and entries hold their
 * 32-bit index; HA1s are binary. Each table is split in stripes by the
 * key's hash, each stripe a chained hash under its own rwlock; the id
 * index is the writer's alone and needs no lock. */
#ifndef TDM_DB_SNAP_H
#define TDM_DB_SNAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/snapshot.h>

#define SNAP_STRIPE_BITS 6
#define SNAP_STRIPES (1u << SNAP_STRIPE_BITS)
#define SNAP_SEEN 0x80000000u      /* in snap_ent.dom: put since the mark */

/* The common head of every entry. */
struct snap_ent {
	struct snap_ent *next;      /* key chain of the stripe's bucket */
	struct snap_ent *id_next;   /* id chain (writer only) */
	int64_t id;                 /* the row's id */
	uint32_t hash;              /* of the key; picks stripe and bucket */
	uint32_t dom;               /* domain index of the key | SNAP_SEEN */
};

struct snap_stripe {
	pthread_rwlock_t lock;
	struct snap_ent **b;        /* buckets, a power of two */
	uint32_t mask;
	uint32_t count;
};

/* One table. */
struct snap_tab {
	struct snap_stripe s[SNAP_STRIPES];
	struct snap_ent **idb;      /* id index buckets (writer only) */
	uint32_t idmask;
	size_t count;
	size_t bytes;               /* entries (+ allocator overhead) */
};

/* Domain names, each stored once: index -> "len byte + lower-case name".
 * Indexes are never reused while the snapshot lives, so a reader may
 * read a name by index without a lock (the chunk directory is fixed;
 * the lock of the stripe that handed out the index orders the reads). */
#define SNAP_DICT_CHUNK 1024
#define SNAP_DICT_CHUNKS 4096
struct snap_dict {
	char **chunk[SNAP_DICT_CHUNKS];
	uint32_t n;
	uint32_t *slot;             /* open addressing, index + 1 (writer) */
	uint32_t cap;
	size_t bytes;
};

struct tdm_snap {
	pthread_mutex_t writer;     /* one writer at a time */
	struct snap_dict dict;
	struct snap_tab domains, subs, aliases, addrs;
};

/* Key hash of user@domain (domain without case). */
uint32_t snap_key_hash(const struct tdm_str *user, const struct tdm_str *dom);

/* Table primitives (snap_tab.c). */
int snap_tab_init(struct snap_tab *t);
void snap_tab_free(struct snap_tab *t);
/* Inserts e (its id, hash and dom set), replacing and freeing the entry
 * with the same id. e is the table's from then on; on -ENOMEM it is
 * freed. */
int snap_tab_put(struct snap_tab *t, struct snap_ent *e, size_t size);
/* Removes and frees the entry with that id; -ENOENT when none. */
int snap_tab_del(struct snap_tab *t, int64_t id);
/* Removes the entries not put since the last mark, clears the marks. */
size_t snap_tab_sweep(struct snap_tab *t);
void snap_tab_mark(struct snap_tab *t);
/* What the table holds in memory (entries and buckets). Writer only. */
size_t snap_tab_bytes(const struct snap_tab *t);
static inline struct snap_stripe *snap_stripe_of(const struct snap_tab *t,
						 uint32_t hash)
{
	return (struct snap_stripe *)&t->s[hash >> (32 - SNAP_STRIPE_BITS)];
}

/* Dictionary (snap_tab.c). */
int snap_dict_intern(struct snap_dict *d, const struct tdm_str *name,
		     uint32_t *idx);
/* The name at idx (its length in *len); readers may call it. */
const char *snap_dict_name(const struct snap_dict *d, uint32_t idx,
			   size_t *len);
void snap_dict_free(struct snap_dict *d);

/* ---- The writer's API (snap.c) ------------------------------------- */

int tdm_snap_new(struct tdm_snap **out);
void tdm_snap_free(struct tdm_snap *s);

/* Rows as the database holds them (HA1s in hex). */
struct tdm_snap_sub_row {
	int64_t id;
	struct tdm_str username, domain, display_name;
	struct tdm_str ha1, ha1_sha256, ha1_sha512t256;
	bool enabled;
};
struct tdm_snap_alias_row {
	int64_t id;
	struct tdm_str alias_username, alias_domain, username, domain;
};
struct tdm_snap_addr_row {
	int64_t id;
	unsigned grp;
	struct tdm_str ip;          /* text form */
	unsigned mask, port;
	struct tdm_str tag;
};

/* 0, -EINVAL (a value the snapshot cannot hold: bad hex, a name over 255
 * bytes, a bad IP) or -ENOMEM. */
int tdm_snap_put_domain(struct tdm_snap *s, int64_t id,
			const struct tdm_str *name);
int tdm_snap_put_subscriber(struct tdm_snap *s,
			    const struct tdm_snap_sub_row *r);
int tdm_snap_put_alias(struct tdm_snap *s, const struct tdm_snap_alias_row *r);
int tdm_snap_put_address(struct tdm_snap *s, const struct tdm_snap_addr_row *r);

enum tdm_snap_table {
	TDM_SNAP_DOMAIN,
	TDM_SNAP_SUBSCRIBER,
	TDM_SNAP_ALIAS,
	TDM_SNAP_ADDRESS,
	TDM_SNAP__TABLES
};
/* The change_log name of a table ("subscriber"), or -1 for another. */
int tdm_snap_table_parse(const struct tdm_str *name);
extern const char *const tdm_snap_table_names[TDM_SNAP__TABLES];

/* Removes row id of table t; -ENOENT when the snapshot did not have it. */
int tdm_snap_del(struct tdm_snap *s, enum tdm_snap_table t, int64_t id);

/* Full reload: mark, put every row, sweep (returns the entries removed). */
void tdm_snap_mark(struct tdm_snap *s);
size_t tdm_snap_sweep(struct tdm_snap *s);

/* The node's snapshot (tdm_snap_node()); set by the node at start. */
void tdm_snap_set_node(struct tdm_snap *s);

#endif
