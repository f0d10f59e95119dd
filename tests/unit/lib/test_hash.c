/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/hash.c: bulk insert/find/remove, doubling, fixed
 * tables, full collisions, duplicates, iteration with removal, a branch-
 * keyed table like the transaction layer's, and allocation failures. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/hash.h>
#include <tandem/str.h>
#include "test.h"

struct ent {
	struct tdm_hash_node hn;
	unsigned key;
	int seen;
};

static struct ent *ent_of(const struct tdm_hash_node *n)
{
	return tdm_container_of(n, struct ent, hn);
}

static bool eq_key(const struct tdm_hash_node *n, const void *key, void *arg)
{
	(void)arg;
	return ent_of(n)->key == *(const unsigned *)key;
}

static uint32_t hash_u32(unsigned k)
{
	/* Deliberately weak (identity): the table must still spread it. */
	return k;
}

static struct ent *find(struct tdm_hash *h, unsigned key, uint32_t hv)
{
	struct tdm_hash_node *n = tdm_hash_find(h, hv, &key, eq_key, NULL);
	return n ? ent_of(n) : NULL;
}

#define BULK 100000

static void test_lib_hash_bulk_100k(void)
{
	struct tdm_hash h;
	struct ent *e = tdm_calloc(BULK, sizeof(*e));
	size_t longest = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 0, 0), 0);
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 8);
	for (unsigned i = 0; i < BULK; i++) {
		e[i].key = i * 7919u;
		tdm_hash_insert(&h, &e[i].hn, hash_u32(e[i].key));
		CU_ASSERT_TRUE_FATAL(tdm_hash_count(&h) <= tdm_hash_nbuckets(&h));
	}
	CU_ASSERT_EQUAL(tdm_hash_count(&h), BULK);
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 131072); /* doubled to load<=1 */
	for (unsigned i = 0; i < BULK; i++)
		CU_ASSERT_PTR_EQUAL_FATAL(find(&h, i * 7919u, i * 7919u), &e[i]);
	CU_ASSERT_PTR_NULL(find(&h, 1, 1));
	CU_ASSERT_PTR_NULL(find(&h, 7919u * BULK, 7919u * BULK));
	/* Chains stay short even for identity hashes of multiples. */
	for (size_t b = 0; b < tdm_hash_nbuckets(&h); b++) {
		size_t len = 0;
		for (struct tdm_hash_node *n = h.buckets[b]; n; n = n->next)
			len++;
		if (len > longest)
			longest = len;
	}
	CU_ASSERT_TRUE(longest < 16);
	/* Remove the odd ones, check both halves. */
	for (unsigned i = 1; i < BULK; i += 2)
		tdm_hash_remove(&h, &e[i].hn);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), BULK / 2);
	for (unsigned i = 0; i < BULK; i++) {
		struct ent *f = find(&h, i * 7919u, i * 7919u);
		CU_ASSERT_PTR_EQUAL_FATAL(f, i % 2 ? NULL : &e[i]);
	}
	for (unsigned i = 0; i < BULK; i += 2)
		tdm_hash_remove(&h, &e[i].hn);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 0);
	CU_ASSERT_PTR_NULL(tdm_hash_first(&h));
	tdm_hash_free(&h);
	tdm_free(e);
}

static void test_lib_hash_full_collisions(void)
{
	struct tdm_hash h;
	struct ent e[500];

	memset(e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 16, 0), 0);
	for (unsigned i = 0; i < 500; i++) {
		e[i].key = i;
		tdm_hash_insert(&h, &e[i].hn, 0xdeadbeef); /* all the same */
	}
	for (unsigned i = 0; i < 500; i++)
		CU_ASSERT_PTR_EQUAL_FATAL(find(&h, i, 0xdeadbeef), &e[i]);
	/* Same key, different hash: not found (eq only runs on equal hash). */
	CU_ASSERT_PTR_NULL(find(&h, 3, 0xdeadbeee));
	/* Remove from the middle, the head and the tail of the chain. */
	tdm_hash_remove(&h, &e[250].hn);
	tdm_hash_remove(&h, &e[499].hn); /* inserted last: chain head */
	tdm_hash_remove(&h, &e[0].hn);   /* inserted first: chain tail */
	CU_ASSERT_PTR_NULL(find(&h, 250, 0xdeadbeef));
	CU_ASSERT_PTR_NULL(find(&h, 499, 0xdeadbeef));
	CU_ASSERT_PTR_NULL(find(&h, 0, 0xdeadbeef));
	CU_ASSERT_PTR_EQUAL(find(&h, 249, 0xdeadbeef), &e[249]);
	CU_ASSERT_PTR_EQUAL(find(&h, 251, 0xdeadbeef), &e[251]);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 497);
	tdm_hash_free(&h);
}

