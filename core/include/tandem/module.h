/* SPDX-License-Identifier: GPL-2.0-or-later
 * The module descriptor: everything a module offers, declared as data.
 *
 * A module is a shared object exporting exactly one symbol,
 * tdm_module_<name>, a const struct tdm_module. The loader checks its ABI
 * version and build signature, its dependencies and its parameters; the
 * script checker reads its function table (arity, argument types, allowed
 * route types); the admin API and tandemctl read its RPC table; /metrics
 * reads its statistics. Nothing about a module is written down twice.
 *
 *   static struct reg_cfg { int64_t default_expires; } cfg;
 *   static const struct tdm_param_def params[] = {
 *       TDM_PARAM_INT("default_expires", struct reg_cfg, default_expires,
 *                     "3600", 60, 86400, "Expires when the client sets none"),
 *       TDM_PARAM_END
 *   };
 *   TDM_MODULE_DESCRIPTOR(registrar) = {
 *       TDM_MODULE_HEADER,
 *       .name = "registrar", .description = "...", .params = params,
 *       .config = &cfg, .functions = fns, ...
 *   };
 *
 * docs/module-sdk.md walks through a complete module. */
#ifndef TANDEM_MODULE_H
#define TANDEM_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>
#include <tandem/db.h>
#include <tandem/rpc.h>
#include <tandem/script.h>
#include <tandem/sip.h>
#include <tandem/stats.h>

/* Bumped whenever a change to the installed headers breaks compiled
 * modules (a struct layout, a function signature). */
#define TDM_ABI_VERSION 2

/* Sizes and build options a module was compiled with: the loader refuses
 * a module whose signature differs from the core's and says which field
 * differs ("built against a different struct tdm_sip_msg"). */
struct tdm_build_sig {
	uint32_t abi;
	uint32_t size_value;    /* sizeof(struct tdm_value) */
	uint32_t size_msg;      /* sizeof(struct tdm_sip_msg) */
	uint32_t size_module;   /* sizeof(struct tdm_module) */
	uint32_t hdr_count;     /* TDM_HDR__COUNT */
	uint32_t sanitizers;    /* 1 when built with ASan/UBSan */
};

#if defined(__SANITIZE_ADDRESS__)
#define TDM_BUILD_SANITIZERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TDM_BUILD_SANITIZERS 1
#endif
#endif
#ifndef TDM_BUILD_SANITIZERS
#define TDM_BUILD_SANITIZERS 0
#endif

#define TDM_BUILD_SIGNATURE                                                   \
	{ TDM_ABI_VERSION, sizeof(struct tdm_value), sizeof(struct tdm_sip_msg), \
	  sizeof(struct tdm_module), TDM_HDR__COUNT, TDM_BUILD_SANITIZERS }

/* ---- Parameters --------------------------------------------------------
 * Set in the script: load "registrar" { default_expires = 3600 }. The
 * loader converts the value, checks type and range, and writes it at
 * `offset` into the module's `config` struct; defaults are applied first. */
struct tdm_param_def {
	const char *name;
	enum tdm_type type;   /* TDM_T_INT (int64_t), TDM_T_BOOL (bool),
			       * TDM_T_STR (const char *, NUL-terminated, owned
			       * by the core until unload) */
	size_t offset;        /* into *config */
	const char *def;      /* default, as it would be written in a script
			       * (NULL: required) */
	int64_t min, max;     /* TDM_T_INT range; min > max: no range */
	const char *doc;
};

#define TDM_PARAM_INT(name, type, field, def, min, max, doc) \
	{ name, TDM_T_INT, offsetof(type, field), def, min, max, doc }
#define TDM_PARAM_BOOL(name, type, field, def, doc) \
	{ name, TDM_T_BOOL, offsetof(type, field), def, 1, 0, doc }
#define TDM_PARAM_STR(name, type, field, def, doc) \
	{ name, TDM_T_STR, offsetof(type, field), def, 1, 0, doc }
#define TDM_PARAM_END { NULL, TDM_T_VOID, 0, NULL, 0, 0, NULL }

/* ---- Script functions -------------------------------------------------- */

