/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/net/loop.c: fd readiness on pipes and eventfds, unwatch
 * and re-watch inside a batch, timers and deferred work in order, posts
 * and stop from other threads, before-sleep hooks, error paths and OOM.
 * Timeouts are hang guards only; nothing asserts how long anything took. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>
#include "test.h"

#define GUARD_MS 30000 /* hang guard: only reached when something is lost */

/* A log of what ran, in order. */
struct trace {
	int ids[256];
	unsigned ev[256];
	int n;
};

static void trace_add(struct trace *t, int id, unsigned ev)
{
	if (t->n < 256) {
		t->ids[t->n] = id;
		t->ev[t->n] = ev;
		t->n++;
	}
}

struct fdctx {
	struct trace *t;
	int id;
	int other_fd;            /* unwatch (and re-watch) this one */
	struct fdctx *rewatch;   /* ... with this context, if set */
	int unwatch_self;
};

static void on_fd(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	struct fdctx *c = arg;

	trace_add(c->t, c->id, events);
	if (c->unwatch_self)
		CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), 0);
	if (c->other_fd >= 0) {
		CU_ASSERT_EQUAL(tdm_loop_unwatch(l, c->other_fd), 0);
		if (c->rewatch)
			CU_ASSERT_EQUAL(tdm_loop_watch(l, c->other_fd,
						       TDM_LOOP_READ, on_fd,
						       c->rewatch), 0);
		c->other_fd = -1;
	}
}

static int make_efd(uint64_t v)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	CU_ASSERT_FATAL(fd >= 0);
	if (v)
		CU_ASSERT_EQUAL(write(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	return fd;
}

static void test_net_loop_new_free(void)
{
	struct tdm_loop *l = NULL;

	CU_ASSERT_EQUAL(tdm_loop_new(&l), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_PTR_NOT_NULL(tdm_loop_wheel(l));
	CU_ASSERT_EQUAL(tdm_wheel_now(tdm_loop_wheel(l)), tdm_loop_now(l));
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0); /* nothing to do */
	tdm_loop_free(l);
	tdm_loop_free(NULL);
	CU_ASSERT_EQUAL(tdm_loop_new(NULL), -EINVAL);
}

static void test_net_loop_pipe_read_write(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct fdctx rd = { &t, 1, -1, NULL, 0 }, wr = { &t, 2, -1, NULL, 0 };
	int p[2];
	char c;

	CU_ASSERT_FATAL(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, p[0], TDM_LOOP_READ, on_fd, &rd), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 0); /* empty pipe: not readable */

	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(t.n, 1);
	CU_ASSERT_EQUAL(t.ids[0], 1);
	CU_ASSERT_EQUAL(t.ev[0], TDM_LOOP_READ);
	/* level-triggered: still readable, reported again */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 1);
	CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 2);

	t.n = 0;
	CU_ASSERT_EQUAL(tdm_loop_watch(l, p[1], TDM_LOOP_WRITE, on_fd, &wr), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(t.ids[0], 2);
	CU_ASSERT_EQUAL(t.ev[0], TDM_LOOP_WRITE);

	/* modify: pause the writer, then watch it for read only (a write end
	 * is never readable) */
	CU_ASSERT_EQUAL(tdm_loop_modify(l, p[1], 0), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, p[1], TDM_LOOP_READ), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, p[1], TDM_LOOP_READ | TDM_LOOP_WRITE),
			0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 1);
	CU_ASSERT_EQUAL(t.ev[1], TDM_LOOP_WRITE);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, p[1]), 0);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, p[0]), 0);
	tdm_loop_free(l);
	close(p[0]);
	close(p[1]);
}

static void test_net_loop_hangup(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct fdctx rd = { &t, 1, -1, NULL, 1 };
	int p[2];

	CU_ASSERT_FATAL(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, p[0], TDM_LOOP_READ, on_fd, &rd), 0);
	close(p[1]);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(t.n, 1);
	/* the error comes with the watched direction */
	CU_ASSERT_EQUAL(t.ev[0], TDM_LOOP_READ | TDM_LOOP_ERROR);
	tdm_loop_free(l);
	close(p[0]);
}

