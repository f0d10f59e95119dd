/* SPDX-License-Identifier: GPL-2.0-or-later
 * example: the smallest complete Tandem module, kept in the tree as the
 * model to copy. Two parameters, two script functions (one with a
 * load-time prepare hook), an RPC and a statistic. docs/module-sdk.md
 * walks through it. */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <tandem/tandem.h>

/* Written by the loader: defaults first, then the script's settings. */
static struct ex_cfg {
	const char *greeting;   /* TDM_T_STR: owned by the core */
	int64_t max_len;
} ex_cfg;

static atomic_ulong ex_greetings; /* example_greetings_total */

static const struct tdm_param_def ex_params[] = {
	TDM_PARAM_STR("greeting", struct ex_cfg, greeting, "Hello",
		      "Word put before the name by example.greet()"),
	TDM_PARAM_INT("max_len", struct ex_cfg, max_len, "64", 8, 1024,
		      "Longest greeting returned, in bytes"),
	TDM_PARAM_END
};

/* example.greet(name) -> str: "<greeting>, <name>!", cut to max_len.
 * Thread-safe: reads the config (fixed after load) and bumps an atomic. */
static int ex_greet(struct tdm_scr_call *c)
{
	struct tdm_str name = tdm_scr_arg_str(c, 0);
	struct tdm_str out;
	char buf[1024 + 1];
	int n;

	n = snprintf(buf, sizeof(buf), "%s, %.*s!", ex_cfg.greeting,
		     TDM_STR_FMT(&name));
	if (n < 0)
		return -EINVAL;
	out.s = buf;
	out.len = (size_t)n < (size_t)ex_cfg.max_len ? (size_t)n
						     : (size_t)ex_cfg.max_len;
	atomic_fetch_add_explicit(&ex_greetings, 1, memory_order_relaxed);
	return tdm_scr_ret_str(c, &out); /* copied into the message arena */
}

/* Load time, once per call site: the method must be a literal naming a
 * known SIP method; the call then compares one enum. */
static int ex_is_method_prepare(struct tdm_scr_prep *p)
{
	const struct tdm_value *v = tdm_scr_prep_const(p, 0);
	enum tdm_sip_method m;

	if (!v) /* the core guarantees a literal; stay safe anyway */
		return -EINVAL;
	m = tdm_sip_method_id(&v->u.s);
	if (m == TDM_SIP_METHOD_OTHER) {
		tdm_scr_prep_error(p, 0, "example.is_method(): unknown SIP method \"%.*s\"",
				   TDM_STR_FMT(&v->u.s));
		return -EINVAL;
	}
	return tdm_scr_prep_set(p, 0, (void *)(uintptr_t)m, NULL);
}

/* example.is_method("INVITE") -> bool: is the request of that method? */
static int ex_is_method(struct tdm_scr_call *c)
{
	enum tdm_sip_method want =
		(enum tdm_sip_method)(uintptr_t)tdm_scr_arg_prepared(c, 0);
	const struct tdm_sip_msg *msg = tdm_scr_msg(c);

	return tdm_scr_ret_bool(c, msg && msg->is_request && msg->method == want);
}

static const struct tdm_fn_def ex_functions[] = {
	{ .name = "greet", .impl = ex_greet, .ret = TDM_T_STR,
	  .args = TDM_ARGS({ "name", TDM_T_STR, 0 }),
	  .routes = TDM_ROUTE_ANY,
	  .doc = "Returns \"<greeting>, <name>!\", at most max_len bytes." },
	{ .name = "is_method", .impl = ex_is_method,
	  .prepare = ex_is_method_prepare, .ret = TDM_T_BOOL,
	  .args = TDM_ARGS({ "method", TDM_T_STR, TDM_ARG_CONST }),
	  .routes = TDM_ROUTE_REQUEST | TDM_ROUTE_BRANCH | TDM_ROUTE_FAILURE,
	  .doc = "True when the request's method is `method` (a literal, "
		 "checked at load)." },
	TDM_FN_END
};

/* RPC example.greetings [who:str] -> {"greetings": N, "who": ...}
 * (docs/module-sdk.md §5). Runs on the admin API's threads: it reads the
 * atomic counter and its parameter, nothing else. */
static int ex_rpc_greetings(struct tdm_rpc *r)
{
	struct tdm_rpc_val *o = tdm_rpc_result_object(r);

	if (tdm_rpc_has(r, 0) && !*tdm_rpc_str(r, 0))
		return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS, "who is empty");
	tdm_rpc_add_int(o, "greetings",
			(int64_t)atomic_load_explicit(&ex_greetings,
						      memory_order_relaxed));
	tdm_rpc_add_str(o, "who", tdm_rpc_str(r, 0)); /* null when absent */
	return 0;
}

static const struct tdm_rpc_def ex_rpcs[] = {
	{ "example.greetings", ex_rpc_greetings, "[who:str]",
	  "Greetings returned since start" },
	TDM_RPC_END
};

static const struct tdm_stat_def ex_stats[] = {
	{ "example_greetings_total", TDM_STAT_COUNTER,
	  "Greetings returned by example.greet()", .value = &ex_greetings },
	TDM_STAT_END
};

static int ex_load(void)
{
	atomic_store(&ex_greetings, 0);
	return 0;
}

TDM_MODULE_DESCRIPTOR(example) = {
	TDM_MODULE_HEADER,
	.name = "example",
	.description = "Model module: greetings and a method test",
	.params = ex_params,
	.config = &ex_cfg,
	.functions = ex_functions,
	.rpcs = ex_rpcs,
	.stats = ex_stats,
	.load = ex_load,
	.doc = "Shows every part of a module descriptor; see "
	       "docs/module-sdk.md.",
};
