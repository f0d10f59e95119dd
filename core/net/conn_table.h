/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to the stream transports: the table of open connections shared
 * by all workers (by 64-bit id and by protocol + peer address), and the
 * connection limits (in total and per source IP) it enforces. One mutex
 * guards it; lookups copy what another worker may use (owner, id) out
 * under the lock, because only the owner may touch the connection. */
#ifndef TDM_NET_CONN_TABLE_H
#define TDM_NET_CONN_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/addr.h>

struct tdm_conn;
struct tdm_streams;

/* What a lookup found. conn may be dereferenced only by owner's thread. */
struct tdm_conn_ref {
	struct tdm_streams *owner;
	struct tdm_conn *conn;
	uint64_t id;
};

int tdm_conn_table_init(unsigned max_total, unsigned max_per_ip);
void tdm_conn_table_free(void);
/* A new connection id (never 0). */
uint64_t tdm_conn_table_next_id(void);
/* Counts a connection against the limits: max_per_ip too when per_ip
 * (accepted connections). 0, -EMFILE (total reached), -EUSERS (this IP
 * reached its limit), -ENOMEM. */
int tdm_conn_table_admit(const struct tdm_addr *peer, bool per_ip);
void tdm_conn_table_release(const struct tdm_addr *peer, bool per_ip);
/* Enters / removes c (by id and by proto + peer). */
void tdm_conn_table_add(struct tdm_conn *c);
void tdm_conn_table_remove(struct tdm_conn *c);
/* 0 or -ENOENT. */
int tdm_conn_table_find_id(uint64_t id, struct tdm_conn_ref *out);
int tdm_conn_table_find_addr(enum tdm_proto proto, const struct tdm_addr *a,
			     struct tdm_conn_ref *out);
/* The protocol and peer of open connection id (they never change while
 * it lives). 0 or -ENOENT. */
int tdm_conn_table_peer(uint64_t id, enum tdm_proto *proto, struct tdm_addr *peer);

/* Listeners told when a stream connection closes (flow failure, RFC
 * 5626), called on the owning worker's thread: at most
 * TDM_CONN_CLOSED_MAX, registered before workers run (module load
 * hooks). 0 or -ENOSPC. */
#define TDM_CONN_CLOSED_MAX 8
typedef void tdm_conn_closed_fn(uint64_t conn_id, void *arg);
int tdm_conn_on_closed(tdm_conn_closed_fn *fn, void *arg);
/* Calls every listener (core/net/conn.c, when a connection closes). */
void tdm_conn_closed_notify(uint64_t conn_id);
/* Forgets every listener (modules unloaded; tests). */
void tdm_conn_closed_clear(void);

#endif
