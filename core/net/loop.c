/* SPDX-License-Identifier: GPL-2.0-or-later
 * The worker event loop over epoll. fds live in a table indexed by fd;
 * each entry carries a generation that is packed into the epoll event,
 * so an event for an fd that was unwatched (or unwatched and watched
 * again) earlier in the same batch is recognised as stale and dropped. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>

#define BATCH 128 /* epoll events taken per iteration */

struct fdent {
	tdm_loop_fd_fn *fn; /* NULL: not watched */
	void *arg;
	unsigned mask;      /* watched TDM_LOOP_READ | TDM_LOOP_WRITE */
	uint32_t gen;       /* bumped on unwatch: stale events are dropped */
	bool in_epoll;      /* registered with epoll (mask != 0) */
};

struct work {
	tdm_loop_fn *fn;
	void *arg;
};

/* A vector of work items, used as a FIFO (defer) or a list (hooks). */
struct workvec {
	struct work *v;
	size_t len, cap;
};

struct post {
	struct post *next;
	tdm_loop_fn *fn;
	void *arg;
};

struct tdm_loop {
	int epfd;
	int wakefd;                    /* eventfd: posts and stop */
	bool in_cb;                    /* inside run_once: no re-entry */
	bool hooks_dirty;              /* a hook was removed during step 2 */
	uint64_t now;
	struct tdm_wheel *wheel;       /* owned */
	struct fdent *fds;             /* owned, indexed by fd */
	size_t nfds;
	struct workvec defer;
	struct workvec hooks;          /* removed entries have fn == NULL */
	_Atomic(struct post *) posts;  /* Treiber stack, newest first */
	atomic_bool stop;
	int ran;                       /* callbacks run in this iteration */
	struct epoll_event ev[BATCH];
};

static uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int workvec_push(struct workvec *wv, tdm_loop_fn *fn, void *arg)
{
	if (wv->len == wv->cap) {
		size_t cap = wv->cap ? wv->cap * 2 : 16;
		struct work *v = tdm_realloc(wv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		wv->v = v;
		wv->cap = cap;
	}
	wv->v[wv->len++] = (struct work){ fn, arg };
	return 0;
}

static void wake(struct tdm_loop *l)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is saturated, so the fd is readable anyway. */
	while (write(l->wakefd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* Runs the posted work: read the eventfd first, then take the stack, so
 * a post made after the exchange always writes the eventfd again. */
static void on_wake(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	struct post *p, *fifo = NULL;
	uint64_t v;

	(void)events;
	(void)arg;
	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
	p = atomic_exchange_explicit(&l->posts, NULL, memory_order_acquire);
	while (p) { /* newest first: reverse into FIFO order */
		struct post *next = p->next;

		p->next = fifo;
		fifo = p;
		p = next;
	}
	while (fifo) {
		struct post *next = fifo->next;
		tdm_loop_fn *fn = fifo->fn;
		void *parg = fifo->arg;

		tdm_free(fifo);
		fn(l, parg);
		l->ran++;
		fifo = next;
	}
}

int tdm_loop_new(struct tdm_loop **out)
{
	struct tdm_loop *l;
	int err;

	if (!out)
		return -EINVAL;
	l = tdm_calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->epfd = l->wakefd = -1;
	atomic_init(&l->posts, NULL);
	atomic_init(&l->stop, false);
	l->now = clock_ms();
	err = tdm_wheel_new(&l->wheel, l->now);
	if (err)
		goto fail;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		err = -errno;
		goto fail;
	}
	l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wakefd < 0) {
		err = -errno;
		goto fail;
	}
	err = tdm_loop_watch(l, l->wakefd, TDM_LOOP_READ, on_wake, NULL);
	if (err)
		goto fail;
	*out = l;
	return 0;
fail:
	tdm_loop_free(l);
	return err;
}

void tdm_loop_free(struct tdm_loop *l)
{
	struct post *p;

	if (!l)
		return;
	p = atomic_exchange(&l->posts, NULL);
	while (p) {
		struct post *next = p->next;

		tdm_free(p);
		p = next;
	}
	if (l->wakefd >= 0)
		close(l->wakefd);
	if (l->epfd >= 0)
		close(l->epfd);
	tdm_wheel_free(l->wheel);
	tdm_free(l->fds);
	tdm_free(l->defer.v);
	tdm_free(l->hooks.v);
	tdm_free(l);
}

static struct fdent *fd_get(struct tdm_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].fn)
		return NULL;
	return &l->fds[fd];
}

