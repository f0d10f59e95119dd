/* SPDX-License-Identifier: GPL-2.0-or-later
 * Cascading timer wheel, 4 x 256 slots, 1 ms tick. Level-0 slots hold
 * timers of one exact millisecond; higher levels hold ranges that are
 * re-filed one level down when level 0 wraps (the old Linux scheme). A
 * bitmap per level finds non-empty slots fast, which lets advance skip
 * idle stretches and next_due answer without walking lists. */
#include <errno.h>
#include <limits.h>
#include <tandem/alloc.h>
#include <tandem/wheel.h>

#define LEVELS 4
#define BITS 8
#define SLOTS (1u << BITS)
#define MASK (SLOTS - 1)
#define WORDS (SLOTS / 64)
#define SLOT_WORK (LEVELS * SLOTS)     /* on the list being fired */
#define SLOT_IDLE (LEVELS * SLOTS + 1) /* on no list */

struct tdm_wheel {
	/* Next tick to process; the clock reads base - 1. Every pending timer
	 * has expires >= base, and a level-0 timer expires < base + 256. */
	uint64_t base;
	unsigned long count;
	int running;                    /* inside advance: no re-entry */
	uint64_t bitmap[LEVELS][WORDS]; /* bit set = slot non-empty */
	struct tdm_list work;           /* due timers of the current tick */
	struct tdm_list slots[LEVELS][SLOTS];
};

int tdm_wheel_new(struct tdm_wheel **out, uint64_t now_ms)
{
	struct tdm_wheel *w = tdm_calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->base = now_ms + 1;
	tdm_list_init(&w->work);
	for (unsigned l = 0; l < LEVELS; l++)
		for (unsigned i = 0; i < SLOTS; i++)
			tdm_list_init(&w->slots[l][i]);
	*out = w;
	return 0;
}

/* Leaves every timer of list l idle and unlinked. */
static void orphan_list(struct tdm_list *l)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_pop_head(l))) {
		struct tdm_timer *t = tdm_container_of(n, struct tdm_timer, node);
		t->wheel = NULL;
		t->slot = SLOT_IDLE;
	}
}

void tdm_wheel_free(struct tdm_wheel *w)
{
	if (!w)
		return;
	orphan_list(&w->work);
	for (unsigned l = 0; l < LEVELS; l++)
		for (unsigned i = 0; i < SLOTS; i++)
			orphan_list(&w->slots[l][i]);
	tdm_free(w);
}

static void bit_set(struct tdm_wheel *w, unsigned slot)
{
	w->bitmap[slot / SLOTS][(slot & MASK) / 64] |= 1ull << (slot % 64);
}

static void bit_clear(struct tdm_wheel *w, unsigned slot)
{
	w->bitmap[slot / SLOTS][(slot & MASK) / 64] &= ~(1ull << (slot % 64));
}

/* Index of the first non-empty slot >= from on one level, or -1. */
static int find_set(const uint64_t *bm, unsigned from)
{
	unsigned i = from / 64;
	uint64_t word;

	if (from >= SLOTS)
		return -1;
	word = bm[i] & (~0ull << (from % 64));
	for (;;) {
		if (word)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(word));
		if (++i == WORDS)
			return -1;
		word = bm[i];
	}
}

/* Distance (0..255) from slot `from` to the first non-empty slot going
 * round the level once, or -1 when the level is empty. */
static int find_wrap(const uint64_t *bm, unsigned from)
{
	int i = find_set(bm, from);

	if (i >= 0)
		return i - (int)from;
	i = find_set(bm, 0);
	if (i >= 0 && (unsigned)i < from)
		return (int)(SLOTS - from) + i;
	return -1;
}

/* Files t (expires already set, >= base) in the slot matching how far
 * away it is: level L when the distance needs 8*(L+1) bits. */
static void file_timer(struct tdm_wheel *w, struct tdm_timer *t)
{
	uint64_t e = t->expires;
	uint64_t d = e >= w->base ? e - w->base : 0;
	unsigned level = 0, idx;

	if (e < w->base)
		e = w->base; /* cannot happen; fire at the next tick */
	while (level < LEVELS - 1 && d >= (1ull << (BITS * (level + 1))))
		level++;
	idx = (unsigned)(e >> (BITS * level)) & MASK;
	t->slot = level * SLOTS + idx;
	tdm_list_insert_tail(&w->slots[level][idx], &t->node);
	bit_set(w, t->slot);
}

/* Unlinks a pending timer from its slot (or the work list). */
static void unlink_timer(struct tdm_timer *t)
{
	struct tdm_wheel *w = t->wheel;
	unsigned slot = t->slot;

	tdm_list_remove(&t->node);
	if (slot < SLOT_WORK &&
	    tdm_list_empty(&w->slots[slot / SLOTS][slot & MASK]))
		bit_clear(w, slot);
	t->wheel = NULL;
	t->slot = SLOT_IDLE;
	w->count--;
}

void tdm_timer_init(struct tdm_timer *t, tdm_timer_fn *fn, void *arg)
{
	tdm_list_node_init(&t->node);
	t->wheel = NULL;
	t->expires = 0;
	t->fn = fn;
	t->arg = arg;
	t->slot = SLOT_IDLE;
}

int tdm_timer_stop(struct tdm_timer *t)
{
	if (!t->wheel)
		return 0;
	unlink_timer(t);
	return 1;
}

