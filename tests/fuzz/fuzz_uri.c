/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer target for core/sip/uri.c: parses the input as a URI; when it
 * parses, the URI must equal itself, its parameters must be findable and
 * its user, password and host must decode. Crashes, sanitizer reports
 * and leaks are the findings. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/uri.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct tdm_uri *u)
{
	struct tdm_arena *a;
	struct tdm_str out, v;

	if (!tdm_uri_equal(u, u))
		abort();
	if (u->lr && tdm_uri_param(u, "lr", &v) != 0)
		abort();
	if (u->transport.len && tdm_uri_param(u, "transport", &v) != 0)
		abort();
	if (tdm_arena_new(&a, 256))
		return;
	if (tdm_uri_unescape(a, &u->user, &out) == -EBADMSG ||
	    tdm_uri_unescape(a, &u->password, &out) == -EBADMSG ||
	    tdm_uri_unescape(a, &u->host, &out) == -EBADMSG)
		abort();
	(void)tdm_uri_unescape(a, &u->params, &out);
	(void)tdm_uri_unescape(a, &u->headers, &out);
	tdm_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy so ASan sees any read past the end. */
	char *copy = malloc(size ? size : 1);
	struct tdm_str in = { copy, size };
	struct tdm_uri u;
	const char *why = NULL;
	int err;

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	err = tdm_uri_parse(&u, &in, &why);
	if (err == 0)
		check(&u);
	else if (!why || (err != -EBADMSG && err != -EPROTONOSUPPORT))
		abort();
	free(copy);
	return 0;
}
