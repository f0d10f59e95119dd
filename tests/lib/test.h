/* SPDX-License-Identifier: GPL-2.0-or-later
 * Unit-test harness on top of CUnit. A test file declares its suite with
 * TDM_TEST_SUITE(); suites register themselves at start-up, the runner
 * (tests/lib/runner.c) runs each in a child process so a crash fails one
 * suite instead of ending the run, checks for leaked tdm_malloc blocks
 * after every test, and prints "N passed, N failed". */
#ifndef TANDEM_TEST_H
#define TANDEM_TEST_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <tandem/str.h>

struct tdm_test_case {
	const char *name;
	void (*fn)(void);
};

struct tdm_test_suite {
	const char *name;
	const struct tdm_test_case *cases;
	struct tdm_test_suite *next;
};

void tdm_test_register(struct tdm_test_suite *s);

#define TDM_TEST(fn) { #fn, fn }
/* TDM_TEST_SUITE(sip_parse, TDM_TEST(test_sip_parse_invite), ...) */
#define TDM_TEST_SUITE(sname, ...)                                            \
	static const struct tdm_test_case sname##_cases[] = { __VA_ARGS__,    \
							      { NULL, NULL } }; \
	static struct tdm_test_suite sname##_suite = { #sname, sname##_cases, \
						       NULL };                \
	__attribute__((constructor)) static void sname##_register(void)       \
	{                                                                     \
		tdm_test_register(&sname##_suite);                            \
	}

/* Compare a slice with a C string, reporting both on failure. */
#define TDM_ASSERT_STR(slice, cstr)                                           \
	CU_ASSERT_TRUE(tdm_test_str_eq(&(slice), (cstr), __FILE__, __LINE__))
int tdm_test_str_eq(const struct tdm_str *s, const char *c, const char *file,
		    int line);

/* Copies data so that its last byte sits just before a PROT_NONE page:
 * any read past the end faults. Free with tdm_guard_free(). */
const char *tdm_guard_copy(const void *data, size_t len);
void tdm_guard_free(const char *p, size_t len);

/* Reads a whole fixture file below tests/ (path relative to tests/).
 * Returns a malloc'ed buffer (free()) and its length, or NULL. */
char *tdm_test_read(const char *relpath, size_t *len);
/* Absolute path of a fixture (static buffer). */
const char *tdm_test_path(const char *relpath);

/* Runs fn with the allocator failing after 0, 1, 2 ... successful
 * allocations until fn succeeds (returns 0). fn must return -ENOMEM when
 * an allocation failed and must not leak. Returns fn's final result. */
int tdm_test_oom_loop(int (*fn)(void *arg), void *arg);

#endif
