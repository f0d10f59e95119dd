/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test helpers: guard-page buffers, fixture files, slice assertions and
 * the OOM-injection loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include "test.h"

#ifndef TDM_TESTS_DIR
#error "TDM_TESTS_DIR must be defined by the build"
#endif

int tdm_test_str_eq(const struct tdm_str *s, const char *c, const char *file,
		    int line)
{
	size_t n = strlen(c);

	if (s->len == n && (n == 0 || memcmp(s->s, c, n) == 0))
		return 1;
	fprintf(stderr, "%s:%d: got \"%.*s\", expected \"%s\"\n", file, line,
		(int)s->len, s->s ? s->s : "", c);
	return 0;
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

const char *tdm_guard_copy(const void *data, size_t len)
{
	size_t ps = page_size();
	size_t pages = (len + ps - 1) / ps + 1;
	char *base = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (base == MAP_FAILED)
		abort();
	if (mprotect(base + (pages - 1) * ps, ps, PROT_NONE))
		abort();
	p = base + (pages - 1) * ps - len;
	memcpy(p, data, len);
	return p;
}

void tdm_guard_free(const char *p, size_t len)
{
	size_t ps = page_size();
	size_t pages = (len + ps - 1) / ps + 1;
	char *guard = (char *)p + len;

	munmap(guard - (pages - 1) * ps, pages * ps);
}

const char *tdm_test_path(const char *relpath)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", TDM_TESTS_DIR, relpath);
	return path;
}

char *tdm_test_read(const char *relpath, size_t *len)
{
	FILE *f = fopen(tdm_test_path(relpath), "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

int tdm_test_oom_loop(int (*fn)(void *arg), void *arg)
{
	int rc = -ENOMEM;

	for (long n = 0; n < 100000; n++) {
		long before = tdm_alloc_live();
		tdm_alloc_fail_after(n);
		rc = fn(arg);
		tdm_alloc_fail_after(-1);
		CU_ASSERT_EQUAL(tdm_alloc_live(), before);
		if (rc != -ENOMEM)
			break;
	}
	return rc;
}
