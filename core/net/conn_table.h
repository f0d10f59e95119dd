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

#endif
