/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for modules/registrar/usrloc.c: insert/update/delete, ruids,
 * load without hooks, max_contacts eviction, expiry and flow-failure
 * sweeps, walks, and concurrent workers on shared AORs (run it under the
 * sanitizer build: the assertions check counts, TSan/ASan the rest). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "usrloc.h"
#include "test.h"

static struct reg_ul *mk(unsigned max)
{
	struct reg_ul_cfg c = { .buckets = 64, .stripes = 8, .max_contacts = max };
	struct reg_ul *ul = NULL;

	CU_ASSERT_EQUAL_FATAL(reg_ul_create(&c, &ul), 0);
	return ul;
}

static struct reg_ul_binding bind(const char *aor, const char *contact,
				  int64_t expires)
{
	struct reg_ul_binding b = { 0 };

	b.aor = tdm_str_c(aor);
	b.contact = tdm_str_c(contact);
	b.callid = TDM_STR("cid");
	b.expires = expires;
	b.last_modified = 100;
	b.q = -1;
	return b;
}

struct hook_log {
	int saved, removed;
	char last_ruid[64];
};

static void h_saved(const struct reg_ul_binding *b, void *arg)
{
	struct hook_log *l = arg;

	l->saved++;
	snprintf(l->last_ruid, sizeof(l->last_ruid), "%s", b->ruid.s);
}

static void h_removed(const struct reg_ul_binding *b, void *arg)
{
	struct hook_log *l = arg;

	(void)b;
	l->removed++;
}

static int count_fn(const struct reg_ul_binding *b, void *arg)
{
	(void)b;
	(*(int *)arg)++;
	return 0;
}

static int aor_n(struct reg_ul *ul, const char *aor)
{
	struct tdm_str a = tdm_str_c(aor);
	int n = 0;

	reg_ul_aor_walk(ul, &a, count_fn, &n);
	return n;
}

static void test_reg_ul_create_bad(void)
{
	struct reg_ul_cfg c = { .max_contacts = 0 };
	struct reg_ul *ul = (void *)1;

	CU_ASSERT_EQUAL(reg_ul_create(&c, &ul), -EINVAL);
	CU_ASSERT_PTR_NULL(ul);
}

static void test_reg_ul_insert_update_delete(void)
{
	struct reg_ul *ul = mk(10);
	struct hook_log log = { 0 };
	struct reg_ul_binding b = bind("alice@example.com", "sip:a@1.2.3.4", 1000);
	struct tdm_str aor = TDM_STR("alice@example.com");
	char ruid[64];

	reg_ul_set_hooks(ul, &(struct reg_ul_hooks){ h_saved, h_removed, &log });
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	CU_ASSERT_EQUAL(log.saved, 1);
	CU_ASSERT_TRUE(strlen(log.last_ruid) > 0);
	snprintf(ruid, sizeof(ruid), "%s", log.last_ruid);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	CU_ASSERT_EQUAL(reg_ul_aor_count(ul), 1);

	/* update by ruid: same count, new values */
	b.ruid = tdm_str_c(ruid);
	b.cseq = 7;
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	CU_ASSERT_STRING_EQUAL(log.last_ruid, ruid);

	/* a second contact gets another ruid */
	b = bind("alice@example.com", "sip:a@5.6.7.8", 1000);
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	CU_ASSERT_STRING_NOT_EQUAL(log.last_ruid, ruid);
	CU_ASSERT_EQUAL(aor_n(ul, "alice@example.com"), 2);

	CU_ASSERT_EQUAL(reg_ul_delete(ul, &aor, &(struct tdm_str)TDM_STR("nope")),
			-ENOENT);
	CU_ASSERT_EQUAL(reg_ul_delete(ul, &aor, &(struct tdm_str){ ruid, strlen(ruid) }),
			0);
	CU_ASSERT_EQUAL(log.removed, 1);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	/* by contact, with URI equivalence (host case) */
	CU_ASSERT_EQUAL(reg_ul_delete_aor(ul, &aor,
					  &(struct tdm_str)TDM_STR("sip:a@5.6.7.8;x=1")),
			1);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 0);
	CU_ASSERT_EQUAL(reg_ul_aor_count(ul), 0);
	CU_ASSERT_EQUAL(aor_n(ul, "alice@example.com"), 0);
	reg_ul_destroy(ul);
}