int tdm_timer_start(struct tdm_wheel *w, struct tdm_timer *t, uint64_t delay_ms)
{
	int was = tdm_timer_stop(t);

	if (delay_ms < 1)
		delay_ms = 1;
	if (delay_ms > TDM_WHEEL_MAX_MS)
		delay_ms = TDM_WHEEL_MAX_MS;
	t->expires = w->base - 1 + delay_ms;
	t->wheel = w;
	w->count++;
	file_timer(w, t);
	return was;
}

/* Re-files every timer of one higher-level slot into lower levels.
 * Returns the slot index, 0 meaning the level above must cascade too. */
static unsigned cascade(struct tdm_wheel *w, unsigned level)
{
	unsigned idx = (unsigned)(w->base >> (BITS * level)) & MASK;
	struct tdm_list tmp = TDM_LIST_INIT(tmp);
	struct tdm_list_node *n;

	tdm_list_splice_tail(&tmp, &w->slots[level][idx]);
	bit_clear(w, level * SLOTS + idx);
	while ((n = tdm_list_pop_head(&tmp)))
		file_timer(w, tdm_container_of(n, struct tdm_timer, node));
	return idx;
}

/* Fires the work list. Each timer is made idle before its callback runs,
 * so the callback may re-arm it or free its owner; timers it stops are
 * taken off the work list by tdm_timer_stop(). */
static int fire_work(struct tdm_wheel *w)
{
	struct tdm_list_node *n;
	int fired = 0;

	while ((n = tdm_list_first(&w->work))) {
		struct tdm_timer *t = tdm_container_of(n, struct tdm_timer, node);
		unlink_timer(t);
		fired++;
		t->fn(t->arg);
	}
	return fired;
}

/* Moves level-0 slot idx to the work list. */
static void take_slot(struct tdm_wheel *w, unsigned idx)
{
	struct tdm_list_node *n;

	TDM_LIST_FOREACH(&w->slots[0][idx], n)
		tdm_container_of(n, struct tdm_timer, node)->slot = SLOT_WORK;
	tdm_list_splice_tail(&w->work, &w->slots[0][idx]);
	bit_clear(w, idx);
}

/* Absolute ms of the next expiry, UINT64_MAX if none: exact for level
 * 0; for a higher level, the start of its first busy slot (the moment it
 * cascades), which is a lower bound of the timers in it. */
static uint64_t next_due_abs(const struct tdm_wheel *w)
{
	uint64_t due = UINT64_MAX, start;
	int j = find_wrap(w->bitmap[0], (unsigned)w->base & MASK);

	if (j >= 0)
		due = w->base + (unsigned)j;
	for (unsigned l = 1; l < LEVELS; l++) {
		unsigned shift = BITS * l;
		uint64_t hi = w->base >> shift;

		unsigned cur = (unsigned)hi & MASK;

		if ((w->base & ((1ull << shift) - 1)) == 0 &&
		    (w->bitmap[l][cur / 64] & (1ull << (cur % 64)))) {
			/* The current slot cascades at the next tick. */
			start = w->base;
		} else {
			/* Otherwise the current slot holds timers for the next
			 * time round: search from the slot after it, so that
			 * it comes last (offset 256). */
			j = find_wrap(w->bitmap[l], (cur + 1) & MASK);
			if (j < 0)
				continue;
			start = (hi + 1 + (unsigned)j) << shift;
		}
		if (start < due)
			due = start;
	}
	return due;
}

/* Where advance may jump when level-0 slot idx is empty: the next busy
 * level-0 slot, else the next cascade point (the end of this level-0
 * round, or further when level 0 is empty and higher slots are idle). */
static uint64_t skip_target(const struct tdm_wheel *w, unsigned idx)
{
	int next = find_set(w->bitmap[0], idx + 1);
	uint64_t t;

	if (next >= 0)
		return w->base - idx + (unsigned)next;
	if (find_set(w->bitmap[0], 0) >= 0)
		return (w->base | MASK) + 1;
	t = next_due_abs(w);
	return t > w->base ? t : w->base + 1;
}

int tdm_wheel_advance(struct tdm_wheel *w, uint64_t now_ms)
{
	int fired = 0;

	if (w->running)
		return -EBUSY;
	w->running = 1;
	while (w->base <= now_ms) {
		unsigned idx = (unsigned)w->base & MASK;
		uint64_t target;

		if (!w->count) {
			w->base = now_ms + 1;
			break;
		}
		if (idx == 0) {
			for (unsigned l = 1; l < LEVELS && cascade(w, l) == 0; l++)
				;
		}
		if (!(w->bitmap[0][idx / 64] & (1ull << (idx % 64)))) {
			/* Nothing this tick: jump ahead, never past a busy
			 * slot, a cascade that moves timers, or now. */
			target = skip_target(w, idx);
			w->base = target < now_ms + 1 ? target : now_ms + 1;
			continue;
		}
		w->base++;
		take_slot(w, idx);
		fired += fire_work(w);
	}
	w->running = 0;
	return fired;
}

int tdm_wheel_next_due(const struct tdm_wheel *w)
{
	uint64_t due, clock = w->base - 1;

	if (!w->count)
		return -1;
	if (!tdm_list_empty(&w->work))
		return 0;
	due = next_due_abs(w);
	if (due - clock > INT_MAX)
		return INT_MAX;
	return (int)(due - clock);
}

uint64_t tdm_wheel_now(const struct tdm_wheel *w)
{
	return w->base - 1;
}

unsigned long tdm_wheel_count(const struct tdm_wheel *w)
{
	return w->count;
}
