/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/wheel.c: firing order and exact times, timers far
 * enough to live on every level, the clamp, stop, re-arming and freeing
 * from callbacks, next_due, clock jumps, and a randomised cross-check. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <tandem/alloc.h>
#include <tandem/wheel.h>
#include "test.h"

struct rec {
	struct tdm_wheel *w;
	int ids[64];
	uint64_t at[64];
	int n;
};

struct tt {
	struct tdm_timer t;
	struct rec *r;
	int id;
	int rearm;          /* re-arm self this many more times */
	uint64_t rearm_ms;
	struct tdm_timer *victim; /* stop this one when firing */
	struct tdm_timer *start;  /* start this one when firing */
	uint64_t start_ms;
};

static void on_fire(void *arg)
{
	struct tt *x = arg;
	struct rec *r = x->r;

	CU_ASSERT_FALSE(tdm_timer_pending(&x->t)); /* idle inside callback */
	if (r->n < 64) {
		r->ids[r->n] = x->id;
		r->at[r->n] = tdm_wheel_now(r->w);
		r->n++;
	}
	if (x->victim)
		tdm_timer_stop(x->victim);
	if (x->start)
		tdm_timer_start(r->w, x->start, x->start_ms);
	if (x->rearm > 0) {
		x->rearm--;
		CU_ASSERT_EQUAL(tdm_timer_start(r->w, &x->t, x->rearm_ms), 0);
	}
}

static void tt_init(struct tt *x, struct rec *r, int id)
{
	*x = (struct tt){ .r = r, .id = id };
	tdm_timer_init(&x->t, on_fire, x);
}