static void test_net_loop_eventfd(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct fdctx c = { &t, 7, -1, NULL, 0 };
	int fd = make_efd(0);
	uint64_t v = 3;

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_READ, on_fd, &c), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(write(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 1);
	/* paused while readable: nothing until it is watched for read again */
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), 0);
	CU_ASSERT_EQUAL(write(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, 0, on_fd, &c), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, fd, TDM_LOOP_READ), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 1);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, fd, 0), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 2);
	tdm_loop_free(l); /* still watched: free does not mind */
	close(fd);
}

/* Two readable fds in one batch; whichever runs first unwatches the other,
 * whose event is already in the batch and must not be delivered. */
static void test_net_loop_unwatch_pending(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	int a = make_efd(1), b = make_efd(1);
	struct fdctx ca = { &t, 1, b, NULL, 0 }, cb = { &t, 2, a, NULL, 0 };

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, a, TDM_LOOP_READ, on_fd, &ca), 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, b, TDM_LOOP_READ, on_fd, &cb), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(t.n, 1);
	/* the survivor keeps firing, the other never does */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 1);
	CU_ASSERT_EQUAL(t.n, 2);
	CU_ASSERT_EQUAL(t.ids[0], t.ids[1]);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, t.ids[0] == 1 ? a : b), 0);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, t.ids[0] == 1 ? b : a), -ENOENT);
	tdm_loop_free(l);
	close(a);
	close(b);
}

/* Same, but the victim is watched again (same fd number, new callback)
 * inside the batch: the stale event must not reach the new watch. */
static void test_net_loop_rewatch_pending(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	int a = make_efd(1), b = make_efd(1);
	struct fdctx na = { &t, 11, -1, NULL, 0 }, nb = { &t, 12, -1, NULL, 0 };
	struct fdctx ca = { &t, 1, b, &nb, 0 }, cb = { &t, 2, a, &na, 0 };

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, a, TDM_LOOP_READ, on_fd, &ca), 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, b, TDM_LOOP_READ, on_fd, &cb), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(t.n, 1);
	/* next iteration: the new watch sees the (still readable) fd */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 2);
	CU_ASSERT_EQUAL(t.n, 3);
	CU_ASSERT(t.ids[1] == 10 + (t.ids[0] == 1 ? 2 : 1) ||
		  t.ids[2] == 10 + (t.ids[0] == 1 ? 2 : 1));
	tdm_loop_free(l);
	close(a);
	close(b);
}

static void test_net_loop_unwatch_self(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct fdctx c = { &t, 1, -1, NULL, 1 };
	int fd = make_efd(1);

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_READ, on_fd, &c), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 1);
	/* and it can be watched again */
	c.unwatch_self = 0;
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_READ, on_fd, &c), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 1);
	tdm_loop_free(l);
	close(fd);
}

static void noop_fd(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	(void)l, (void)fd, (void)events, (void)arg;
}

static void noop(struct tdm_loop *l, void *arg)
{
	(void)l, (void)arg;
}

static void check_busy(struct tdm_loop *l, void *arg)
{
	int *ok = arg;

	*ok = tdm_loop_run_once(l, 0) == -EBUSY && tdm_loop_run(l) == -EBUSY;
}

