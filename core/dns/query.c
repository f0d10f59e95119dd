/* SPDX-License-Identifier: GPL-2.0-or-later
 * One c-ares channel driven by a worker's event loop: c-ares tells us
 * which sockets it wants watched (ARES_OPT_SOCK_STATE_CB) and we watch
 * them with tdm_loop_watch; its retry timeouts run on the loop's wheel.
 * Questions already in flight on the channel are shared: a second asker
 * joins the first one's waiters. Answers go to the cache, then to the
 * waiters from a before-sleep hook, so no resolver callback ever runs
 * inside ares_process_fd or inside the call that asked. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>
#include <tandem/wheel.h>
#include "dns/dns_impl.h"

struct inflight {
	struct tdm_list_node link;      /* on chan->inflight, then ->done */
	struct tdm_dns_chan *c;
	uint16_t type;
	struct tdm_dns_rrset *set;      /* the answer, once known */
	void **waiters;
	unsigned nw, cap;
	char name[TDM_DNS_NAME_MAX];
};

struct tdm_dns_chan {
	ares_channel ch;
	struct tdm_loop *loop;
	struct tdm_timer timer;
	tdm_dns_answer_fn *fn;
	struct tdm_list inflight;       /* asked, no answer yet */
	struct tdm_list done;           /* answered, waiters not told yet */
	bool ch_ok;
};

/* Answer used when even the error set cannot be allocated. */
static struct tdm_dns_rrset nomem_set = { .refs = 1u << 30, .err = -ENOMEM };

static int map_status(int st)
{
	switch (st) {
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
	case ARES_EBADNAME:
		return -ENOENT;
	case ARES_ETIMEOUT:
		return -ETIMEDOUT;
	case ARES_ENOMEM:
		return -ENOMEM;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return -ECANCELED;
	case ARES_ECONNREFUSED:
		return -ECONNREFUSED;
	default:
		return -EIO;
	}
}

/* Re-arms the wheel timer for c-ares' next retry/timeout, if any. */
static void rearm(struct tdm_dns_chan *c)
{
	struct timeval tv;

	if (ares_timeout(c->ch, NULL, &tv)) {
		uint64_t ms = (uint64_t)tv.tv_sec * 1000 +
			      ((uint64_t)tv.tv_usec + 999) / 1000;

		tdm_timer_start(tdm_loop_wheel(c->loop), &c->timer, ms);
	} else {
		tdm_timer_stop(&c->timer);
	}
}

static void on_timer(void *arg)
{
	struct tdm_dns_chan *c = arg;

	ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(c);
}

static void on_fd(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	struct tdm_dns_chan *c = arg;

	(void)l;
	ares_process_fd(c->ch,
			events & (TDM_LOOP_READ | TDM_LOOP_ERROR) ? fd
								 : ARES_SOCKET_BAD,
			events & TDM_LOOP_WRITE ? fd : ARES_SOCKET_BAD);
	rearm(c);
}

/* c-ares opened, changed or closed one of its sockets. */
static void on_sock_state(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct tdm_dns_chan *c = data;
	unsigned ev = (readable ? TDM_LOOP_READ : 0u) |
		      (writable ? TDM_LOOP_WRITE : 0u);
	int err;

	if (!ev) {
		(void)tdm_loop_unwatch(c->loop, fd);
		return;
	}
	err = tdm_loop_modify(c->loop, fd, ev);
	if (err == -ENOENT)
		err = tdm_loop_watch(c->loop, fd, ev, on_fd, c);
	if (err)
		TDM_LOGE(&tdm_log_dns, "cannot watch resolver socket %d: %s",
			 (int)fd, tdm_strerror(err));
}

/* Caches an answer: positive for min(TTL, max_ttl), negative (NXDOMAIN,
 * no data) for negative_ttl; failures are not cached. */
static void cache_answer(struct inflight *q)
{
	uint32_t ttl;

	if (q->set->err == 0)
		ttl = q->set->ttl < tdm_dns_g.cfg.max_ttl_s ? q->set->ttl
							    : tdm_dns_g.cfg.max_ttl_s;
	else if (q->set->err == -ENOENT)
		ttl = tdm_dns_g.cfg.negative_ttl_s;
	else
		return;
	tdm_dns_cache_put(q->type, q->name, q->set, ttl,
			  tdm_loop_now(q->c->loop));
}

static void on_answer(void *arg, int status, int timeouts,
		      unsigned char *abuf, int alen)
{
	struct inflight *q = arg;
	int err = status == ARES_SUCCESS ? 0 : map_status(status);

	(void)timeouts;
	if (err == 0 || (err == -ENOENT && abuf))
		q->set = tdm_dns_parse(q->type, abuf, alen);
	else
		q->set = tdm_dns_rrset_err(q->type, err);
	if (!q->set)
		q->set = &nomem_set;
	err = q->set->err;
	if (err == -ETIMEDOUT)
		atomic_fetch_add(&tdm_dns_g.timeouts, 1);
	if (err && err != -ECANCELED)
		atomic_fetch_add(&tdm_dns_g.failures, 1);
	TDM_LOGD(&tdm_log_dns, "answer type=%u name=%s records=%u err=%d ttl=%u",
		 q->type, q->name, q->set->n, err, q->set->ttl);
	if (err != -ECANCELED)
		cache_answer(q);
	tdm_list_remove(&q->link);
	tdm_list_insert_tail(&q->c->done, &q->link);
}