static void test_lib_hash_remove_not_linked(void)
{
	struct tdm_hash h;
	struct ent a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 8, 0), 0);
	tdm_hash_remove(&h, &a.hn); /* never inserted */
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 0);
	tdm_hash_insert(&h, &a.hn, 1);
	tdm_hash_insert(&h, &b.hn, 1);
	CU_ASSERT_TRUE(tdm_hash_node_linked(&a.hn));
	tdm_hash_remove(&h, &a.hn);
	CU_ASSERT_FALSE(tdm_hash_node_linked(&a.hn));
	tdm_hash_remove(&h, &a.hn); /* twice */
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 1);
	CU_ASSERT_EQUAL(a.hn.hash, 1);
	tdm_hash_free(&h);
}

static void test_lib_hash_fixed_no_growth(void)
{
	struct tdm_hash h;
	struct ent e[1000];

	memset(e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 100, TDM_HASH_FIXED), 0);
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 128); /* rounded up */
	for (unsigned i = 0; i < 1000; i++) {
		e[i].key = i;
		tdm_hash_insert(&h, &e[i].hn, tdm_str_hash(&(struct tdm_str){
						     (const char *)&i, sizeof(i) }));
	}
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 128);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 1000);
	for (unsigned i = 0; i < 1000; i++) {
		uint32_t hv = tdm_str_hash(&(struct tdm_str){ (const char *)&i,
							       sizeof(i) });
		CU_ASSERT_PTR_EQUAL_FATAL(find(&h, i, hv), &e[i]);
	}
	tdm_hash_free(&h);
}

static void test_lib_hash_init_bad_flags(void)
{
	struct tdm_hash h;

	CU_ASSERT_EQUAL(tdm_hash_init(&h, 8, 0x80), -EINVAL);
}

static void test_lib_hash_duplicates_find_next(void)
{
	struct tdm_hash h;
	struct ent e[6];
	struct tdm_hash_node *n;
	unsigned key = 42;
	int found = 0;

	memset(e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 8, 0), 0);
	for (int i = 0; i < 6; i++) {
		e[i].key = i % 2 ? 42 : 7; /* three 42s, three 7s */
		tdm_hash_insert(&h, &e[i].hn, 5); /* one chain */
	}
	for (n = tdm_hash_find(&h, 5, &key, eq_key, NULL); n;
	     n = tdm_hash_find_next(n, &key, eq_key, NULL)) {
		CU_ASSERT_EQUAL(ent_of(n)->key, 42);
		ent_of(n)->seen++;
		found++;
	}
	CU_ASSERT_EQUAL(found, 3);
	CU_ASSERT_EQUAL(e[1].seen + e[3].seen + e[5].seen, 3);
	/* Inline matching over the bucket chain, without a callback. */
	found = 0;
	for (n = tdm_hash_bucket(&h, 5); n; n = n->next)
		if (n->hash == 5 && ent_of(n)->key == 7)
			found++;
	CU_ASSERT_EQUAL(found, 3);
	tdm_hash_free(&h);
}

static void test_lib_hash_iterate_and_remove(void)
{
	struct tdm_hash h;
	struct ent e[300];
	struct tdm_hash_node *n, *tmp;
	size_t k = 0;

	memset(e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 8, 0), 0);
	for (unsigned i = 0; i < 300; i++) {
		e[i].key = i;
		tdm_hash_insert(&h, &e[i].hn, i % 37); /* some collisions */
	}
	TDM_HASH_FOREACH(&h, n) {
		ent_of(n)->seen++;
		k++;
	}
	CU_ASSERT_EQUAL(k, 300);
	for (unsigned i = 0; i < 300; i++)
		CU_ASSERT_EQUAL_FATAL(e[i].seen, 1); /* each exactly once */
	TDM_HASH_FOREACH_SAFE(&h, n, tmp) {
		if (ent_of(n)->key % 3 == 0)
			tdm_hash_remove(&h, n);
	}
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 200);
	k = 0;
	TDM_HASH_FOREACH(&h, n) {
		CU_ASSERT_NOT_EQUAL(ent_of(n)->key % 3, 0);
		k++;
	}
	CU_ASSERT_EQUAL(k, 200);
	tdm_hash_free(&h);
}

struct walk_ctx {
	struct tdm_hash *h;
	int calls;
	int stop_at;
};

/* Frees every node (like tearing down a table); stops on request. */
static int walk_free(struct tdm_hash_node *n, void *arg)
{
	struct walk_ctx *c = arg;

	if (++c->calls == c->stop_at)
		return 99;
	tdm_hash_remove(c->h, n);
	tdm_free(ent_of(n));
	return 0;
}

