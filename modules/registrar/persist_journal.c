/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence: the coalescing journal of binding changes (see
 * persist_journal.h). One mutex; every operation is O(1) per entry. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include "persist_journal.h"

static bool ruid_eq(const struct tdm_hash_node *n, const void *key, void *arg)
{
	const struct reg_pj_entry *e =
		tdm_container_of(n, struct reg_pj_entry, hnode);

	(void)arg;
	return tdm_str_eq(&e->row.ruid, key);
}

static struct reg_pj_entry *find(struct reg_pj *j, const struct tdm_str *ruid)
{
	struct tdm_hash_node *n =
		tdm_hash_find(&j->by_ruid, tdm_str_hash(ruid), ruid, ruid_eq,
			      NULL);

	return n ? tdm_container_of(n, struct reg_pj_entry, hnode) : NULL;
}

/* Copies s behind the entry header at *p (NUL-terminated). */
static struct tdm_str pack(char **p, const struct tdm_str *s)
{
	struct tdm_str out = { *p, s ? s->len : 0 };

	if (out.len)
		memcpy(*p, s->s, out.len);
	(*p)[out.len] = '\0';
	*p += out.len + 1;
	return out;
}

static size_t slen(const struct tdm_str *s)
{
	return (s ? s->len : 0) + 1;
}

/* A new entry holding a copy of b (or only ruid when b is NULL). */
static struct reg_pj_entry *entry_new(const struct reg_ul_binding *b,
				      const struct tdm_str *ruid,
				      const struct tdm_str *socket)
{
	static const struct reg_ul_binding none;
	const struct reg_ul_binding *r = b ? b : &none;
	struct reg_pj_entry *e;
	size_t n = sizeof(*e) + slen(&r->aor) + slen(&r->contact) +
		   slen(&r->received) + slen(&r->path) + slen(&r->callid) +
		   slen(&r->user_agent) + slen(&r->instance) + slen(ruid) +
		   slen(socket);
	char *p;

	e = tdm_malloc(n);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->row = *r;
	p = (char *)(e + 1);
	e->row.aor = pack(&p, &r->aor);
	e->row.contact = pack(&p, &r->contact);
	e->row.received = pack(&p, &r->received);
	e->row.path = pack(&p, &r->path);
	e->row.callid = pack(&p, &r->callid);
	e->row.user_agent = pack(&p, &r->user_agent);
	e->row.instance = pack(&p, &r->instance);
	e->row.ruid = pack(&p, ruid);
	e->socket = pack(&p, socket);
	e->del = !b;
	return e;
}

int reg_pj_init(struct reg_pj *j, unsigned max, unsigned wake_at)
{
	pthread_condattr_t ca;
	int rc;

	memset(j, 0, sizeof(*j));
	if ((rc = tdm_hash_init(&j->by_ruid, 1024, 0)))
		return rc;
	tdm_list_init(&j->fifo);
	j->max = max ? max : 1;
	j->wake_at = wake_at ? wake_at : 1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

void reg_pj_batch_free(struct tdm_list *batch)
{
	while (!tdm_list_empty(batch)) {
		struct tdm_list_node *n = batch->head.next;

		tdm_list_remove(n);
		tdm_free(tdm_container_of(n, struct reg_pj_entry, lnode));
	}
}

void reg_pj_destroy(struct reg_pj *j)
{
	reg_pj_batch_free(&j->fifo);
	tdm_hash_free(&j->by_ruid);
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
}

/* Queues e, replacing a pending entry of the same ruid in its place in
 * the FIFO (so a binding changing all the time is not starved). Called
 * with the lock held. */
static int queue(struct reg_pj *j, struct reg_pj_entry *e)
{
	struct reg_pj_entry *old = find(j, &e->row.ruid);

	e->seq = ++j->seq;
	if (old) {
		tdm_hash_remove(&j->by_ruid, &old->hnode);
		tdm_list_insert_after(&old->lnode, &e->lnode);
		tdm_list_remove(&old->lnode);
		tdm_free(old);
	} else {
		if (j->count >= j->max) {
			j->dropped++;
			tdm_free(e);
			return -ENOSPC;
		}
		tdm_list_insert_tail(&j->fifo, &e->lnode);
		j->count++;
	}
	tdm_hash_insert(&j->by_ruid, &e->hnode, tdm_str_hash(&e->row.ruid));
	if (j->count >= j->wake_at)
		pthread_cond_signal(&j->cond);
	return 0;
}

static int put(struct reg_pj *j, const struct reg_ul_binding *b,
	       const struct tdm_str *ruid, const struct tdm_str *socket)
{
	struct reg_pj_entry *e;
	int rc;

	if (!ruid || !ruid->len)
		return -EINVAL;
	/* allocate outside the lock: workers wait on each other less */
	e = entry_new(b, ruid, socket);
	if (!e)
		return -ENOMEM;
	pthread_mutex_lock(&j->lock);
	rc = queue(j, e);
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int reg_pj_put(struct reg_pj *j, const struct reg_ul_binding *b,
	       const struct tdm_str *socket)
{
	return put(j, b, &b->ruid, socket);
}

int reg_pj_del(struct reg_pj *j, const struct tdm_str *ruid)
{
	return put(j, NULL, ruid, NULL);
}

unsigned reg_pj_take(struct reg_pj *j, struct tdm_list *batch, unsigned max)
{
	unsigned n = 0;

	pthread_mutex_lock(&j->lock);
	while (n < max && !tdm_list_empty(&j->fifo)) {
		struct tdm_list_node *ln = j->fifo.head.next;
		struct reg_pj_entry *e =
			tdm_container_of(ln, struct reg_pj_entry, lnode);

		tdm_list_remove(ln);
		tdm_hash_remove(&j->by_ruid, &e->hnode);
		tdm_list_insert_tail(batch, ln);
		j->count--;
		n++;
	}
	pthread_mutex_unlock(&j->lock);
	return n;
}

void reg_pj_giveback(struct reg_pj *j, struct tdm_list *batch)
{
	pthread_mutex_lock(&j->lock);
	/* from the newest of the batch to the oldest, each to the head */
	while (!tdm_list_empty(batch)) {
		struct tdm_list_node *ln = batch->head.prev;
		struct reg_pj_entry *e =
			tdm_container_of(ln, struct reg_pj_entry, lnode);

		tdm_list_remove(ln);
		if (find(j, &e->row.ruid)) { /* a newer change is pending */
			tdm_free(e);
			continue;
		}
		if (j->count >= j->max) {
			j->dropped++;
			tdm_free(e);
			continue;
		}
		tdm_list_insert_after(&j->fifo.head, ln);
		tdm_hash_insert(&j->by_ruid, &e->hnode,
				tdm_str_hash(&e->row.ruid));
		j->count++;
	}
	pthread_mutex_unlock(&j->lock);
}

unsigned reg_pj_pending(struct reg_pj *j)
{
	unsigned n;

	pthread_mutex_lock(&j->lock);
	n = j->count;
	pthread_mutex_unlock(&j->lock);
	return n;
}

bool reg_pj_wait(struct reg_pj *j, unsigned timeout_ms)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->stop && j->count < j->wake_at)
		if (pthread_cond_timedwait(&j->cond, &j->lock, &ts))
			break;
	stop = j->stop;
	pthread_mutex_unlock(&j->lock);
	return stop;
}

void reg_pj_stop(struct reg_pj *j)
{
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
}
