/* SPDX-License-Identifier: GPL-2.0-or-later
 * Core-internal API of the module system: the module path, loading and
 * checking a module's descriptor, its parameters, the registry of loaded
 * modules and their lifecycle. Modules never see this header; they see
 * <tandem/module.h>.
 *
 * Threading: everything here runs on the main thread while the program
 * starts (load, parameters, tdm_mod_start_all) or stops (unload). Once
 * started, the registry is read-only, so the lookups (tdm_mod_find*,
 * tdm_mod_foreach) may be called from any thread; tdm_mod_worker_all runs
 * in each worker thread and only calls the modules' worker hooks.
 *
 * Errors: every refusal returns a -errno and writes ONE line into
 * err[errlen] (always NUL-terminated when errlen > 0), prefixed with the
 * caller's `where` ("default.route:12:5", may be NULL) when there is one:
 *   default.route:3:1: module "registrar" not found (searched: /a, /b) */
#ifndef TANDEM_CORE_MOD_H
#define TANDEM_CORE_MOD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <tandem/module.h>
#include <tandem/str.h>

/* Most arguments a script function may declare (the call frame and the
 * prepare step keep per-argument slots in fixed arrays). */
#define TDM_MOD_MAX_ARGS 16
/* Most descriptors tdm_mod_register_static() holds. */
#define TDM_MOD_STATIC_MAX 32

/* A loaded module. Owned by the registry from tdm_mod_load() until
 * tdm_mod_unload_all(); callers hold plain pointers and never free it. */
struct tdm_mod {
	const struct tdm_module *desc; /* inside the shared object (or static) */
	void *handle;       /* dlopen() handle; NULL for a static descriptor */
	char *path;         /* file it was loaded from; NULL when static */
	char *where;        /* position of the load request, or NULL */
	char **strs;        /* per parameter: the TDM_T_STR value written
			     * into the config (owned), or NULL */
	bool *set;          /* per parameter: set by tdm_mod_set_param() */
	unsigned nparams;
	bool params_done;   /* tdm_mod_params_done() succeeded */
	bool started;       /* load hook ran: the unload hook is due */
};

/* ---- Module path (loader.c) ---------------------------------------------
 * Order of the search: the build tree's modules/ when this executable runs
 * from the build tree, then the directories added here (tandemd
 * --module-path, in order), then $TANDEM_MODULE_PATH (colon-separated),
 * then the configured TDM_MODULE_DIR. In each DIR, NAME is looked for as
 * DIR/NAME.so, DIR/NAME/NAME.so and DIR/NAME/.libs/NAME.so. */

/* Appends dir (copied) to the caller's directories. 0, -EINVAL (NULL or
 * empty), -ENOMEM. */
int tdm_mod_path_add(const char *dir);
/* Forgets the directories added with tdm_mod_path_add(). */
void tdm_mod_path_clear(void);
/* false: search only the directories added with tdm_mod_path_add() (no
 * build tree, environment or configured directory). For tests; the
 * default is true. */
void tdm_mod_path_defaults(bool on);
/* True when this executable lives inside the build tree. */
bool tdm_mod_running_uninstalled(void);

/* ---- Loading (loader.c) -------------------------------------------------
 * Finds `name` (a statically registered descriptor first, then the module
 * path), opens it with dlopen(RTLD_NOW | RTLD_LOCAL), looks up
 * tdm_module_<name>, checks the whole descriptor (ABI version, build
 * signature, name, tables), applies the parameter defaults and appends
 * the module to the registry. *out (may be NULL) gets the module.
 * Returns 0, -EINVAL (invalid name or descriptor), -ENOENT (not found),
 * -EEXIST (already loaded), -EPROTO (ABI or build mismatch), -ENOEXEC
 * (dlopen or dlsym failed), -EBUSY (modules already started), -ENOMEM. */