static void test_net_loop_errors(void)
{
	struct tdm_loop *l;
	int fd = make_efd(0), closed, busy = 0;
	char path[] = "/tmp/tdm-loop-XXXXXX";
	int file = mkstemp(path);

	CU_ASSERT_FATAL(file >= 0);
	unlink(path);
	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	closed = make_efd(0); /* after new, so the number stays free */
	close(closed);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, -1, TDM_LOOP_READ, noop_fd, NULL),
			-EBADF);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, closed, TDM_LOOP_READ, noop_fd, NULL),
			-EBADF);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, closed, 0, noop_fd, NULL), -EBADF);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, 1 << 29, TDM_LOOP_READ, noop_fd,
				       NULL), -EBADF);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, file, TDM_LOOP_READ, noop_fd, NULL),
			-EPERM);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_READ, NULL, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_ERROR, noop_fd, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_watch(NULL, fd, TDM_LOOP_READ, noop_fd, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, fd, TDM_LOOP_READ), -ENOENT);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), -ENOENT);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, -1), -ENOENT);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_READ, noop_fd, NULL), 0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, TDM_LOOP_WRITE, noop_fd, NULL),
			-EEXIST);
	CU_ASSERT_EQUAL(tdm_loop_modify(l, fd, 0x80), -EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), 0);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), -ENOENT);
	/* a paused watch of a good fd is fine */
	CU_ASSERT_EQUAL(tdm_loop_watch(l, fd, 0, noop_fd, NULL), 0);
	CU_ASSERT_EQUAL(tdm_loop_unwatch(l, fd), 0);

	CU_ASSERT_EQUAL(tdm_loop_defer(l, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_post(l, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep(l, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep_remove(l, noop, NULL), -ENOENT);
	CU_ASSERT_EQUAL(tdm_loop_run_once(NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_loop_stop(NULL), -EINVAL);

	CU_ASSERT_EQUAL(tdm_loop_defer(l, check_busy, &busy), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 1);
	CU_ASSERT_EQUAL(busy, 1);
	tdm_loop_free(l);
	close(fd);
	close(file);
}

/* Timers: fired in expiry order, through the loop's own wheel. */
struct tctx {
	struct tdm_timer tm;
	struct trace *t;
	struct tdm_loop *l;
	int id;
	uint64_t started;
	int late;    /* fired before its due time */
};

static void on_timer(void *arg)
{
	struct tctx *c = arg;

	trace_add(c->t, c->id, 0);
	if (tdm_loop_now(c->l) < c->started + (uint64_t)c->id)
		c->late = 1;
}

static void test_net_loop_timers_in_order(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct tctx c[4];
	static const int ms[4] = { 30, 5, 20, 12 };
	int guard = 0;

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	for (int i = 0; i < 4; i++) {
		c[i] = (struct tctx){ .t = &t, .l = l, .id = ms[i],
				      .started = tdm_loop_now(l) };
		tdm_timer_init(&c[i].tm, on_timer, &c[i]);
		tdm_timer_start(tdm_loop_wheel(l), &c[i].tm, (uint64_t)ms[i]);
	}
	/* run_once(-1) sleeps only until the next timer is due */
	while (t.n < 4 && guard++ < 1000)
		CU_ASSERT(tdm_loop_run_once(l, -1) >= 0);
	CU_ASSERT_EQUAL(t.n, 4);
	CU_ASSERT_EQUAL(t.ids[0], 5);
	CU_ASSERT_EQUAL(t.ids[1], 12);
	CU_ASSERT_EQUAL(t.ids[2], 20);
	CU_ASSERT_EQUAL(t.ids[3], 30);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(c[i].late, 0);
	CU_ASSERT_EQUAL(tdm_wheel_count(tdm_loop_wheel(l)), 0);
	tdm_loop_free(l);
}

/* Deferred work: FIFO, after the whole batch, never nested. */
struct dctx {
	struct trace *t;
	int id;
	int again; /* defer another item with id + 100 */
	struct dctx *next;
};

static void on_defer(struct tdm_loop *l, void *arg)
{
	struct dctx *d = arg;

	trace_add(d->t, d->id, 0);
	if (d->next)
		CU_ASSERT_EQUAL(tdm_loop_defer(l, on_defer, d->next), 0);
}

struct deferfd {
	struct trace *t;
	int id;
	struct dctx *d;
};

static void on_fd_defer(struct tdm_loop *l, int fd, unsigned events,
			void *arg)
{
	struct deferfd *c = arg;
	uint64_t v;

	(void)events;
	CU_ASSERT_EQUAL(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	trace_add(c->t, c->id, 0);
	CU_ASSERT_EQUAL(tdm_loop_defer(l, on_defer, c->d), 0);
}

struct tdefer {
	struct tdm_timer tm;
	struct tdm_loop *l;
	struct trace *t;
	struct dctx *d;
};

static void on_timer_defer(void *arg)
{
	struct tdefer *x = arg;

	trace_add(x->t, 50, 0);
	CU_ASSERT_EQUAL(tdm_loop_defer(x->l, on_defer, x->d), 0);
}

static void test_net_loop_defer_order(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct dctx d3 = { &t, 3, 0, NULL }, d2 = { &t, 2, 0, &d3 };
	struct dctx d1 = { &t, 1, 0, NULL };
	struct dctx da = { &t, 101, 0, NULL }, db = { &t, 102, 0, NULL };
	struct dctx dt = { &t, 51, 0, NULL };
	int a = make_efd(1), b = make_efd(1);
	struct deferfd fa = { &t, 91, &da }, fb = { &t, 92, &db };
	struct tdefer td = { .t = &t, .d = &dt };

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	/* queued outside the loop: runs first thing; d2 re-defers d3, which
	 * runs after d1 even though d1 was queued later than d2 */
	CU_ASSERT_EQUAL(tdm_loop_defer(l, on_defer, &d2), 0);
	CU_ASSERT_EQUAL(tdm_loop_defer(l, on_defer, &d1), 0);
	/* pending work means no sleep: this returns without any fd */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, -1), 3);
	CU_ASSERT_EQUAL(t.n, 3);
	CU_ASSERT_EQUAL(t.ids[0], 2);
	CU_ASSERT_EQUAL(t.ids[1], 1);
	CU_ASSERT_EQUAL(t.ids[2], 3);

	/* work deferred by fd callbacks runs after all of the batch */
	t.n = 0;
	CU_ASSERT_EQUAL(tdm_loop_watch(l, a, TDM_LOOP_READ, on_fd_defer, &fa),
			0);
	CU_ASSERT_EQUAL(tdm_loop_watch(l, b, TDM_LOOP_READ, on_fd_defer, &fb),
			0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, GUARD_MS), 4);
	CU_ASSERT_EQUAL_FATAL(t.n, 4);
	CU_ASSERT(t.ids[0] == 91 || t.ids[0] == 92);
	CU_ASSERT(t.ids[1] == 91 || t.ids[1] == 92);
	CU_ASSERT_EQUAL(t.ids[2], t.ids[0] + 10); /* in the order deferred */
	CU_ASSERT_EQUAL(t.ids[3], t.ids[1] + 10);

	/* and work deferred by a timer runs after the timer batch */
	t.n = 0;
	td.l = l;
	tdm_timer_init(&td.tm, on_timer_defer, &td);
	tdm_timer_start(tdm_loop_wheel(l), &td.tm, 1);
	for (int guard = 0; t.n < 2 && guard < 1000; guard++)
		CU_ASSERT(tdm_loop_run_once(l, -1) >= 0);
	CU_ASSERT_EQUAL(t.n, 2);
	CU_ASSERT_EQUAL(t.ids[0], 50);
	CU_ASSERT_EQUAL(t.ids[1], 51);
	tdm_loop_free(l);
	close(a);
	close(b);
}

/* Posts from several threads: none lost, each thread's posts in order. */
#define POSTERS 4
#define POSTS 20000

static struct {
	int next[POSTERS];     /* loop thread only */
	long total;
	int out_of_order;
	struct tdm_loop *l;
} ps;

static void on_post(struct tdm_loop *l, void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	int th = (int)(v >> 20), seq = (int)(v & 0xfffff);

	if (seq != ps.next[th])
		ps.out_of_order++;
	ps.next[th] = seq + 1;
	if (++ps.total == (long)POSTERS * POSTS)
		tdm_loop_stop(l);
}

static void *poster(void *arg)
{
	uintptr_t th = (uintptr_t)arg;

	for (uintptr_t i = 0; i < POSTS; i++) {
		while (tdm_loop_post(ps.l, on_post, (void *)(th << 20 | i)))
			sched_yield(); /* -ENOMEM only */
		if (i % 1000 == 0)
			sched_yield();
	}
	return NULL;
}

static void on_guard(void *arg)
{
	int *fired = arg;

	*fired = 1;
	/* the wheel does not know the loop: the test stops it via ps.l */
	tdm_loop_stop(ps.l);
}

static void test_net_loop_post_threads(void)
{
	pthread_t th[POSTERS];
	struct tdm_timer guard;
	int guard_fired = 0;

	memset(&ps, 0, sizeof(ps));
	CU_ASSERT_FATAL(tdm_loop_new(&ps.l) == 0);
	tdm_timer_init(&guard, on_guard, &guard_fired);
	tdm_timer_start(tdm_loop_wheel(ps.l), &guard, GUARD_MS);
	for (uintptr_t i = 0; i < POSTERS; i++)
		CU_ASSERT_FATAL(pthread_create(&th[i], NULL, poster,
					       (void *)i) == 0);
	CU_ASSERT_EQUAL(tdm_loop_run(ps.l), 0);
	for (int i = 0; i < POSTERS; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_EQUAL(guard_fired, 0);
	CU_ASSERT_EQUAL(ps.total, (long)POSTERS * POSTS);
	CU_ASSERT_EQUAL(ps.out_of_order, 0);
	for (int i = 0; i < POSTERS; i++)
		CU_ASSERT_EQUAL(ps.next[i], POSTS);
	tdm_timer_stop(&guard);
	tdm_loop_free(ps.l);
}

/* Stop from another thread while the loop sleeps (or is about to). */
static atomic_int about_to_sleep;

static void hook_flag(struct tdm_loop *l, void *arg)
{
	(void)l, (void)arg;
	atomic_store(&about_to_sleep, 1);
}

static void *stopper(void *arg)
{
	while (!atomic_load(&about_to_sleep))
		sched_yield();
	CU_ASSERT_EQUAL(tdm_loop_stop(arg), 0);
	return NULL;
}

static void test_net_loop_stop_thread(void)
{
	struct tdm_loop *l;
	struct tdm_timer guard;
	int guard_fired = 0;
	pthread_t th;

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	ps.l = l;
	tdm_timer_init(&guard, on_guard, &guard_fired);
	tdm_timer_start(tdm_loop_wheel(l), &guard, GUARD_MS);
	atomic_store(&about_to_sleep, 0);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep(l, hook_flag, NULL), 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, stopper, l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_run(l), 0);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(guard_fired, 0);

	/* a stop before run makes run return at once, and is consumed */
	CU_ASSERT_EQUAL(tdm_loop_stop(l), 0);
	CU_ASSERT_EQUAL(tdm_loop_run(l), 0);
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0); /* drains the wake-up */
	tdm_timer_stop(&guard);
	tdm_loop_free(l);
}

