/* SPDX-License-Identifier: GPL-2.0-or-later
 * The connection table shared by all workers: open stream connections by
 * id and by (protocol, peer address), so any worker can find the owner of
 * a connection and post bytes to it, plus the per-source-IP counters
 * behind max_per_ip. One mutex: lookups are short and connection churn is
 * far rarer than messages. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <tandem/alloc.h>
#include "net/conn.h"
#include "net/conn_table.h"

/* Connections from one source IP. */
struct ip_count {
	struct tdm_hash_node node;
	struct tdm_addr ip; /* port 0 */
	unsigned n;
};

static struct {
	pthread_mutex_t lock;
	struct tdm_hash by_id, by_addr, by_ip;
	unsigned total, max_total, max_per_ip;
	bool init;
} tbl = { .lock = PTHREAD_MUTEX_INITIALIZER };

static _Atomic uint64_t next_id = 1;

static uint32_t fnv(const void *p, size_t n, uint32_t h)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t hash_id(uint64_t id)
{
	return fnv(&id, sizeof(id), 2166136261u);
}

/* Hashes family, IP and (when with_port) port; what tdm_addr_eq
 * compares, without the padding of sockaddr_storage. */
static uint32_t hash_addr(const struct tdm_addr *a, uint32_t seed,
			  bool with_port)
{
	uint32_t h = fnv(&seed, sizeof(seed), 2166136261u);
	uint16_t port = with_port ? tdm_addr_port(a) : 0;

	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&a->ss;

		h = fnv(&s->sin_addr, sizeof(s->sin_addr), h);
	} else {
		const struct sockaddr_in6 *s = (const void *)&a->ss;

		h = fnv(&s->sin6_addr, sizeof(s->sin6_addr), h);
	}
	return fnv(&port, sizeof(port), h);
}

static bool eq_id(const struct tdm_hash_node *n, const void *key, void *arg)
{
	(void)arg;
	return tdm_container_of(n, struct tdm_conn, by_id)->id ==
	       *(const uint64_t *)key;
}

static bool eq_addr(const struct tdm_hash_node *n, const void *key, void *arg)
{
	const struct tdm_conn *c = tdm_container_of(n, struct tdm_conn, by_addr);

	return c->proto == *(const enum tdm_proto *)arg &&
	       tdm_addr_eq(&c->peer, key);
}

static bool eq_ip(const struct tdm_hash_node *n, const void *key, void *arg)
{
	(void)arg;
	return tdm_addr_eq(&tdm_container_of(n, struct ip_count, node)->ip, key);
}

int tdm_conn_table_init(unsigned max_total, unsigned max_per_ip)
{
	int err;

	if (tbl.init)
		return -EALREADY;
	err = tdm_hash_init(&tbl.by_id, 256, 0);
	if (!err)
		err = tdm_hash_init(&tbl.by_addr, 256, 0);
	if (!err)
		err = tdm_hash_init(&tbl.by_ip, 256, 0);
	if (err) {
		tdm_hash_free(&tbl.by_id);
		tdm_hash_free(&tbl.by_addr);
		return err;
	}
	tbl.total = 0;
	tbl.max_total = max_total;
	tbl.max_per_ip = max_per_ip;
	tbl.init = true;
	return 0;
}

void tdm_conn_table_free(void)
{
	struct tdm_hash_node *n, *tmp;

	if (!tbl.init)
		return;
	TDM_HASH_FOREACH_SAFE(&tbl.by_ip, n, tmp) {
		tdm_hash_remove(&tbl.by_ip, n);
		tdm_free(tdm_container_of(n, struct ip_count, node));
	}
	tdm_hash_free(&tbl.by_id);
	tdm_hash_free(&tbl.by_addr);
	tdm_hash_free(&tbl.by_ip);
	tbl.init = false;
}

uint64_t tdm_conn_table_next_id(void)
{
	return atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
}

static void ip_key(struct tdm_addr *ip, const struct tdm_addr *peer)
{
	*ip = *peer;
	tdm_addr_set_port(ip, 0);
}

/* Finds or creates the counter of peer's IP; lock held. */
static struct ip_count *ip_get(const struct tdm_addr *ip, bool create)
{
	uint32_t h = hash_addr(ip, 0, false);
	struct tdm_hash_node *n = tdm_hash_find(&tbl.by_ip, h, ip, eq_ip, NULL);
	struct ip_count *e;

	if (n || !create)
		return n ? tdm_container_of(n, struct ip_count, node) : NULL;
	e = tdm_calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ip = *ip;
	tdm_hash_insert(&tbl.by_ip, &e->node, h);
	return e;
}

int tdm_conn_table_admit(const struct tdm_addr *peer, bool per_ip)
{
	struct tdm_addr ip;
	struct ip_count *e = NULL;
	int err = 0;

	ip_key(&ip, peer);
	pthread_mutex_lock(&tbl.lock);
	if (tbl.max_total && tbl.total >= tbl.max_total) {
		err = -EMFILE;
	} else if (per_ip) {
		e = ip_get(&ip, true);
		if (!e)
			err = -ENOMEM;
		else if (tbl.max_per_ip && e->n >= tbl.max_per_ip)
			err = -EUSERS;
		else
			e->n++;
	}
	if (!err)
		tbl.total++;
	else if (e && !e->n) {
		tdm_hash_remove(&tbl.by_ip, &e->node);
		tdm_free(e);
	}
	pthread_mutex_unlock(&tbl.lock);
	return err;
}