int tdm_mod_load(const struct tdm_str *name, const char *where,
		 struct tdm_mod **out, char *err, size_t errlen);

/* Loads module name like tdm_mod_load() but outside the registry (which is
 * read-only once the modules started): no parameters, no hooks, for a
 * database driver wanted after start (a descriptor with parameters or a
 * load hook is refused). The shared object stays open until the process
 * ends; *desc gets its descriptor. Callers serialize. 0 or -errno with one
 * line in err. */
int tdm_mod_load_detached(const struct tdm_str *name,
			  const struct tdm_module **desc, char *err,
			  size_t errlen);

/* ---- Descriptor checks (validate.c) -------------------------------------
 * Checks desc as loaded under `name`: ABI, signature, then every table.
 * 0, -EPROTO (ABI/build mismatch) or -EINVAL, with the message in err. */
int tdm_mod_validate(const struct tdm_module *desc, const char *name,
		     const char *where, char *err, size_t errlen);

/* One declared RPC parameter, parsed from a params string. */
#define TDM_RPC_MAX_PARAMS 8
enum tdm_rpc_ptype { TDM_RPC_P_STR, TDM_RPC_P_INT, TDM_RPC_P_BOOL, TDM_RPC_P_ANY };
struct tdm_rpc_param {
	char name[32];
	enum tdm_rpc_ptype type;
	bool optional;
};
/* Parses "aor:str [contact:str]" into out[TDM_RPC_MAX_PARAMS] (*n set;
 * NULL or "" is no parameter). 0, or -EINVAL with the reason in err. */
int tdm_mod_rpc_params(const char *spec, struct tdm_rpc_param *out,
		       unsigned *n, char *err, size_t errlen);
/* "str", "int", "bool", "any". */
const char *tdm_mod_rpc_ptype_name(enum tdm_rpc_ptype t);

/* One RPC definition: a name "<owner>.<command>" ([a-z0-9_.]), an
 * implementation and a well-formed params string ("aor:str [n:int]",
 * see <tandem/rpc.h>); one statistic definition: name [a-z_][a-z0-9_]*,
 * a kind, _total on counters, exactly one of value/read (histograms:
 * read). 0 or -EINVAL with the reason in err (no position prefix). The
 * core's own tables are checked with the same rules. */
int tdm_mod_check_rpc(const struct tdm_rpc_def *r, const char *owner,
		      char *err, size_t errlen);
int tdm_mod_check_stat(const struct tdm_stat_def *s, char *err,
		       size_t errlen);

/* ---- Parameters (params.c) ---------------------------------------------- */

/* Allocates the parameter state of m and writes every default into the
 * config (a default that does not parse or is out of range is a module
 * bug: -EINVAL). Called by tdm_mod_load(). */
int tdm_mod_params_init(struct tdm_mod *m, char *err, size_t errlen);
/* Sets parameter `name` of m from a script value: type and range are
 * checked, a TDM_T_STR is copied (NUL-terminated, freed at unload).
 * 0, -ENOENT (no such parameter), -EINVAL (wrong type, NUL byte in a
 * string), -ERANGE (outside min..max), -EBUSY (modules started),
 * -ENOMEM. */
int tdm_mod_set_param(struct tdm_mod *m, const struct tdm_str *name,
		      const struct tdm_value *v, const char *where, char *err,
		      size_t errlen);
/* Ends the parameter settings of m: a required parameter (def == NULL)
 * that was not set is an error (-EINVAL, reported at m's load position).
 * tdm_mod_start_all() calls it for modules whose caller did not. */
int tdm_mod_params_done(struct tdm_mod *m, char *err, size_t errlen);
/* Frees the string copies and clears their config fields. */
void tdm_mod_params_free(struct tdm_mod *m);
/* Parameter `name` of desc, or NULL. */
const struct tdm_param_def *tdm_mod_param_find(const struct tdm_module *desc,
					       const struct tdm_str *name);