/* Grows the table so that fd is a valid index. */
static int fd_reserve(struct tdm_loop *l, int fd)
{
	size_t cap = l->nfds ? l->nfds : 64;
	struct fdent *v;

	if ((size_t)fd < l->nfds)
		return 0;
	while (cap <= (size_t)fd)
		cap *= 2;
	v = tdm_realloc(l->fds, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(v + l->nfds, 0, (cap - l->nfds) * sizeof(*v));
	l->fds = v;
	l->nfds = cap;
	return 0;
}

static uint32_t to_epoll(unsigned events)
{
	return ((events & TDM_LOOP_READ) ? EPOLLIN : 0) |
	       ((events & TDM_LOOP_WRITE) ? EPOLLOUT : 0);
}

/* Brings epoll in line with e->mask: registered iff the mask is not 0. */
static int sync_epoll(struct tdm_loop *l, int fd, struct fdent *e)
{
	struct epoll_event ev = { .events = to_epoll(e->mask),
				  .data.u64 = (uint64_t)e->gen << 32 |
					      (uint32_t)fd };
	int op;

	if (!e->mask && !e->in_epoll)
		return 0;
	op = !e->mask ? EPOLL_CTL_DEL : e->in_epoll ? EPOLL_CTL_MOD
						     : EPOLL_CTL_ADD;
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
		return -errno;
	e->in_epoll = e->mask != 0;
	return 0;
}

int tdm_loop_watch(struct tdm_loop *l, int fd, unsigned events,
		   tdm_loop_fd_fn *fn, void *arg)
{
	struct epoll_event ev = { .events = to_epoll(events) };
	struct fdent *e;
	uint32_t gen;
	int err;

	if (!l || !fn || (events & ~(TDM_LOOP_READ | TDM_LOOP_WRITE)))
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if (fd_get(l, fd))
		return -EEXIST;
	/* Ask epoll before growing the table, so that a huge bogus fd is
	 * -EBADF rather than -ENOMEM. */
	gen = (size_t)fd < l->nfds ? l->fds[fd].gen : 0;
	ev.data.u64 = (uint64_t)gen << 32 | (uint32_t)fd;
	if ((events ? epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)
		    : fcntl(fd, F_GETFD)) < 0) /* paused: only check it is open */
		return -errno;
	err = fd_reserve(l, fd);
	if (err) {
		if (events)
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		return err;
	}
	e = &l->fds[fd];
	e->fn = fn;
	e->arg = arg;
	e->mask = events;
	e->in_epoll = events != 0;
	return 0;
}

int tdm_loop_modify(struct tdm_loop *l, int fd, unsigned events)
{
	struct fdent *e;
	unsigned old;
	int err;

	if (!l || (events & ~(TDM_LOOP_READ | TDM_LOOP_WRITE)))
		return -EINVAL;
	e = fd_get(l, fd);
	if (!e)
		return -ENOENT;
	if (e->mask == events)
		return 0;
	old = e->mask;
	e->mask = events;
	err = sync_epoll(l, fd, e);
	if (err)
		e->mask = old;
	return err;
}

int tdm_loop_unwatch(struct tdm_loop *l, int fd)
{
	struct fdent *e;

	if (!l)
		return -EINVAL;
	e = fd_get(l, fd);
	if (!e)
		return -ENOENT;
	/* Errors ignored: after close() epoll has dropped the fd already. */
	if (e->in_epoll)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	e->fn = NULL;
	e->arg = NULL;
	e->mask = 0;
	e->in_epoll = false;
	e->gen++;
	return 0;
}

struct tdm_wheel *tdm_loop_wheel(struct tdm_loop *l)
{
	return l->wheel;
}

uint64_t tdm_loop_now(const struct tdm_loop *l)
{
	return l->now;
}

int tdm_loop_defer(struct tdm_loop *l, tdm_loop_fn *fn, void *arg)
{
	if (!l || !fn)
		return -EINVAL;
	return workvec_push(&l->defer, fn, arg);
}

int tdm_loop_post(struct tdm_loop *l, tdm_loop_fn *fn, void *arg)
{
	struct post *p, *head;

	if (!l || !fn)
		return -EINVAL;
	p = tdm_malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fn = fn;
	p->arg = arg;
	head = atomic_load_explicit(&l->posts, memory_order_relaxed);
	do
		p->next = head;
	while (!atomic_compare_exchange_weak_explicit(&l->posts, &head, p,
						      memory_order_release,
						      memory_order_relaxed));
	if (!head) /* first on an empty stack: the loop needs a wake-up */
		wake(l);
	return 0;
}

int tdm_loop_before_sleep(struct tdm_loop *l, tdm_loop_fn *fn, void *arg)
{
	if (!l || !fn)
		return -EINVAL;
	return workvec_push(&l->hooks, fn, arg);
}