/* Before-sleep hooks: every iteration, in order; removable from a hook. */
struct hctx {
	struct trace *t;
	int id;
	int remove_self;
	struct dctx *defer;
};

static void on_hook(struct tdm_loop *l, void *arg)
{
	struct hctx *h = arg;

	trace_add(h->t, h->id, 0);
	if (h->remove_self)
		CU_ASSERT_EQUAL(tdm_loop_before_sleep_remove(l, on_hook, h), 0);
	if (h->defer) {
		CU_ASSERT_EQUAL(tdm_loop_defer(l, on_defer, h->defer), 0);
		h->defer = NULL;
	}
}

static void test_net_loop_before_sleep(void)
{
	struct tdm_loop *l;
	struct trace t = { 0 };
	struct dctx d = { &t, 99, 0, NULL };
	struct hctx h1 = { &t, 1, 0, NULL }, h2 = { &t, 2, 1, NULL };
	struct hctx h3 = { &t, 3, 0, &d };

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep(l, on_hook, &h1), 0);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep(l, on_hook, &h2), 0);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep(l, on_hook, &h3), 0);
	/* h3 defers: the loop must not sleep, and runs it in this iteration */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, -1), 1);
	CU_ASSERT_EQUAL_FATAL(t.n, 4);
	CU_ASSERT_EQUAL(t.ids[0], 1);
	CU_ASSERT_EQUAL(t.ids[1], 2);
	CU_ASSERT_EQUAL(t.ids[2], 3);
	CU_ASSERT_EQUAL(t.ids[3], 99);
	t.n = 0;
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0); /* h2 removed itself */
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 4);
	CU_ASSERT_EQUAL(t.ids[0], 1);
	CU_ASSERT_EQUAL(t.ids[1], 3);
	CU_ASSERT_EQUAL(t.ids[2], 1);
	CU_ASSERT_EQUAL(t.ids[3], 3);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep_remove(l, on_hook, &h2), -ENOENT);
	CU_ASSERT_EQUAL(tdm_loop_before_sleep_remove(l, on_hook, &h1), 0);
	t.n = 0;
	CU_ASSERT_EQUAL(tdm_loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(t.n, 1);
	CU_ASSERT_EQUAL(t.ids[0], 3);
	tdm_loop_free(l);
}