static void test_lib_wheel_fires_in_order(void)
{
	struct rec r = { 0 };
	struct tt x[6];
	static const uint64_t delay[6] = { 50, 10, 30, 1, 255, 256 };

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 1000), 0);
	for (int i = 0; i < 6; i++) {
		tt_init(&x[i], &r, i);
		CU_ASSERT_EQUAL(tdm_timer_start(r.w, &x[i].t, delay[i]), 0);
		CU_ASSERT_TRUE(tdm_timer_pending(&x[i].t));
		CU_ASSERT_EQUAL(tdm_timer_expires(&x[i].t), 1000 + delay[i]);
	}
	CU_ASSERT_EQUAL(tdm_wheel_count(r.w), 6);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 1000), 0); /* nothing yet */
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 1009), 1);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 2000), 5);
	CU_ASSERT_EQUAL_FATAL(r.n, 6);
	int want[6] = { 3, 1, 2, 0, 4, 5 };
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(r.ids[i], want[i]);
		CU_ASSERT_EQUAL(r.at[i], 1000 + delay[want[i]]); /* exact ms */
	}
	CU_ASSERT_EQUAL(tdm_wheel_count(r.w), 0);
	CU_ASSERT_EQUAL(tdm_wheel_now(r.w), 2000);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_far_timers_every_level(void)
{
	struct rec r = { 0 };
	struct tt x[8];
	/* level 0, 1, 2, 3 and slot boundaries in between */
	static const uint64_t delay[8] = {
		200, 256 + 3, 65535, 65536 + 17, 1u << 24, (1u << 24) + 999,
		3000000000u, 70000,
	};
	uint64_t now = 12345; /* not aligned to any slot boundary */

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, now), 0);
	for (int i = 0; i < 8; i++) {
		tt_init(&x[i], &r, i);
		tdm_timer_start(r.w, &x[i].t, delay[i]);
	}
	/* Advance in uneven steps, checking nothing fires early. */
	while (r.n < 8) {
		int next = tdm_wheel_next_due(r.w);
		CU_ASSERT_FATAL(next > 0);
		now += (uint64_t)next;
		tdm_wheel_advance(r.w, now);
	}
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(r.at[i], 12345 + delay[r.ids[i]]);
		if (i)
			CU_ASSERT_TRUE(r.at[i] > r.at[i - 1]);
	}
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), -1);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_clamps_max(void)
{
	struct rec r = { 0 };
	struct tt x;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 7), 0);
	tt_init(&x, &r, 1);
	tdm_timer_start(r.w, &x.t, UINT64_MAX / 2);
	CU_ASSERT_EQUAL(tdm_timer_expires(&x.t), 7 + (uint64_t)TDM_WHEEL_MAX_MS);
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), INT_MAX); /* clamped for epoll */
	tdm_wheel_advance(r.w, 7 + (uint64_t)TDM_WHEEL_MAX_MS - 1);
	CU_ASSERT_EQUAL(r.n, 0);
	tdm_wheel_advance(r.w, 7 + (uint64_t)TDM_WHEEL_MAX_MS);
	CU_ASSERT_EQUAL(r.n, 1);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_stop(void)
{
	struct rec r = { 0 };
	struct tt a, b, c;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 0), 0);
	tt_init(&a, &r, 1);
	tt_init(&b, &r, 2);
	tt_init(&c, &r, 3);
	CU_ASSERT_EQUAL(tdm_timer_stop(&a.t), 0); /* never started */
	tdm_timer_start(r.w, &a.t, 10);
	tdm_timer_start(r.w, &b.t, 10);    /* same slot */
	tdm_timer_start(r.w, &c.t, 100000); /* level 2 */
	CU_ASSERT_EQUAL(tdm_timer_stop(&a.t), 1);
	CU_ASSERT_EQUAL(tdm_timer_stop(&a.t), 0);
	CU_ASSERT_EQUAL(tdm_timer_stop(&c.t), 1);
	CU_ASSERT_EQUAL(tdm_wheel_count(r.w), 1);
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), 10);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 200000), 1);
	CU_ASSERT_EQUAL_FATAL(r.n, 1);
	CU_ASSERT_EQUAL(r.ids[0], 2);
	CU_ASSERT_EQUAL(tdm_timer_stop(&b.t), 0); /* already fired */
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), -1);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_restart_moves(void)
{
	struct rec r = { 0 };
	struct tt a;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 0), 0);
	tt_init(&a, &r, 1);
	CU_ASSERT_EQUAL(tdm_timer_start(r.w, &a.t, 5000), 0);
	CU_ASSERT_EQUAL(tdm_timer_start(r.w, &a.t, 20), 1); /* moved */
	CU_ASSERT_EQUAL(tdm_wheel_count(r.w), 1);
	tdm_wheel_advance(r.w, 20);
	CU_ASSERT_EQUAL(r.n, 1);
	tdm_wheel_advance(r.w, 10000);
	CU_ASSERT_EQUAL(r.n, 1); /* the 5000 ms arming is gone */
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_rearm_from_callback(void)
{
	struct rec r = { 0 };
	struct tt a;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 100), 0);
	tt_init(&a, &r, 1);
	a.rearm = 4;
	a.rearm_ms = 300; /* crosses level-0 wraps each time */
	tdm_timer_start(r.w, &a.t, 300);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 100 + 5 * 300), 5);
	CU_ASSERT_EQUAL_FATAL(r.n, 5);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(r.at[i], 100 + 300 * (uint64_t)(i + 1));
	CU_ASSERT_FALSE(tdm_timer_pending(&a.t));
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_rearm_zero_no_loop(void)
{
	struct rec r = { 0 };
	struct tt a;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 0), 0);
	tt_init(&a, &r, 1);
	a.rearm = 1000000; /* would spin forever if 0 meant "now" */
	a.rearm_ms = 0;
	tdm_timer_start(r.w, &a.t, 0);
	CU_ASSERT_EQUAL(tdm_timer_expires(&a.t), 1);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 0), 0);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 1), 1);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 10), 9); /* once per tick */
	CU_ASSERT_TRUE(tdm_timer_pending(&a.t));
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), 1);
	tdm_wheel_free(r.w);
	CU_ASSERT_FALSE(tdm_timer_pending(&a.t)); /* orphaned by free */
	CU_ASSERT_EQUAL(tdm_timer_stop(&a.t), 0);
}

static void test_lib_wheel_stop_other_from_callback(void)
{
	struct rec r = { 0 };
	struct tt a, b, c, d;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 0), 0);
	tt_init(&a, &r, 1);
	tt_init(&b, &r, 2);
	tt_init(&c, &r, 3);
	tt_init(&d, &r, 4);
	/* a, b due on the same tick: a stops b, which is already queued for
	 * firing; a also stops c (due later) and starts d. */
	tdm_timer_start(r.w, &a.t, 5);
	tdm_timer_start(r.w, &b.t, 5);
	tdm_timer_start(r.w, &c.t, 7);
	a.victim = &b.t;
	b.victim = &c.t;
	a.start = &d.t;
	a.start_ms = 1;
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 5), 1);
	CU_ASSERT_TRUE(tdm_timer_pending(&c.t));
	CU_ASSERT_TRUE(tdm_timer_pending(&d.t));
	a.victim = NULL;
	a.start = NULL;
	tdm_timer_stop(&c.t);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 100), 1);
	CU_ASSERT_EQUAL_FATAL(r.n, 2);
	CU_ASSERT_EQUAL(r.ids[0], 1);
	CU_ASSERT_EQUAL(r.ids[1], 4);
	CU_ASSERT_EQUAL(r.at[1], 6);
	tdm_wheel_free(r.w);
}