int tdm_loop_before_sleep_remove(struct tdm_loop *l, tdm_loop_fn *fn,
				 void *arg)
{
	if (!l || !fn)
		return -EINVAL;
	for (size_t i = 0; i < l->hooks.len; i++) {
		struct work *w = &l->hooks.v[i];

		if (w->fn == fn && w->arg == arg) {
			w->fn = NULL; /* compacted after step 2 */
			l->hooks_dirty = true;
			return 0;
		}
	}
	return -ENOENT;
}

static void hooks_compact(struct workvec *wv)
{
	size_t n = 0;

	for (size_t i = 0; i < wv->len; i++)
		if (wv->v[i].fn)
			wv->v[n++] = wv->v[i];
	wv->len = n;
}

static void run_hooks(struct tdm_loop *l)
{
	size_t n = l->hooks.len; /* hooks added now run next time */

	for (size_t i = 0; i < n; i++) {
		struct work w = l->hooks.v[i];

		if (w.fn)
			w.fn(l, w.arg);
	}
	if (l->hooks_dirty) {
		hooks_compact(&l->hooks);
		l->hooks_dirty = false;
	}
}

/* Runs the work queued so far; work it defers waits for the next drain. */
static void run_deferred(struct tdm_loop *l)
{
	size_t n = l->defer.len;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		struct work w = l->defer.v[i]; /* v may move: copy first */

		w.fn(l, w.arg);
		l->ran++;
	}
	l->defer.len -= n;
	memmove(l->defer.v, l->defer.v + n, l->defer.len * sizeof(struct work));
}

static unsigned from_epoll(uint32_t ev, unsigned mask)
{
	unsigned out = ((ev & EPOLLIN) ? TDM_LOOP_READ : 0) |
		       ((ev & EPOLLOUT) ? TDM_LOOP_WRITE : 0);

	if (ev & (EPOLLERR | EPOLLHUP))
		out |= TDM_LOOP_ERROR | mask;
	return out & (mask | TDM_LOOP_ERROR);
}

static void dispatch(struct tdm_loop *l, int n)
{
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)l->ev[i].data.u64;
		uint32_t gen = (uint32_t)(l->ev[i].data.u64 >> 32);
		struct fdent *e = fd_get(l, fd);
		unsigned events;

		/* Unwatched (maybe re-watched) earlier in this batch. */
		if (!e || e->gen != gen || !e->mask)
			continue;
		events = from_epoll(l->ev[i].events, e->mask);
		if (!events)
			continue;
		if (fd != l->wakefd)
			l->ran++;
		e->fn(l, fd, events, e->arg);
	}
}

/* The epoll_wait timeout: the caller's, shortened to the next timer. */
static int sleep_ms(struct tdm_loop *l, int timeout_ms)
{
	int due;

	if (l->defer.len)
		return 0;
	due = tdm_wheel_next_due(l->wheel);
	if (due >= 0 && (timeout_ms < 0 || due < timeout_ms))
		return due;
	return timeout_ms;
}

int tdm_loop_run_once(struct tdm_loop *l, int timeout_ms)
{
	int n, fired, err = 0;

	if (!l)
		return -EINVAL;
	if (l->in_cb)
		return -EBUSY;
	l->in_cb = true;
	l->ran = 0;
	run_deferred(l);
	run_hooks(l);
	n = epoll_wait(l->epfd, l->ev, BATCH, sleep_ms(l, timeout_ms));
	if (n < 0) {
		n = 0;
		if (errno != EINTR)
			err = -errno;
	}
	l->now = clock_ms();
	/* the wheel's clock moves before any callback runs: a timer started
	 * by an fd callback counts from now, not from when the loop fell
	 * asleep (which made timers armed after an idle spell fire at once) */
	fired = tdm_wheel_advance(l->wheel, l->now);
	if (fired > 0)
		l->ran += fired;
	run_deferred(l);
	dispatch(l, n);
	run_deferred(l);
	l->in_cb = false;
	return err ? err : l->ran;
}

int tdm_loop_run(struct tdm_loop *l)
{
	int r;

	if (!l)
		return -EINVAL;
	if (l->in_cb)
		return -EBUSY;
	while (!atomic_exchange(&l->stop, false)) {
		r = tdm_loop_run_once(l, -1);
		if (r < 0)
			return r;
	}
	return 0;
}

int tdm_loop_stop(struct tdm_loop *l)
{
	if (!l)
		return -EINVAL;
	atomic_store(&l->stop, true);
	wake(l);
	return 0;
}