/* Queued work is dropped (and freed) by tdm_loop_free; the leak check
 * after the test sees the post nodes. */
static void test_net_loop_free_pending(void)
{
	struct tdm_loop *l;

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_EQUAL(tdm_loop_post(l, noop, NULL), 0);
	CU_ASSERT_EQUAL(tdm_loop_post(l, noop, NULL), 0);
	CU_ASSERT_EQUAL(tdm_loop_defer(l, noop, NULL), 0);
	tdm_loop_free(l);
}

static int oom_body(void *arg)
{
	struct tdm_loop *l;
	int fd = *(int *)arg, err;

	err = tdm_loop_new(&l);
	if (err)
		return err;
	err = tdm_loop_watch(l, fd, TDM_LOOP_READ, noop_fd, NULL);
	if (!err)
		err = tdm_loop_defer(l, noop, NULL);
	if (!err)
		err = tdm_loop_before_sleep(l, noop, NULL);
	if (!err)
		err = tdm_loop_post(l, noop, NULL);
	if (!err)
		err = tdm_loop_run_once(l, GUARD_MS) == 2 ? 0 : -EPROTO;
	tdm_loop_free(l);
	return err;
}

static void test_net_loop_oom(void)
{
	int fd = make_efd(0);

	CU_ASSERT_EQUAL(tdm_test_oom_loop(oom_body, &fd), 0);
	close(fd);
}

TDM_TEST_SUITE(net_loop,
	       TDM_TEST(test_net_loop_new_free),
	       TDM_TEST(test_net_loop_pipe_read_write),
	       TDM_TEST(test_net_loop_hangup),
	       TDM_TEST(test_net_loop_eventfd),
	       TDM_TEST(test_net_loop_unwatch_pending),
	       TDM_TEST(test_net_loop_rewatch_pending),
	       TDM_TEST(test_net_loop_unwatch_self),
	       TDM_TEST(test_net_loop_errors),
	       TDM_TEST(test_net_loop_timers_in_order),
	       TDM_TEST(test_net_loop_defer_order),
	       TDM_TEST(test_net_loop_post_threads),
	       TDM_TEST(test_net_loop_stop_thread),
	       TDM_TEST(test_net_loop_before_sleep),
	       TDM_TEST(test_net_loop_free_pending),
	       TDM_TEST(test_net_loop_oom))