static void test_lib_hash_walk_frees(void)
{
	struct tdm_hash h;
	struct walk_ctx c = { &h, 0, 51 };

	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 8, 0), 0);
	for (unsigned i = 0; i < 100; i++) {
		struct ent *e = tdm_calloc(1, sizeof(*e));
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		e->key = i;
		tdm_hash_insert(&h, &e->hn, i);
	}
	CU_ASSERT_EQUAL(tdm_hash_walk(&h, walk_free, &c), 99);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 50);
	c.stop_at = -1;
	CU_ASSERT_EQUAL(tdm_hash_walk(&h, walk_free, &c), 0);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 0);
	tdm_hash_free(&h); /* leak check: every entry was freed */
}

/* What the transaction layer does: key = Via branch, compared exactly
 * (RFC 3261 §17.2.3 matches the branch byte for byte). */
struct txn {
	struct tdm_hash_node by_branch;
	char branch[40];
	struct tdm_str key;
};

static bool eq_branch(const struct tdm_hash_node *n, const void *key,
		      void *arg)
{
	const struct txn *t = tdm_container_of(n, struct txn, by_branch);
	(void)arg;
	return tdm_str_eq(&t->key, key);
}

static void test_lib_hash_branch_table(void)
{
	struct tdm_hash h;
	struct txn *t = tdm_calloc(2000, sizeof(*t));
	struct tdm_str want = TDM_STR("z9hG4bK-1234");
	struct tdm_str other_case = TDM_STR("Z9HG4BK-1234");
	struct tdm_hash_node *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 256, 0), 0);
	for (int i = 0; i < 2000; i++) {
		int len = snprintf(t[i].branch, sizeof(t[i].branch),
				   "z9hG4bK-%d", i);
		t[i].key = (struct tdm_str){ t[i].branch, (size_t)len };
		tdm_hash_insert(&h, &t[i].by_branch, tdm_str_hash(&t[i].key));
	}
	n = tdm_hash_find(&h, tdm_str_hash(&want), &want, eq_branch, NULL);
	CU_ASSERT_PTR_EQUAL(n, &t[1234].by_branch);
	n = tdm_hash_find(&h, tdm_str_hash(&other_case), &other_case,
			  eq_branch, NULL);
	CU_ASSERT_PTR_NULL(n);
	tdm_hash_free(&h);
	tdm_free(t);
}

static void test_lib_hash_init_oom(void)
{
	struct tdm_hash h;

	tdm_alloc_fail_after(0);
	CU_ASSERT_EQUAL(tdm_hash_init(&h, 1024, 0), -ENOMEM);
	tdm_alloc_fail_after(-1);
}

static void test_lib_hash_grow_oom_keeps_working(void)
{
	struct tdm_hash h;
	struct ent e[200];

	memset(e, 0, sizeof(e));
	CU_ASSERT_EQUAL_FATAL(tdm_hash_init(&h, 8, 0), 0);
	tdm_alloc_fail_after(0); /* every growth attempt fails */
	for (unsigned i = 0; i < 200; i++) {
		e[i].key = i;
		tdm_hash_insert(&h, &e[i].hn, i * 2654435761u);
	}
	tdm_alloc_fail_after(-1);
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 8);
	CU_ASSERT_EQUAL(tdm_hash_count(&h), 200);
	for (unsigned i = 0; i < 200; i++)
		CU_ASSERT_PTR_EQUAL_FATAL(find(&h, i, i * 2654435761u), &e[i]);
	/* Memory is back: the next insert catches up by one doubling. */
	struct ent extra = { { 0 }, 1000, 0 };
	tdm_hash_insert(&h, &extra.hn, 1000);
	CU_ASSERT_EQUAL(tdm_hash_nbuckets(&h), 16);
	for (unsigned i = 0; i < 200; i++)
		CU_ASSERT_PTR_EQUAL_FATAL(find(&h, i, i * 2654435761u), &e[i]);
	CU_ASSERT_PTR_EQUAL(find(&h, 1000, 1000), &extra);
	tdm_hash_free(&h);
	tdm_hash_free(NULL);
}

TDM_TEST_SUITE(lib_hash,
	       TDM_TEST(test_lib_hash_bulk_100k),
	       TDM_TEST(test_lib_hash_full_collisions),
	       TDM_TEST(test_lib_hash_remove_not_linked),
	       TDM_TEST(test_lib_hash_fixed_no_growth),
	       TDM_TEST(test_lib_hash_init_bad_flags),
	       TDM_TEST(test_lib_hash_duplicates_find_next),
	       TDM_TEST(test_lib_hash_iterate_and_remove),
	       TDM_TEST(test_lib_hash_walk_frees),
	       TDM_TEST(test_lib_hash_branch_table),
	       TDM_TEST(test_lib_hash_init_oom),
	       TDM_TEST(test_lib_hash_grow_oom_keeps_working))