void tdm_conn_table_release(const struct tdm_addr *peer, bool per_ip)
{
	struct tdm_addr ip;
	struct ip_count *e;

	ip_key(&ip, peer);
	pthread_mutex_lock(&tbl.lock);
	if (tbl.total)
		tbl.total--;
	if (per_ip && (e = ip_get(&ip, false)) && --e->n == 0) {
		tdm_hash_remove(&tbl.by_ip, &e->node);
		tdm_free(e);
	}
	pthread_mutex_unlock(&tbl.lock);
}

void tdm_conn_table_add(struct tdm_conn *c)
{
	pthread_mutex_lock(&tbl.lock);
	if (!c->in_table) {
		tdm_hash_insert(&tbl.by_id, &c->by_id, hash_id(c->id));
		tdm_hash_insert(&tbl.by_addr, &c->by_addr,
				hash_addr(&c->peer, c->proto, true));
		c->in_table = true;
	}
	pthread_mutex_unlock(&tbl.lock);
}

void tdm_conn_table_remove(struct tdm_conn *c)
{
	pthread_mutex_lock(&tbl.lock);
	if (c->in_table) {
		tdm_hash_remove(&tbl.by_id, &c->by_id);
		tdm_hash_remove(&tbl.by_addr, &c->by_addr);
		c->in_table = false;
	}
	pthread_mutex_unlock(&tbl.lock);
}

static void fill(struct tdm_conn_ref *out, struct tdm_conn *c)
{
	out->owner = c->owner;
	out->conn = c;
	out->id = c->id;
}

int tdm_conn_table_find_id(uint64_t id, struct tdm_conn_ref *out)
{
	struct tdm_hash_node *n = NULL;

	pthread_mutex_lock(&tbl.lock);
	if (tbl.init)
		n = tdm_hash_find(&tbl.by_id, hash_id(id), &id, eq_id, NULL);
	if (n)
		fill(out, tdm_container_of(n, struct tdm_conn, by_id));
	pthread_mutex_unlock(&tbl.lock);
	return n ? 0 : -ENOENT;
}

int tdm_conn_table_find_addr(enum tdm_proto proto, const struct tdm_addr *a,
			     struct tdm_conn_ref *out)
{
	struct tdm_hash_node *n = NULL;

	if (!a->len)
		return -ENOENT;
	pthread_mutex_lock(&tbl.lock);
	if (tbl.init)
		n = tdm_hash_find(&tbl.by_addr, hash_addr(a, proto, true), a,
				  eq_addr, &proto);
	if (n)
		fill(out, tdm_container_of(n, struct tdm_conn, by_addr));
	pthread_mutex_unlock(&tbl.lock);
	return n ? 0 : -ENOENT;
}

int tdm_conn_table_peer(uint64_t id, enum tdm_proto *proto, struct tdm_addr *peer)
{
	struct tdm_hash_node *n = NULL;
	struct tdm_conn *c;

	if (!id)
		return -ENOENT;
	pthread_mutex_lock(&tbl.lock);
	if (tbl.init)
		n = tdm_hash_find(&tbl.by_id, hash_id(id), &id, eq_id, NULL);
	if (n) { /* immutable fields: safe to read under the lock */
		c = tdm_container_of(n, struct tdm_conn, by_id);
		*proto = c->proto;
		*peer = c->peer;
	}
	pthread_mutex_unlock(&tbl.lock);
	return n ? 0 : -ENOENT;
}

/* ---- connection-closed listeners ------------------------------------------ */

static struct {
	pthread_mutex_t lock;
	tdm_conn_closed_fn *fn[TDM_CONN_CLOSED_MAX];
	void *arg[TDM_CONN_CLOSED_MAX];
	_Atomic unsigned n;
} closed = { .lock = PTHREAD_MUTEX_INITIALIZER };

int tdm_conn_on_closed(tdm_conn_closed_fn *fn, void *arg)
{
	int rc = 0;

	pthread_mutex_lock(&closed.lock);
	if (closed.n >= TDM_CONN_CLOSED_MAX) {
		rc = -ENOSPC;
	} else {
		closed.fn[closed.n] = fn;
		closed.arg[closed.n] = arg;
		closed.n++; /* published after the entry is written */
	}
	pthread_mutex_unlock(&closed.lock);
	return rc;
}

void tdm_conn_closed_notify(uint64_t conn_id)
{
	unsigned n = closed.n;

	for (unsigned i = 0; i < n; i++)
		closed.fn[i](conn_id, closed.arg[i]);
}

void tdm_conn_closed_clear(void)
{
	pthread_mutex_lock(&closed.lock);
	closed.n = 0;
	pthread_mutex_unlock(&closed.lock);
}