struct owner {
	struct tdm_timer t;
	struct tdm_wheel *w;
	int *freed;
};

static void free_owner(void *arg)
{
	struct owner *o = arg;
	(*o->freed)++;
	tdm_free(o); /* the owner goes away inside its own callback */
}

static void test_lib_wheel_callback_frees_owner(void)
{
	struct tdm_wheel *w;
	int freed = 0;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&w, 0), 0);
	for (int i = 0; i < 50; i++) {
		struct owner *o = tdm_malloc(sizeof(*o));
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		o->w = w;
		o->freed = &freed;
		tdm_timer_init(&o->t, free_owner, o);
		tdm_timer_start(w, &o->t, 1 + (uint64_t)(i % 3));
	}
	CU_ASSERT_EQUAL(tdm_wheel_advance(w, 3), 50);
	CU_ASSERT_EQUAL(freed, 50);
	tdm_wheel_free(w);
}

static void reenter(void *arg)
{
	struct rec *r = arg;

	CU_ASSERT_EQUAL(tdm_wheel_advance(r->w, 1000), -EBUSY);
	/* The first callback sees the second still queued: due now. */
	if (r->n == 0)
		CU_ASSERT_EQUAL(tdm_wheel_next_due(r->w), 0);
	r->n++;
}

static void test_lib_wheel_no_reentry(void)
{
	struct rec r = { 0 };
	struct tdm_timer a, b;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 0), 0);
	tdm_timer_init(&a, reenter, &r);
	tdm_timer_init(&b, reenter, &r);
	tdm_timer_start(r.w, &a, 3);
	tdm_timer_start(r.w, &b, 3);
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 3), 2);
	CU_ASSERT_EQUAL(r.n, 2);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_next_due(void)
{
	struct rec r = { 0 };
	struct tt a, b;
	int d;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 1000), 0);
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), -1);
	tt_init(&a, &r, 1);
	tt_init(&b, &r, 2);
	tdm_timer_start(r.w, &a.t, 42);
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), 42);
	tdm_wheel_advance(r.w, 1040);
	CU_ASSERT_EQUAL(tdm_wheel_next_due(r.w), 2);
	tdm_timer_stop(&a.t);
	/* Far timer: the answer may be early, never late, and converges. */
	tdm_timer_start(r.w, &b.t, 100000);
	d = tdm_wheel_next_due(r.w);
	CU_ASSERT_TRUE(d > 0 && d <= 100000);
	while (r.n == 0) {
		uint64_t now = tdm_wheel_now(r.w);
		d = tdm_wheel_next_due(r.w);
		CU_ASSERT_TRUE_FATAL(d > 0);
		CU_ASSERT_TRUE_FATAL(now + (uint64_t)d <= 1040 + 100000);
		tdm_wheel_advance(r.w, now + (uint64_t)d);
	}
	CU_ASSERT_EQUAL(r.at[0], 1040 + 100000);
	tdm_wheel_free(r.w);
}

static void test_lib_wheel_clock_jumps(void)
{
	struct rec r = { 0 };
	struct tt a, b;

	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&r.w, 500), 0);
	tt_init(&a, &r, 1);
	tt_init(&b, &r, 2);
	tdm_wheel_advance(r.w, 400); /* backwards: ignored */
	CU_ASSERT_EQUAL(tdm_wheel_now(r.w), 500);
	tdm_wheel_advance(r.w, 10000000); /* empty wheel jumps at once */
	CU_ASSERT_EQUAL(tdm_wheel_now(r.w), 10000000);
	tdm_timer_start(r.w, &a.t, 70000);
	tdm_timer_start(r.w, &b.t, 3);
	/* One big jump past both: both fire, in order, stamped with their
	 * own due times. */
	CU_ASSERT_EQUAL(tdm_wheel_advance(r.w, 50000000), 2);
	CU_ASSERT_EQUAL_FATAL(r.n, 2);
	CU_ASSERT_EQUAL(r.ids[0], 2);
	CU_ASSERT_EQUAL(r.at[0], 10000003);
	CU_ASSERT_EQUAL(r.at[1], 10070000);
	tdm_wheel_free(r.w);
}

