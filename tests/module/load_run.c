/* SPDX-License-Identifier: GPL-2.0-or-later
 * load_run DIR: loads module "hello" from DIR (built out of tree by
 * oot.sh), sets a parameter, calls its functions through a call frame
 * as the VM will, and checks the results. Prints "N passed, N failed". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "module/mod.h"
#include "script/call.h"

static unsigned pass, fail;

static void check(bool ok, const char *what, const char *detail)
{
	if (ok) {
		pass++;
		printf("ok   %s\n", what);
	} else {
		fail++;
		printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	}
}

/* Calls qname with args; returns the result as text into out. */
static int call(const char *qname, const struct tdm_value *args, unsigned n,
		struct tdm_arena *arena, char *out, size_t outlen)
{
	struct tdm_str q = tdm_str_c(qname);
	const struct tdm_fn_def *fn = tdm_mod_find_fn(&q, NULL);
	struct tdm_scr_call c;
	int rc;

	if (!fn)
		return -ENOENT;
	tdm_scr_call_init(&c, fn, TDM_ROUTE_REQUEST, NULL, arena);
	rc = tdm_scr_call_args(&c, args, n, NULL);
	if (!rc)
		rc = tdm_scr_call_run(&c);
	if (rc)
		return rc;
	if (c.result.type == TDM_T_STR)
		snprintf(out, outlen, "%.*s", TDM_STR_FMT(&c.result.u.s));
	else if (c.result.type == TDM_T_INT)
		snprintf(out, outlen, "%lld", (long long)c.result.u.i);
	return 0;
}

static void run(const char *dir)
{
	struct tdm_value who = { .type = TDM_T_STR, .u.s = TDM_STR("tandem") };
	struct tdm_value greeting = { .type = TDM_T_STR, .u.s = TDM_STR("bonjour") };
	struct tdm_value num = { .type = TDM_T_INT, .u.i = 3 };
	struct tdm_arena *arena = NULL;
	struct tdm_mod *m = NULL;
	char err[512] = "", out[256] = "";
	int rc;

	tdm_mod_path_defaults(false);
	check(tdm_mod_path_add(dir) == 0, "module path", NULL);
	rc = tdm_mod_load(&TDM_STR("hello"), "test.route:1:1", &m, err, sizeof(err));
	check(rc == 0, "load hello", err);
	if (rc)
		return;
	rc = tdm_mod_set_param(m, &TDM_STR("greeting"), &num, "test.route:2:3",
			       err, sizeof(err));
	check(rc == -EINVAL && !strcmp(err, "test.route:2:3: hello.greeting: expected str, got int"),
	      "parameter type refused", err);
	rc = tdm_mod_set_param(m, &TDM_STR("greeting"), &greeting, NULL, err,
			       sizeof(err));
	check(rc == 0, "set hello.greeting", err);
	rc = tdm_mod_start_all(err, sizeof(err));
	check(rc == 0, "start", err);
	if (tdm_arena_new(&arena, 1024))
		return;
	rc = call("hello.greet", &who, 1, arena, out, sizeof(out));
	check(rc == 0 && !strcmp(out, "bonjour, tandem"), "hello.greet(\"tandem\")", out);
	rc = call("hello.greet", NULL, 0, arena, out, sizeof(out));
	check(rc == 0 && !strcmp(out, "bonjour, world"), "hello.greet() (default)", out);
	rc = call("hello.calls", NULL, 0, arena, out, sizeof(out));
	check(rc == 0 && !strcmp(out, "2"), "hello.calls()", out);
	rc = call("hello.greet", &num, 1, arena, out, sizeof(out));
	check(rc == -EINVAL, "wrong argument type refused by the frame", NULL);
	tdm_arena_free(arena);
}

int main(int argc, char **argv)
{
	long live = tdm_alloc_live();

	if (argc != 2) {
		fprintf(stderr, "usage: load_run DIR\n");
		return 2;
	}
	run(argv[1]);
	tdm_mod_unload_all();
	tdm_mod_path_clear();
	check(tdm_alloc_live() == live, "no leak after unload", NULL);
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
