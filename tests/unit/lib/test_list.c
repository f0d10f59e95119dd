/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/include/tandem/list.h: the intrusive list's links,
 * iteration (plain, reverse, removal-safe) and container_of. */
#include <tandem/list.h>
#include "test.h"

struct item {
	int v;
	struct tdm_list_node link;
};

static int at(const struct tdm_list_node *n)
{
	return tdm_container_of(n, struct item, link)->v;
}

/* The list's values front to back into out; returns the count, and
 * checks that every prev pointer mirrors its next. */
static int values(const struct tdm_list *l, int *out)
{
	const struct tdm_list_node *n;
	int k = 0;

	TDM_LIST_FOREACH(l, n) {
		CU_ASSERT_PTR_EQUAL(n->next->prev, n);
		out[k++] = at(n);
	}
	return k;
}

static void test_lib_list_empty(void)
{
	struct tdm_list l = TDM_LIST_INIT(l);
	struct tdm_list l2;

	tdm_list_init(&l2);
	CU_ASSERT_TRUE(tdm_list_empty(&l));
	CU_ASSERT_TRUE(tdm_list_empty(&l2));
	CU_ASSERT_PTR_NULL(tdm_list_first(&l));
	CU_ASSERT_PTR_NULL(tdm_list_last(&l));
	CU_ASSERT_PTR_NULL(tdm_list_pop_head(&l));
	CU_ASSERT_EQUAL(tdm_list_count(&l), 0);
}

static void test_lib_list_insert_head_tail(void)
{
	struct tdm_list l = TDM_LIST_INIT(l);
	struct item it[4] = { { 1, { 0 } }, { 2, { 0 } }, { 3, { 0 } },
			      { 4, { 0 } } };
	int v[4];

	tdm_list_insert_tail(&l, &it[1].link);
	tdm_list_insert_tail(&l, &it[2].link);
	tdm_list_insert_head(&l, &it[0].link);
	tdm_list_insert_tail(&l, &it[3].link);
	CU_ASSERT_EQUAL_FATAL(values(&l, v), 4);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(v[i], i + 1);
	CU_ASSERT_EQUAL(at(tdm_list_first(&l)), 1);
	CU_ASSERT_EQUAL(at(tdm_list_last(&l)), 4);
	CU_ASSERT_EQUAL(at(tdm_list_next(&l, &it[1].link)), 3);
	CU_ASSERT_PTR_NULL(tdm_list_next(&l, &it[3].link));
	CU_ASSERT_EQUAL(at(tdm_list_prev(&l, &it[1].link)), 1);
	CU_ASSERT_PTR_NULL(tdm_list_prev(&l, &it[0].link));
	CU_ASSERT_EQUAL(tdm_list_count(&l), 4);
}

static void test_lib_list_insert_before_after(void)
{
	struct tdm_list l = TDM_LIST_INIT(l);
	struct item a = { 1, { 0 } }, b = { 2, { 0 } }, c = { 3, { 0 } };
	int v[3];

	tdm_list_insert_tail(&l, &b.link);
	tdm_list_insert_before(&b.link, &a.link);
	tdm_list_insert_after(&b.link, &c.link);
	CU_ASSERT_EQUAL_FATAL(values(&l, v), 3);
	CU_ASSERT_EQUAL(v[0], 1);
	CU_ASSERT_EQUAL(v[1], 2);
	CU_ASSERT_EQUAL(v[2], 3);
}