static void test_reg_ul_load_no_hooks(void)
{
	struct reg_ul *ul = mk(2);
	struct hook_log log = { 0 };
	struct reg_ul_binding b = bind("bob@example.com", "sip:b@1.2.3.4", 1000);

	reg_ul_set_hooks(ul, &(struct reg_ul_hooks){ h_saved, h_removed, &log });
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), -EINVAL); /* no ruid */
	b.ruid = TDM_STR("r1");
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), 0);
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), 0); /* same ruid: replaced */
	CU_ASSERT_EQUAL(reg_ul_count(ul), 1);
	b.ruid = TDM_STR("r0");
	b.expires = 5;
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), 1); /* expired: skipped */
	b.expires = 1000;
	b.last_modified = 50; /* oldest */
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), 0);
	b.ruid = TDM_STR("r2");
	b.last_modified = 200;
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 10), 0); /* full: r0 dropped */
	CU_ASSERT_EQUAL(reg_ul_count(ul), 2);
	CU_ASSERT_EQUAL(log.saved, 0);
	CU_ASSERT_EQUAL(log.removed, 0);
	CU_ASSERT_EQUAL(reg_ul_delete(ul, &b.aor, &(struct tdm_str)TDM_STR("r0")),
			-ENOENT);
	reg_ul_destroy(ul);
}

static void test_reg_ul_full(void)
{
	struct reg_ul *ul = mk(2);
	struct reg_ul_binding b = bind("c@x", "sip:1@h", 1000);

	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b.contact = TDM_STR("sip:2@h");
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b.contact = TDM_STR("sip:3@h");
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), -ENOSPC);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 2);
	reg_ul_destroy(ul);
}

static void test_reg_ul_expire_and_conns(void)
{
	struct reg_ul *ul = mk(10);
	struct hook_log log = { 0 };
	struct reg_ul_binding b;
	uint64_t ids[] = { 7, 9 };

	reg_ul_set_hooks(ul, &(struct reg_ul_hooks){ h_saved, h_removed, &log });
	for (int i = 0; i < 40; i++) {
		char aor[32], c[32];
		snprintf(aor, sizeof(aor), "u%d@d", i % 13);
		snprintf(c, sizeof(c), "sip:%d@h", i);
		b = bind(aor, c, i < 10 ? 50 : 500);
		b.conn_id = (uint64_t)(i % 10);
		CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	}
	CU_ASSERT_EQUAL(reg_ul_count(ul), 40);
	CU_ASSERT_EQUAL(reg_ul_expire(ul, 49), 0);
	CU_ASSERT_EQUAL(reg_ul_expire(ul, 50), 10);
	CU_ASSERT_EQUAL(log.removed, 10);
	CU_ASSERT_EQUAL(reg_ul_delete_conn(ul, 0), 0); /* 0 is "none" */
	CU_ASSERT_EQUAL(reg_ul_delete_conn(ul, 3), 3);
	CU_ASSERT_EQUAL(reg_ul_delete_conns(ul, ids, 2), 6);
	CU_ASSERT_EQUAL(reg_ul_count(ul), 21);
	CU_ASSERT_EQUAL(reg_ul_expire(ul, 1000), 21);
	CU_ASSERT_EQUAL(reg_ul_aor_count(ul), 0);
	reg_ul_destroy(ul);
}

static int stop_fn(const struct reg_ul_binding *b, void *arg)
{
	(void)b;
	return ++(*(int *)arg) == 3 ? 42 : 0;
}

