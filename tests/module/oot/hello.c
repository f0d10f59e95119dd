/* SPDX-License-Identifier: GPL-2.0-or-later
 * hello: a provider's module built out of tree, as docs/module-sdk.md
 * shows it: one file, <tandem/tandem.h> only, compiled with
 *   cc $(pkg-config --cflags tandem) -fPIC -shared -o hello.so hello.c
 * tests/module/oot.sh builds it that way and load_run calls it. */
#include <stdatomic.h>
#include <stdio.h>
#include <tandem/tandem.h>

static struct hello_cfg {
	const char *greeting;
	const char *who;
} hello_cfg;

static atomic_long hello_calls;

static const struct tdm_param_def hello_params[] = {
	TDM_PARAM_STR("greeting", struct hello_cfg, greeting, "hello",
		      "First word of the greeting"),
	TDM_PARAM_STR("who", struct hello_cfg, who, "\"world\"",
		      "Whom to greet when the script names nobody"),
	TDM_PARAM_END
};

/* hello.greet([who]) -> str */
static int hello_greet(struct tdm_scr_call *c)
{
	char buf[256];
	struct tdm_str out;
	int n;

	if (tdm_scr_arg(c, 0)) {
		struct tdm_str who = tdm_scr_arg_str(c, 0);

		n = snprintf(buf, sizeof(buf), "%s, %.*s", hello_cfg.greeting,
			     TDM_STR_FMT(&who));
	} else {
		n = snprintf(buf, sizeof(buf), "%s, %s", hello_cfg.greeting,
			     hello_cfg.who);
	}
	if (n < 0)
		return n;
	out = (struct tdm_str){ buf, (size_t)n < sizeof(buf) ? (size_t)n
							    : sizeof(buf) - 1 };
	atomic_fetch_add(&hello_calls, 1);
	return tdm_scr_ret_str(c, &out);
}

/* hello.calls() -> int */
static int hello_count(struct tdm_scr_call *c)
{
	return tdm_scr_ret_int(c, atomic_load(&hello_calls));
}

static const struct tdm_fn_def hello_functions[] = {
	{ .name = "greet", .impl = hello_greet, .ret = TDM_T_STR,
	  .args = TDM_ARGS({ "who", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = TDM_ROUTE_ANY, .doc = "\"<greeting>, <who>\"" },
	{ .name = "calls", .impl = hello_count, .ret = TDM_T_INT,
	  .routes = TDM_ROUTE_ANY, .doc = "Calls of hello.greet() so far" },
	TDM_FN_END
};

static int hello_load(void)
{
	atomic_store(&hello_calls, 0);
	return 0;
}

TDM_MODULE_DESCRIPTOR(hello) = {
	TDM_MODULE_HEADER,
	.name = "hello",
	.description = "Out-of-tree example: greets",
	.params = hello_params,
	.config = &hello_cfg,
	.functions = hello_functions,
	.load = hello_load,
};