#define TDM_ARG_CONST 0x1    /* must be a literal (prepare sees it) */
#define TDM_ARG_OPTIONAL 0x2 /* may be left out (only trailing ones) */

struct tdm_fn_arg {
	const char *name;
	enum tdm_type type;  /* TDM_T_ANY accepts every type */
	unsigned flags;      /* TDM_ARG_* */
};

/* Runs one call: read arguments, act, set the result with tdm_scr_ret_*.
 * Returns 0, or a -errno (the script logs it and the route stops with a
 * 500 reply). Called from worker threads: must be thread-safe. */
typedef int tdm_fn_impl(struct tdm_scr_call *c);
/* Optional: called once per call site at load with the constant
 * arguments (regexes to compile, URIs to parse). 0, or -EINVAL after
 * tdm_scr_prep_error(). */
typedef int tdm_fn_prepare(struct tdm_scr_prep *p);

struct tdm_fn_def {
	const char *name;                /* called as module.name(...) */
	tdm_fn_impl *impl;
	tdm_fn_prepare *prepare;         /* may be NULL */
	enum tdm_type ret;               /* TDM_T_VOID, _BOOL, _INT, _STR */
	const struct tdm_fn_arg *args;   /* nargs entries */
	unsigned nargs;
	unsigned routes;                 /* mask of enum tdm_route_type */
	const char *doc;
};

#define TDM_ARGS(...) \
	(const struct tdm_fn_arg[]){ __VA_ARGS__ }, \
	(sizeof((const struct tdm_fn_arg[]){ __VA_ARGS__ }) / sizeof(struct tdm_fn_arg))
#define TDM_FN_END { NULL, NULL, NULL, TDM_T_VOID, NULL, 0, 0, NULL }

/* ---- RPC commands and statistics ---------------------------------------
 * Declared here so the admin API (HTTP JSON-RPC) and tandemctl can list
 * and call them; <tandem/rpc.h> has the request and reply accessors. A
 * module's commands are named "<module>.<command>". */
typedef int tdm_rpc_fn(struct tdm_rpc *r);

struct tdm_rpc_def {
	const char *name;    /* "registrar.show" */
	tdm_rpc_fn *fn;
	const char *params;  /* "aor:str [contact:str]" (see <tandem/rpc.h>),
			      * "" or NULL for none */
	const char *doc;     /* one line */
};
#define TDM_RPC_END { NULL, NULL, NULL, NULL }

/* Statistics: struct tdm_stat_def in <tandem/stats.h>. */

/* ---- The descriptor ---------------------------------------------------- */

struct tdm_module {
	uint32_t abi;                       /* TDM_ABI_VERSION */
	struct tdm_build_sig signature;     /* TDM_BUILD_SIGNATURE */
	const char *name;                   /* matches tdm_module_<name> */
	const char *description;            /* one line */
	const char *const *requires;        /* NULL-terminated, or NULL */
	const struct tdm_param_def *params; /* TDM_PARAM_END-terminated */
	void *config;                       /* where params are written */
	const struct tdm_fn_def *functions; /* TDM_FN_END-terminated */
	const struct tdm_rpc_def *rpcs;     /* TDM_RPC_END-terminated */
	const struct tdm_stat_def *stats;   /* TDM_STAT_END-terminated */
	/* Lifecycle, each may be NULL. load: once, parameters set, before
	 * workers start; worker: once in each worker thread; reload: after a
	 * new script was swapped in; unload: at shutdown, in reverse load
	 * order. Return 0 or -errno (load failing stops tandemd). */
	int (*load)(void);
	int (*worker)(unsigned index);
	int (*reload)(void);
	void (*unload)(void);
	const char *doc;                    /* longer description, Markdown */
	/* A database driver module's driver (<tandem/db.h>), else NULL. */
	const struct tdm_db_driver *db_driver;
	void *spare[7];                     /* zero: room to grow the ABI */
};

#define TDM_MODULE_HEADER .abi = TDM_ABI_VERSION, .signature = TDM_BUILD_SIGNATURE

/* Declares the one exported symbol of a module. */
#define TDM_MODULE_DESCRIPTOR(name) \
	TDM_API extern const struct tdm_module tdm_module_##name; \
	TDM_API const struct tdm_module tdm_module_##name

#endif
