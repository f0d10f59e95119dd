/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/arena.c: alignment, chunk growth, reset reuse,
 * cleanup order, string copies and behaviour when memory runs out. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include "test.h"

static void test_lib_arena_alloc_alignment(void)
{
	struct tdm_arena *a;
	static const size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 31, 33, 100 };

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(sizes); i++) {
		unsigned char *p = tdm_arena_alloc(a, sizes[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
		memset(p, 0xab, sizes[i]);
	}
	tdm_arena_free(a);
}

static void test_lib_arena_used_counts_rounded(void)
{
	struct tdm_arena *a;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 64), 0);
	CU_ASSERT_EQUAL(tdm_arena_used(a), 0);
	tdm_arena_alloc(a, 1);
	CU_ASSERT_EQUAL(tdm_arena_used(a), 16);
	tdm_arena_alloc(a, 17);
	CU_ASSERT_EQUAL(tdm_arena_used(a), 48);
	tdm_arena_free(a);
}

static void test_lib_arena_grows_past_first_chunk(void)
{
	struct tdm_arena *a;
	unsigned char *ptrs[200];
	long live;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 1024), 0);
	live = tdm_alloc_live();
	/* 200 x 64 bytes = 12.5 KiB: several chunks. Each block keeps its
	 * own content, so no two allocations overlap. */
	for (int i = 0; i < 200; i++) {
		ptrs[i] = tdm_arena_alloc(a, 64);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ptrs[i]);
		memset(ptrs[i], i, 64);
	}
	CU_ASSERT_TRUE(tdm_alloc_live() > live);
	for (int i = 0; i < 200; i++)
		CU_ASSERT_EQUAL(ptrs[i][0] + ptrs[i][63], 2 * (i & 0xff));
	/* A single block larger than any chunk so far. */
	unsigned char *big = tdm_arena_alloc(a, 1 << 20);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 1, 1 << 20);
	CU_ASSERT_EQUAL(tdm_arena_used(a), 200 * 64 + (1 << 20));
	tdm_arena_free(a);
}

static void test_lib_arena_reset_reuses_first_chunk(void)
{
	struct tdm_arena *a;
	void *first, *again;
	long live;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 4096), 0);
	live = tdm_alloc_live();
	first = tdm_arena_alloc(a, 100);
	for (int i = 0; i < 100; i++)
		tdm_arena_alloc(a, 500); /* spill into extra chunks */
	CU_ASSERT_TRUE(tdm_alloc_live() > live);
	tdm_arena_reset(a);
	CU_ASSERT_EQUAL(tdm_alloc_live(), live); /* extra chunks returned */
	CU_ASSERT_EQUAL(tdm_arena_used(a), 0);
	again = tdm_arena_alloc(a, 100);
	CU_ASSERT_PTR_EQUAL(first, again);
	/* Steady state: the same small workload allocates nothing. */
	for (int round = 0; round < 10; round++) {
		tdm_arena_reset(a);
		for (int i = 0; i < 20; i++)
			CU_ASSERT_PTR_NOT_NULL(tdm_arena_alloc(a, 100));
		CU_ASSERT_EQUAL(tdm_alloc_live(), live);
	}
	tdm_arena_free(a);
}

struct order {
	int seen[8];
	int n;
};

static void note_a(void *arg)
{
	struct order *o = arg;
	o->seen[o->n++] = 1;
}

static void note_b(void *arg)
{
	struct order *o = arg;
	o->seen[o->n++] = 2;
}

static void note_c(void *arg)
{
	struct order *o = arg;
	o->seen[o->n++] = 3;
}