/* Parses the text of a default as a script literal of type t (int:
 * optional '-' and decimal digits; bool: true/false; str: the text, or a
 * "quoted" literal with \" \\ \n \t escapes, unquoted). For TDM_T_STR,
 * out->u.s points into `text` or into buf (bufsize bytes), which must be
 * at least strlen(text) bytes. 0 or -EINVAL. */
int tdm_mod_parse_literal(const char *text, enum tdm_type t,
			  struct tdm_value *out, char *buf, size_t bufsize);

/* ---- Registry and lifecycle (registry.c) -------------------------------- */

/* Makes desc loadable by name without a shared object (built-in modules,
 * tests). desc must stay valid until unregistered. 0, -EINVAL (NULL or
 * nameless), -EEXIST (a descriptor of that name is registered), -ENOSPC
 * (more than TDM_MOD_STATIC_MAX). */
int tdm_mod_register_static(const struct tdm_module *desc);
/* Removes a static registration (NULL: all of them). */
void tdm_mod_unregister_static(const struct tdm_module *desc);
/* The statically registered descriptor called name, or NULL. */
const struct tdm_module *tdm_mod_static_find(const struct tdm_str *name);

/* The loaded module called name, or NULL. */
struct tdm_mod *tdm_mod_find(const struct tdm_str *name);
/* Function "module.fn" (split at the first '.'), or NULL; *modp (may be
 * NULL) gets its module. */
const struct tdm_fn_def *tdm_mod_find_fn(const struct tdm_str *qname,
					 struct tdm_mod **modp);
/* RPC "module.command", or NULL; *modp as above. */
const struct tdm_rpc_def *tdm_mod_find_rpc(const struct tdm_str *name,
					   struct tdm_mod **modp);
/* Calls fn for every loaded module in load order until it returns
 * non-zero; returns that value, or 0. */
int tdm_mod_foreach(int (*fn)(struct tdm_mod *m, void *arg), void *arg);
/* Number of loaded modules. */
unsigned tdm_mod_count(void);
/* True between a successful tdm_mod_start_all() and tdm_mod_unload_all(). */
bool tdm_mod_started(void);

/* Appends m (allocated by the loader) to the registry. 0 or -ENOMEM. */
int tdm_mod_registry_add(struct tdm_mod *m);
/* Frees a module that is not (or no longer) in the registry: its
 * parameters, its strings, its dlopen() handle. NULL is fine. */
void tdm_mod_free(struct tdm_mod *m);

/* Checks parameters (tdm_mod_params_done) and dependencies of every loaded
 * module, orders them so that each comes after the modules it requires,
 * and runs the load hooks in that order. On a failure the modules already
 * started are unloaded again (unload hooks, reverse order) and nothing is
 * started. 0, -EINVAL, -ENOENT (missing dependency), -ELOOP (dependency
 * cycle), -EBUSY (already started), or the load hook's -errno. */
int tdm_mod_start_all(char *err, size_t errlen);
/* Runs every worker hook, in start order, in the calling worker thread.
 * Stops at the first failure and returns its -errno. */
int tdm_mod_worker_all(unsigned index, char *err, size_t errlen);
/* Runs every reload hook in start order; all run even after a failure,
 * the first failure is returned and reported. */
int tdm_mod_reload_all(char *err, size_t errlen);
/* Runs the unload hooks of the started modules in reverse start order,
 * then frees every module (closing its shared object) in reverse load
 * order. The registry is empty afterwards; static registrations and the
 * module path stay. */
void tdm_mod_unload_all(void);

/* Writes "where: " (when where is not NULL) and the formatted message
 * into err[errlen]; returns `code` so refusals read
 * `return tdm_mod_errf(-EINVAL, err, errlen, where, "...", ...);`. */
int tdm_mod_errf(int code, char *err, size_t errlen, const char *where,
		 const char *fmt, ...) TDM_PRINTF(5, 6);

#endif
