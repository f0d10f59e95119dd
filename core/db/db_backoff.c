/* SPDX-License-Identifier: GPL-2.0-or-later
 * Reconnect delays of a connection: doubling from the minimum to the
 * maximum while the database stays away, back to the minimum once it
 * answers, so a dead database costs one attempt per delay, not a storm. */
#include <time.h>
#include "db/db_int.h"

void tdm_db_backoff_init(struct tdm_db_backoff *b, unsigned min_ms,
			 unsigned max_ms)
{
	b->min_ms = min_ms ? min_ms : 1;
	b->max_ms = max_ms < b->min_ms ? b->min_ms : max_ms;
	b->next_ms = b->min_ms;
}

unsigned tdm_db_backoff_fail(struct tdm_db_backoff *b)
{
	unsigned d = b->next_ms;

	b->next_ms = d > b->max_ms / 2 ? b->max_ms : d * 2;
	return d;
}

void tdm_db_backoff_reset(struct tdm_db_backoff *b)
{
	b->next_ms = b->min_ms;
}

uint64_t tdm_db_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
