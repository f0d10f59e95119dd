/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared by the fuzz targets: invariant checks that abort (libFuzzer then
 * keeps the input as a crash) and a reader that touches every byte of a
 * slice so ASan reports one that points astray. */
#ifndef TANDEM_FUZZ_CHECK_H
#define TANDEM_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <tandem/str.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

static volatile unsigned fuzz_sink;

static inline void touch(const struct tdm_str *s)
{
	unsigned h = 0;

	CHECK(s->len == 0 || s->s != NULL);
	for (size_t i = 0; i < s->len; i++)
		h = h * 31 + (unsigned char)s->s[i];
	fuzz_sink += h;
}

#endif