static void test_reg_ul_walk(void)
{
	struct reg_ul *ul = mk(10);
	int n = 0;

	for (int i = 0; i < 20; i++) {
		char aor[32];
		snprintf(aor, sizeof(aor), "w%d@d", i);
		struct reg_ul_binding b = bind(aor, "sip:x@h", 100);
		CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	}
	CU_ASSERT_EQUAL(reg_ul_walk(ul, count_fn, &n), 0);
	CU_ASSERT_EQUAL(n, 20);
	n = 0;
	CU_ASSERT_EQUAL(reg_ul_walk(ul, stop_fn, &n), 42);
	CU_ASSERT_EQUAL(reg_ul_aor_walk(ul, &(struct tdm_str)TDM_STR("none@d"),
					count_fn, &n), -ENOENT);
	reg_ul_destroy(ul);
}

static void test_reg_ul_dup(void)
{
	struct reg_ul_binding b = bind("a@b", "sip:c@d", 1), *d;

	b.path = TDM_STR_NULL; /* NULL reads as "" */
	d = reg_ul_binding_dup(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	TDM_ASSERT_STR(d->aor, "a@b");
	TDM_ASSERT_STR(d->contact, "sip:c@d");
	CU_ASSERT_PTR_NOT_NULL(d->path.s);
	CU_ASSERT_EQUAL(d->path.len, 0);
	CU_ASSERT_EQUAL(d->contact.s[d->contact.len], '\0');
	CU_ASSERT_TRUE(reg_ul_binding_size(d) < 200);
	reg_ul_binding_free(d);
}

/* ---- concurrency ------------------------------------------------------- */

struct worker {
	struct reg_ul *ul;
	int id;
	int errors;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 2000; i++) {
		char aor[32], c[32];
		struct reg_ul_binding b;
		int n = 0;

		snprintf(aor, sizeof(aor), "u%d@d", i % 50);
		snprintf(c, sizeof(c), "sip:w%d-%d@h", w->id, i % 3);
		b = bind(aor, c, 1000 + i);
		b.conn_id = (uint64_t)(w->id + 1);
		int rc = reg_ul_insert(w->ul, &b);
		if (rc != 0 && rc != -ENOSPC)
			w->errors++;
		reg_ul_aor_walk(w->ul, &b.aor, count_fn, &n);
		if (i % 7 == 0)
			reg_ul_delete_aor(w->ul, &b.aor, &b.contact);
		if (i % 500 == 0)
			reg_ul_expire(w->ul, 1000 + i / 2);
		if (i % 301 == 0)
			reg_ul_delete_conn(w->ul, (uint64_t)((w->id + 1) % 4 + 1));
	}
	return NULL;
}

static void test_reg_ul_concurrent(void)
{
	struct reg_ul *ul = mk(8);
	struct worker w[4];
	pthread_t th[4];
	unsigned long total = 0;
	int n = 0;

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ ul, i, 0 };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(w[i].errors, 0);
	}
	CU_ASSERT_EQUAL(reg_ul_walk(ul, count_fn, &n), 0);
	total = reg_ul_count(ul);
	CU_ASSERT_EQUAL((unsigned long)n, total);
	CU_ASSERT_TRUE(total <= 50 * 8);
	CU_ASSERT_TRUE(reg_ul_aor_count(ul) <= 50);
	reg_ul_destroy(ul);
}

/* ---- Counts by domain ---------------------------------------------------- */

struct dom_seen {
	const char *want;
	long bindings, aors;
};

static int dom_fn(const struct tdm_str *d, unsigned long bindings,
		  unsigned long aors, void *arg)
{
	struct dom_seen *s = arg;

	CU_ASSERT_EQUAL(d->s[d->len], '\0'); /* NUL-terminated, as promised */
	if (tdm_str_eq(d, &(struct tdm_str){ s->want, strlen(s->want) })) {
		s->bindings = (long)bindings;
		s->aors = (long)aors;
	}
	return 0;
}

