/* SPDX-License-Identifier: GPL-2.0-or-later
 * Counting allocator with fault injection. The counters are relaxed
 * atomics: cheap, and exact once the threads that allocate have joined. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>

static atomic_long live;
static atomic_long fail_countdown = -1;
static atomic_int failed;

/* True when this allocation must fail for an OOM-injection test. */
static int inject(void)
{
	long n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);

	if (TDM_LIKELY(n < 0))
		return 0;
	if (n == 0) {
		atomic_store(&failed, 1);
		return 1;
	}
	atomic_fetch_sub(&fail_countdown, 1);
	return 0;
}

void *tdm_malloc(size_t size)
{
	void *p;

	if (inject())
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	return p;
}

void *tdm_calloc(size_t n, size_t size)
{
	void *p;

	if (inject())
		return NULL;
	p = calloc(n ? n : 1, size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	return p;
}

void *tdm_realloc(void *p, size_t size)
{
	void *q;

	if (!p)
		return tdm_malloc(size);
	if (inject())
		return NULL;
	q = realloc(p, size ? size : 1);
	return q;
}

void tdm_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
	free(p);
}

char *tdm_strndup(const char *s, size_t len)
{
	char *p = tdm_malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

long tdm_alloc_live(void)
{
	return atomic_load(&live);
}

void tdm_alloc_fail_after(long n)
{
	atomic_store(&failed, 0);
	atomic_store(&fail_countdown, n);
}

int tdm_alloc_failed(void)
{
	return atomic_load(&failed);
}