/* Random timers, random steps: every timer fires exactly once, at its
 * due ms, never early, in non-decreasing order; a third are stopped. */
#define RN 2000
struct rnd {
	struct tdm_timer t;
	struct tdm_wheel *w;
	uint64_t due;
	int fired;
	uint64_t *last;
	int *bad;
};

static void rnd_fire(void *arg)
{
	struct rnd *x = arg;
	uint64_t now = tdm_wheel_now(x->w);

	if (now != x->due || now < *x->last || x->fired)
		(*x->bad)++;
	*x->last = now;
	x->fired++;
}

static void test_lib_wheel_random_crosscheck(void)
{
	struct rnd *x = tdm_calloc(RN, sizeof(*x));
	struct tdm_wheel *w;
	uint64_t now = 987654, last = 0;
	int bad = 0, fired = 0, stopped = 0;
	unsigned seed = 12345;

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL_FATAL(tdm_wheel_new(&w, now), 0);
	for (int i = 0; i < RN; i++) {
		uint64_t d;
		seed = seed * 1103515245u + 12345u;
		switch (i % 4) {
		case 0: d = seed % 300; break;
		case 1: d = seed % 70000; break;
		case 2: d = seed % 20000000; break;
		default: d = 1 + seed % 1000; break;
		}
		x[i].w = w;
		x[i].last = &last;
		x[i].bad = &bad;
		tdm_timer_init(&x[i].t, rnd_fire, &x[i]);
		tdm_timer_start(w, &x[i].t, d);
		x[i].due = now + (d ? d : 1);
	}
	for (int i = 0; i < RN; i += 3)
		stopped += tdm_timer_stop(&x[i].t);
	while (tdm_wheel_count(w)) {
		int due = tdm_wheel_next_due(w);
		uint64_t first = UINT64_MAX;
		for (int i = 0; i < RN; i++)
			if (tdm_timer_pending(&x[i].t) && x[i].due < first)
				first = x[i].due;
		CU_ASSERT_TRUE_FATAL(due > 0);
		/* next_due may be early, never late */
		CU_ASSERT_TRUE_FATAL(now + (uint64_t)due <= first);
		seed = seed * 1103515245u + 12345u;
		/* sometimes step exactly to the due time, sometimes beyond */
		now += (uint64_t)due + (seed % 3 ? 0 : seed % 5000);
		fired += tdm_wheel_advance(w, now);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fired + stopped, RN);
	for (int i = 0; i < RN; i++)
		CU_ASSERT_EQUAL_FATAL(x[i].fired, i % 3 ? 1 : 0);
	tdm_wheel_free(w);
	tdm_free(x);
}

static void test_lib_wheel_new_oom(void)
{
	struct tdm_wheel *w = NULL;

	tdm_alloc_fail_after(0);
	CU_ASSERT_EQUAL(tdm_wheel_new(&w, 0), -ENOMEM);
	tdm_alloc_fail_after(-1);
	CU_ASSERT_PTR_NULL(w);
	tdm_wheel_free(NULL);
}

TDM_TEST_SUITE(lib_wheel,
	       TDM_TEST(test_lib_wheel_fires_in_order),
	       TDM_TEST(test_lib_wheel_far_timers_every_level),
	       TDM_TEST(test_lib_wheel_clamps_max),
	       TDM_TEST(test_lib_wheel_stop),
	       TDM_TEST(test_lib_wheel_restart_moves),
	       TDM_TEST(test_lib_wheel_rearm_from_callback),
	       TDM_TEST(test_lib_wheel_rearm_zero_no_loop),
	       TDM_TEST(test_lib_wheel_stop_other_from_callback),
	       TDM_TEST(test_lib_wheel_callback_frees_owner),
	       TDM_TEST(test_lib_wheel_no_reentry),
	       TDM_TEST(test_lib_wheel_next_due),
	       TDM_TEST(test_lib_wheel_clock_jumps),
	       TDM_TEST(test_lib_wheel_random_crosscheck),
	       TDM_TEST(test_lib_wheel_new_oom))