static void test_lib_arena_cleanups_lifo(void)
{
	struct tdm_arena *a;
	struct order o = { { 0 }, 0 };

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_arena_cleanup(a, note_a, &o), 0);
	CU_ASSERT_EQUAL(tdm_arena_cleanup(a, note_b, &o), 0);
	CU_ASSERT_EQUAL(tdm_arena_cleanup(a, note_c, &o), 0);
	tdm_arena_reset(a);
	CU_ASSERT_EQUAL(o.n, 3);
	CU_ASSERT_EQUAL(o.seen[0], 3);
	CU_ASSERT_EQUAL(o.seen[1], 2);
	CU_ASSERT_EQUAL(o.seen[2], 1);
	/* Reset forgot them: free runs only the one registered after. */
	CU_ASSERT_EQUAL(tdm_arena_cleanup(a, note_a, &o), 0);
	tdm_arena_free(a);
	CU_ASSERT_EQUAL(o.n, 4);
	CU_ASSERT_EQUAL(o.seen[3], 1);
}

static void free_block(void *arg)
{
	tdm_free(arg);
}

static void test_lib_arena_cleanup_frees_outside_resource(void)
{
	struct tdm_arena *a;
	void *ext = tdm_malloc(32);

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_arena_cleanup(a, free_block, ext), 0);
	tdm_arena_free(a); /* the leak check proves ext was freed */
}

static void test_lib_arena_strdup_memdup(void)
{
	struct tdm_arena *a;
	struct tdm_str s = TDM_STR("alice@example.com;tag=1"), e = TDM_STR_NULL;
	struct tdm_str part = tdm_str_sub(&s, 0, 5);
	char *c;
	unsigned char *m;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	c = tdm_arena_strdup(a, &part);
	CU_ASSERT_STRING_EQUAL(c, "alice");
	c = tdm_arena_strdup(a, &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c, "");
	m = tdm_arena_memdup(a, "\0\1\2", 3);
	CU_ASSERT_EQUAL(memcmp(m, "\0\1\2", 3), 0);
	m = tdm_arena_zalloc(a, 64);
	for (int i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(m[i], 0);
	tdm_arena_free(a);
}

static void test_lib_arena_huge_request_fails(void)
{
	struct tdm_arena *a;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_PTR_NULL(tdm_arena_alloc(a, SIZE_MAX));
	CU_ASSERT_PTR_NULL(tdm_arena_alloc(a, SIZE_MAX - 8));
	CU_ASSERT_PTR_NULL(tdm_arena_alloc(a, SIZE_MAX - 40));
	/* The arena is still usable. */
	CU_ASSERT_PTR_NOT_NULL(tdm_arena_alloc(a, 10));
	tdm_arena_free(a);
}

static void test_lib_arena_free_null(void)
{
	tdm_arena_free(NULL);
}

/* Builds an arena with several chunks and a cleanup; every allocation
 * failure must come back as -ENOMEM with nothing leaked. */
static int build_arena(void *arg)
{
	struct tdm_arena *a;
	struct order *o = arg;
	struct tdm_str s = TDM_STR("0123456789");
	int err;

	err = tdm_arena_new(&a, 0);
	if (err)
		return err;
	for (int i = 0; i < 50; i++) {
		if (!tdm_arena_alloc(a, 100) || !tdm_arena_strdup(a, &s)) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = tdm_arena_cleanup(a, note_a, o);
out:
	tdm_arena_free(a);
	return err;
}

static void test_lib_arena_oom(void)
{
	struct order o = { { 0 }, 0 };

	CU_ASSERT_EQUAL(tdm_test_oom_loop(build_arena, &o), 0);
	CU_ASSERT_EQUAL(o.n, 1); /* the cleanup ran once, in the final run */
}

TDM_TEST_SUITE(lib_arena,
	       TDM_TEST(test_lib_arena_alloc_alignment),
	       TDM_TEST(test_lib_arena_used_counts_rounded),
	       TDM_TEST(test_lib_arena_grows_past_first_chunk),
	       TDM_TEST(test_lib_arena_reset_reuses_first_chunk),
	       TDM_TEST(test_lib_arena_cleanups_lifo),
	       TDM_TEST(test_lib_arena_cleanup_frees_outside_resource),
	       TDM_TEST(test_lib_arena_strdup_memdup),
	       TDM_TEST(test_lib_arena_huge_request_fails),
	       TDM_TEST(test_lib_arena_free_null),
	       TDM_TEST(test_lib_arena_oom))