/* Tells the waiters of every answered question (before-sleep hook). A
 * waiter may ask again; new answers are delivered in the same pass. */
static void deliver(struct tdm_loop *l, void *arg)
{
	struct tdm_dns_chan *c = arg;
	struct tdm_list_node *n;

	(void)l;
	while ((n = tdm_list_pop_head(&c->done)) != NULL) {
		struct inflight *q = tdm_container_of(n, struct inflight, link);

		for (unsigned i = 0; i < q->nw; i++)
			c->fn(q->waiters[i], q->type, q->name, q->set);
		tdm_dns_rrset_unref(q->set); /* nomem_set never reaches 0 */
		tdm_free(q->waiters);
		tdm_free(q);
	}
}

/* Channel options shared by the workers' channels and the check. */
static int chan_init(ares_channel *ch, void *data, char *err, size_t errlen)
{
	struct ares_options o;
	int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
	int st;

	memset(&o, 0, sizeof(o));
	o.timeout = (int)tdm_dns_g.cfg.timeout_ms;
	o.tries = (int)tdm_dns_g.cfg.tries;
	o.flags = ARES_FLAG_NOSEARCH;
	if (data) {
		o.sock_state_cb = on_sock_state;
		o.sock_state_cb_data = data;
		mask |= ARES_OPT_SOCK_STATE_CB;
	}
	st = ares_init_options(ch, &o, mask);
	if (st != ARES_SUCCESS) {
		snprintf(err, errlen, "resolver: %s", ares_strerror(st));
		return st == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	if (tdm_dns_g.cfg.servers && tdm_dns_g.cfg.servers[0]) {
		st = ares_set_servers_ports_csv(*ch, tdm_dns_g.cfg.servers);
		if (st != ARES_SUCCESS) {
			snprintf(err, errlen, "dns servers \"%s\": %s",
				 tdm_dns_g.cfg.servers, ares_strerror(st));
			ares_destroy(*ch);
			return -EINVAL;
		}
	}
	return 0;
}

int tdm_dns_chan_check(char *err, size_t errlen)
{
	ares_channel ch;
	int ret;

	ret = chan_init(&ch, NULL, err, errlen);
	if (!ret)
		ares_destroy(ch);
	return ret;
}

int tdm_dns_chan_new(struct tdm_dns_chan **out, struct tdm_loop *loop,
		     tdm_dns_answer_fn *fn, char *err, size_t errlen)
{
	struct tdm_dns_chan *c = tdm_calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	c->loop = loop;
	c->fn = fn;
	tdm_list_init(&c->inflight);
	tdm_list_init(&c->done);
	tdm_timer_init(&c->timer, on_timer, c);
	ret = tdm_loop_before_sleep(loop, deliver, c);
	if (!ret) {
		ret = chan_init(&c->ch, c, err, errlen);
		if (ret)
			tdm_loop_before_sleep_remove(loop, deliver, c);
	}
	if (ret) {
		tdm_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void tdm_dns_chan_free(struct tdm_dns_chan *c)
{
	if (!c)
		return;
	ares_destroy(c->ch);    /* answers every query with EDESTRUCTION */
	deliver(c->loop, c);
	tdm_timer_stop(&c->timer);
	tdm_loop_before_sleep_remove(c->loop, deliver, c);
	tdm_free(c);
}

static struct inflight *find(struct tdm_dns_chan *c, uint16_t type,
			     const char *name)
{
	struct tdm_list_node *n;

	TDM_LIST_FOREACH(&c->inflight, n) {
		struct inflight *q = tdm_container_of(n, struct inflight, link);

		if (q->type == type && strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

static int add_waiter(struct inflight *q, void *waiter)
{
	if (q->nw == q->cap) {
		unsigned cap = q->cap ? q->cap * 2 : 4;
		void **w = tdm_realloc(q->waiters, cap * sizeof(*w));

		if (!w)
			return -ENOMEM;
		q->waiters = w;
		q->cap = cap;
	}
	q->waiters[q->nw++] = waiter;
	return 0;
}

int tdm_dns_chan_ask(struct tdm_dns_chan *c, uint16_t type, const char *name,
		     void *waiter)
{
	char norm[TDM_DNS_NAME_MAX];
	struct inflight *q;
	int len = tdm_dns_name_norm(norm, name, strlen(name));

	if (len < 0)
		return len;
	q = find(c, type, norm);
	if (q)
		return add_waiter(q, waiter);
	q = tdm_calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	if (add_waiter(q, waiter)) {
		tdm_free(q);
		return -ENOMEM;
	}
	q->c = c;
	q->type = type;
	memcpy(q->name, norm, (size_t)len + 1);
	tdm_list_insert_tail(&c->inflight, &q->link);
	atomic_fetch_add(&tdm_dns_g.queries, 1);
	TDM_LOGD(&tdm_log_dns, "query type=%u name=%s", type, norm);
	/* May answer at once (bad name, no servers): on_answer then moves q
	 * to the done list, delivered from the hook like any other. */
	ares_query(c->ch, norm, 1 /* C_IN */, type, on_answer, q);
	rearm(c);
	return 0;
}