/* Bindings (or AORs) of domain name, -1 when it is not listed. */
static long dom_get(struct reg_ul *ul, const char *name, bool aors)
{
	struct dom_seen s = { name, -1, -1 };

	reg_ul_domains(ul, dom_fn, &s);
	return aors ? s.aors : s.bindings;
}

static void test_reg_ul_domains(void)
{
	struct reg_ul *ul = mk(2);
	struct reg_ul_binding b;
	struct tdm_str aor = TDM_STR("alice@example.com");
	char name[64];

	b = bind("alice@example.com", "sip:a@1.2.3.4", 1000);
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b = bind("alice@example.com", "sip:a@5.6.7.8", 1000);
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b = bind("bob@example.com", "sip:b@5.6.7.8", 1000);
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b = bind("carol@example.org", "sip:c@5.6.7.8", 1000);
	CU_ASSERT_EQUAL(reg_ul_insert(ul, &b), 0);
	b = bind("example.net", "sip:d@5.6.7.8", 1000); /* host-only AOR */
	b.ruid = TDM_STR("r-net");
	CU_ASSERT_EQUAL(reg_ul_load(ul, &b, 0), 0); /* load counts too */
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", false), 3);
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", true), 2);
	CU_ASSERT_EQUAL(dom_get(ul, "example.org", false), 1);
	CU_ASSERT_EQUAL(dom_get(ul, "example.net", false), 1);
	/* a full AOR replacing its oldest binding: same count */
	b = bind("alice@example.com", "sip:a@9.9.9.9", 1000);
	CU_ASSERT_EQUAL(reg_ul_load(ul, &(struct reg_ul_binding){
		.aor = b.aor, .contact = b.contact, .ruid = TDM_STR("r-new"),
		.expires = 1000, .last_modified = 200 }, 0), 0);
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", false), 3);
	/* removals, expiry; a domain goes with its last AOR */
	CU_ASSERT_EQUAL(reg_ul_delete_aor(ul, &aor, NULL), 2);
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", false), 1);
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", true), 1);
	CU_ASSERT_EQUAL(reg_ul_expire(ul, 2000), 3);
	CU_ASSERT_EQUAL(dom_get(ul, "example.com", false), -1);
	CU_ASSERT_EQUAL(dom_get(ul, "example.org", false), -1);

	/* past REG_UL_DOMAINS_MAX domains: counted under "" */
	for (unsigned i = 0; i < REG_UL_DOMAINS_MAX + 5; i++) {
		snprintf(name, sizeof(name), "u@d%u.example", i);
		b = bind(name, "sip:x@1.2.3.4", 1000);
		CU_ASSERT_EQUAL_FATAL(reg_ul_insert(ul, &b), 0);
	}
	CU_ASSERT_EQUAL(dom_get(ul, "", false), 5);
	CU_ASSERT_EQUAL(dom_get(ul, "", true), 5);
	CU_ASSERT_EQUAL(reg_ul_expire(ul, 2000), REG_UL_DOMAINS_MAX + 5);
	CU_ASSERT_EQUAL(dom_get(ul, "", false), -1);
	reg_ul_destroy(ul);
}

TDM_TEST_SUITE(registrar_usrloc,
	       TDM_TEST(test_reg_ul_create_bad),
	       TDM_TEST(test_reg_ul_insert_update_delete),
	       TDM_TEST(test_reg_ul_load_no_hooks),
	       TDM_TEST(test_reg_ul_full),
	       TDM_TEST(test_reg_ul_expire_and_conns),
	       TDM_TEST(test_reg_ul_walk),
	       TDM_TEST(test_reg_ul_dup),
	       TDM_TEST(test_reg_ul_concurrent),
	       TDM_TEST(test_reg_ul_domains))
