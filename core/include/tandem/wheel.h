/* SPDX-License-Identifier: GPL-2.0-or-later
 * Hierarchical timer wheel (Varghese & Lauck; the classic Linux timer
 * base): 4 levels of 256 slots at a 1 ms tick. Start and stop are O(1),
 * timers are embedded in their owners, and one wheel serves one worker's
 * event loop, which is why nothing here locks. */
#ifndef TANDEM_WHEEL_H
#define TANDEM_WHEEL_H

#include <stdint.h>
#include <tandem/compiler.h>
#include <tandem/list.h>

/* Resolution: 1 ms. Level 0 holds the next 256 ms exactly; levels 1-3
 * hold coarser slots of 2^8, 2^16, 2^24 ms whose timers are moved down
 * ("cascaded") as their time approaches, so every timer still fires on
 * its exact millisecond. Longest delay: TDM_WHEEL_MAX_MS (2^32 - 1 ms,
 * about 49.7 days); longer delays are clamped to it. */
#define TDM_WHEEL_MAX_MS 0xffffffffu

struct tdm_wheel;
typedef void tdm_timer_fn(void *arg);

/* Embedded in the object that owns the timer. Initialise with
 * tdm_timer_init() (or zero it and let tdm_timer_start() set the rest).
 * Fields are private to wheel.c. */
struct tdm_timer {
	struct tdm_list_node node; /* in a slot while pending */
	struct tdm_wheel *wheel;   /* the wheel it is armed on; NULL if idle */
	uint64_t expires;          /* absolute ms */
	tdm_timer_fn *fn;
	void *arg;                 /* passed to fn; not owned */
	unsigned slot;             /* level * 256 + index, or a sentinel */
};

/* New wheel whose clock reads now_ms (any monotonic ms counter, e.g.
 * CLOCK_MONOTONIC). Returns 0 or -ENOMEM. */
TDM_API int tdm_wheel_new(struct tdm_wheel **out, uint64_t now_ms);
/* Frees the wheel. Pending timers are unlinked (left idle), never fired,
 * so their owners may still call tdm_timer_stop(). NULL is fine. Must not
 * be called from a timer callback. */
TDM_API void tdm_wheel_free(struct tdm_wheel *w);

/* Moves the clock to now_ms and fires, in expiry order, every timer due
 * at or before it (timers due on the same ms fire in unspecified order).
 * A callback may start, re-arm or stop any timer, itself included, and
 * may free the timer's owner; a timer started from a callback with a due
 * time that has already passed fires at the next tick, so a callback
 * re-arming itself with delay 0 cannot loop forever inside one advance.
 * A clock going backwards is ignored. Returns the number of timers fired,
 * or -EBUSY when called from inside a callback. */
TDM_API int tdm_wheel_advance(struct tdm_wheel *w, uint64_t now_ms);
/* Milliseconds from the wheel's clock (the last now_ms given) until the
 * next timer is due, clamped to INT_MAX, or -1 when no timer is pending:
 * ready to be an epoll_wait() timeout. Exact when the next timer is less
 * than 256 ms away; further out it may be earlier than the real due time
 * (the moment that timer's slot cascades), never later. Waking early is
 * harmless: advance, then ask again. */
TDM_API int tdm_wheel_next_due(const struct tdm_wheel *w);
/* The wheel's clock: the last now_ms passed to new or advance. */
TDM_API uint64_t tdm_wheel_now(const struct tdm_wheel *w);
/* Pending timers. */
TDM_API unsigned long tdm_wheel_count(const struct tdm_wheel *w);

/* Sets the callback; the timer is idle after. Do not call on a pending
 * timer. */
TDM_API void tdm_timer_init(struct tdm_timer *t, tdm_timer_fn *fn, void *arg);
/* Arms t to fire delay_ms after the wheel's clock (0 means at the next
 * tick). A pending timer is re-armed (moved), on this wheel or from
 * another one. Returns 1 when t was pending before, 0 when it was idle,
 * so owners that count references per armed timer know what to do. */
TDM_API int tdm_timer_start(struct tdm_wheel *w, struct tdm_timer *t,
			    uint64_t delay_ms);
/* Disarms t. Returns 1 when it was pending, 0 when idle (already fired,
 * stopped or never started). Safe from any callback of its wheel. */
TDM_API int tdm_timer_stop(struct tdm_timer *t);

/* True while t is armed (started and not yet fired or stopped). A timer
 * is idle again by the time its callback runs. */
static inline int tdm_timer_pending(const struct tdm_timer *t)
{
	return t->wheel != NULL;
}

/* Absolute due time (wheel clock ms) of a pending timer. */
static inline uint64_t tdm_timer_expires(const struct tdm_timer *t)
{
	return t->expires;
}

#endif