static void test_lib_list_remove_idempotent(void)
{
	struct tdm_list l = TDM_LIST_INIT(l);
	struct item a = { 1, { 0 } }, b = { 2, { 0 } }, c = { 3, { 0 } };
	int v[3];

	tdm_list_node_init(&a.link);
	CU_ASSERT_FALSE(tdm_list_node_linked(&a.link));
	tdm_list_insert_tail(&l, &a.link);
	tdm_list_insert_tail(&l, &b.link);
	tdm_list_insert_tail(&l, &c.link);
	CU_ASSERT_TRUE(tdm_list_node_linked(&b.link));
	tdm_list_remove(&b.link);
	CU_ASSERT_FALSE(tdm_list_node_linked(&b.link));
	tdm_list_remove(&b.link); /* second removal does nothing */
	CU_ASSERT_EQUAL_FATAL(values(&l, v), 2);
	CU_ASSERT_EQUAL(v[0], 1);
	CU_ASSERT_EQUAL(v[1], 3);
	tdm_list_remove(&a.link);
	tdm_list_remove(&c.link);
	CU_ASSERT_TRUE(tdm_list_empty(&l));
}

static void test_lib_list_foreach_safe_removes(void)
{
	struct tdm_list l = TDM_LIST_INIT(l);
	struct item it[10];
	struct tdm_list_node *n, *tmp;
	int v[10], k;

	for (int i = 0; i < 10; i++) {
		it[i].v = i;
		tdm_list_insert_tail(&l, &it[i].link);
	}
	TDM_LIST_FOREACH_SAFE(&l, n, tmp) {
		if (at(n) % 2)
			tdm_list_remove(n);
	}
	k = values(&l, v);
	CU_ASSERT_EQUAL_FATAL(k, 5);
	for (int i = 0; i < k; i++)
		CU_ASSERT_EQUAL(v[i], 2 * i);
	k = 0;
	TDM_LIST_FOREACH_REVERSE(&l, n)
		v[k++] = at(n);
	CU_ASSERT_EQUAL(v[0], 8);
	CU_ASSERT_EQUAL(v[4], 0);
	TDM_LIST_FOREACH_SAFE(&l, n, tmp)
		tdm_list_remove(n);
	CU_ASSERT_TRUE(tdm_list_empty(&l));
}

static void test_lib_list_pop_and_splice(void)
{
	struct tdm_list a = TDM_LIST_INIT(a), b = TDM_LIST_INIT(b);
	struct item it[6];
	int v[6];

	for (int i = 0; i < 6; i++) {
		it[i].v = i;
		tdm_list_insert_tail(i < 3 ? &a : &b, &it[i].link);
	}
	tdm_list_splice_tail(&a, &b);
	CU_ASSERT_TRUE(tdm_list_empty(&b));
	CU_ASSERT_EQUAL_FATAL(values(&a, v), 6);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(v[i], i);
	CU_ASSERT_PTR_EQUAL(a.head.prev, &it[5].link);
	tdm_list_splice_tail(&a, &b); /* empty source: no change */
	CU_ASSERT_EQUAL(tdm_list_count(&a), 6);
	tdm_list_splice_tail(&b, &a); /* into an empty list */
	CU_ASSERT_EQUAL(tdm_list_count(&b), 6);
	for (int i = 0; i < 6; i++) {
		struct tdm_list_node *n = tdm_list_pop_head(&b);
		CU_ASSERT_EQUAL(at(n), i);
		CU_ASSERT_FALSE(tdm_list_node_linked(n));
	}
	CU_ASSERT_TRUE(tdm_list_empty(&b));
}

static void test_lib_list_container_of(void)
{
	struct two {
		char pad[13];
		struct tdm_list_node a;
		double d;
		struct tdm_list_node b;
	} t;

	CU_ASSERT_PTR_EQUAL(tdm_container_of(&t.a, struct two, a), &t);
	CU_ASSERT_PTR_EQUAL(TDM_LIST_ENTRY(&t.b, struct two, b), &t);
}

TDM_TEST_SUITE(lib_list,
	       TDM_TEST(test_lib_list_empty),
	       TDM_TEST(test_lib_list_insert_head_tail),
	       TDM_TEST(test_lib_list_insert_before_after),
	       TDM_TEST(test_lib_list_remove_idempotent),
	       TDM_TEST(test_lib_list_foreach_safe_removes),
	       TDM_TEST(test_lib_list_pop_and_splice),
	       TDM_TEST(test_lib_list_container_of))
