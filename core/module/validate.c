/* SPDX-License-Identifier: GPL-2.0-or-later
 * Checks a module's descriptor before anything in it is used: ABI
 * version and build signature first (if they differ, nothing else in the
 * struct can be trusted), then the name and every table. Each refusal is
 * one line that a module author can act on. */
#include <errno.h>
#include <string.h>
#include <tandem/module.h>
#include <tandem/db.h>
#include "mod.h"

/* Shortens the many refusals below: err, errlen, where are in scope. */
#define REFUSE(code, ...) tdm_mod_errf((code), err, errlen, where, __VA_ARGS__)

static bool ident(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int check_signature(const struct tdm_module *d, const char *name,
			   const char *where, char *err, size_t errlen)
{
	static const struct tdm_build_sig core = TDM_BUILD_SIGNATURE;
	const struct tdm_build_sig *s = &d->signature;

	if (d->abi != TDM_ABI_VERSION || s->abi != TDM_ABI_VERSION)
		return REFUSE(-EPROTO, "module \"%s\": ABI version %u, this tandemd has %u",
			      name, d->abi != TDM_ABI_VERSION ? d->abi : s->abi,
			      TDM_ABI_VERSION);
	if (s->size_module != core.size_module)
		return REFUSE(-EPROTO, "module \"%s\" was built against a different struct tdm_module (size %u, expected %u)",
			      name, s->size_module, core.size_module);
	if (s->size_value != core.size_value)
		return REFUSE(-EPROTO, "module \"%s\" was built against a different struct tdm_value (size %u, expected %u)",
			      name, s->size_value, core.size_value);
	if (s->size_msg != core.size_msg)
		return REFUSE(-EPROTO, "module \"%s\" was built against a different struct tdm_sip_msg (size %u, expected %u)",
			      name, s->size_msg, core.size_msg);
	if (s->hdr_count != core.hdr_count)
		return REFUSE(-EPROTO, "module \"%s\" was built against a different header table (%u headers, expected %u)",
			      name, s->hdr_count, core.hdr_count);
	if (s->sanitizers != core.sanitizers)
		return REFUSE(-EPROTO, "module \"%s\" was built %s sanitizers, this tandemd %s",
			      name, s->sanitizers ? "with" : "without",
			      core.sanitizers ? "with" : "without");
	return 0;
}

static int check_requires(const struct tdm_module *d, const char *name,
			  const char *where, char *err, size_t errlen)
{
	for (const char *const *r = d->requires; r && *r; r++) {
		if (!ident(*r))
			return REFUSE(-EINVAL, "module \"%s\": required module name \"%s\" is not valid",
				      name, *r);
		if (!strcmp(*r, name))
			return REFUSE(-EINVAL, "module \"%s\" requires itself", name);
	}
	return 0;
}

static int check_params(const struct tdm_module *d, const char *name,
			const char *where, char *err, size_t errlen)
{
	const struct tdm_param_def *p, *q;

	for (p = d->params; p && p->name; p++) {
		if (!ident(p->name))
			return REFUSE(-EINVAL, "module \"%s\": parameter name \"%s\" is not valid",
				      name, p->name);
		if (p->type != TDM_T_INT && p->type != TDM_T_BOOL &&
		    p->type != TDM_T_STR)
			return REFUSE(-EINVAL, "module \"%s\": parameter \"%s\" has type %s (int, bool or str)",
				      name, p->name, tdm_type_name(p->type));
		if (!d->config)
			return REFUSE(-EINVAL, "module \"%s\" has parameters but no config struct",
				      name);
		for (q = d->params; q != p; q++)
			if (!strcmp(q->name, p->name))
				return REFUSE(-EINVAL, "module \"%s\": duplicate parameter \"%s\"",
					      name, p->name);
	}
	return 0;
}

static int check_args(const struct tdm_fn_def *f, const char *name,
		      const char *where, char *err, size_t errlen)
{
	const struct tdm_fn_arg *opt = NULL;

	if (f->nargs > TDM_MOD_MAX_ARGS)
		return REFUSE(-EINVAL, "module \"%s\": function \"%s\" has %u arguments (at most %u)",
			      name, f->name, f->nargs, TDM_MOD_MAX_ARGS);
	if (f->nargs && !f->args)
		return REFUSE(-EINVAL, "module \"%s\": function \"%s\" declares %u arguments but no argument table",
			      name, f->name, f->nargs);
	for (unsigned i = 0; i < f->nargs; i++) {
		const struct tdm_fn_arg *a = &f->args[i];

		if (!ident(a->name))
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\": argument %u has no valid name",
				      name, f->name, i + 1);
		if (a->type == TDM_T_VOID || a->type > TDM_T_ANY)
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\": argument \"%s\" has no type",
				      name, f->name, a->name);
		if (a->flags & ~(unsigned)(TDM_ARG_CONST | TDM_ARG_OPTIONAL))
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\": argument \"%s\" has unknown flags 0x%x",
				      name, f->name, a->name, a->flags);
		if (a->flags & TDM_ARG_OPTIONAL)
			opt = a;
		else if (opt)
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\": optional argument \"%s\" is followed by required argument \"%s\"",
				      name, f->name, opt->name, a->name);
	}
	return 0;
}

static int check_functions(const struct tdm_module *d, const char *name,
			   const char *where, char *err, size_t errlen)
{
	const struct tdm_fn_def *f, *g;
	int rc;

	for (f = d->functions; f && f->name; f++) {
		if (!ident(f->name))
			return REFUSE(-EINVAL, "module \"%s\": function name \"%s\" is not valid",
				      name, f->name);
		for (g = d->functions; g != f; g++)
			if (!strcmp(g->name, f->name))
				return REFUSE(-EINVAL, "module \"%s\": duplicate function \"%s\"",
					      name, f->name);
		if (!f->impl)
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\" has no implementation",
				      name, f->name);
		if (f->ret != TDM_T_VOID && f->ret != TDM_T_BOOL &&
		    f->ret != TDM_T_INT && f->ret != TDM_T_STR)
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\" returns %s (void, bool, int or str)",
				      name, f->name, tdm_type_name(f->ret));
		if (!(f->routes & TDM_ROUTE_ANY))
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\" allows no route type",
				      name, f->name);
		if (f->routes & ~(unsigned)TDM_ROUTE_ANY)
			return REFUSE(-EINVAL, "module \"%s\": function \"%s\" has unknown route bits 0x%x",
				      name, f->name, f->routes & ~(unsigned)TDM_ROUTE_ANY);
		rc = check_args(f, name, where, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* RPC names are global (tandemctl, the admin API): "module.command";
 * statistic names start with "module_" so no two modules collide. */
static int check_rpcs(const struct tdm_module *d, const char *name,
		      const char *where, char *err, size_t errlen)
{
	const struct tdm_rpc_def *r, *q;
	char why[256];

	for (r = d->rpcs; r && r->name; r++) {
		if (tdm_mod_check_rpc(r, name, why, sizeof(why)))
			return REFUSE(-EINVAL, "module \"%s\": %s", name, why);
		for (q = d->rpcs; q != r; q++)
			if (!strcmp(q->name, r->name))
				return REFUSE(-EINVAL, "module \"%s\": duplicate RPC \"%s\"",
					      name, r->name);
	}
	return 0;
}

static int check_stats(const struct tdm_module *d, const char *name,
		       const char *where, char *err, size_t errlen)
{
	const struct tdm_stat_def *s, *q;
	size_t n = strlen(name);
	char why[256];

	for (s = d->stats; s && s->name; s++) {
		if (tdm_mod_check_stat(s, why, sizeof(why)))
			return REFUSE(-EINVAL, "module \"%s\": %s", name, why);
		if (strncmp(s->name, name, n) || s->name[n] != '_')
			return REFUSE(-EINVAL, "module \"%s\": statistic \"%s\" must start with \"%s_\"",
				      name, s->name, name);
		for (q = d->stats; q != s; q++)
			if (!strcmp(q->name, s->name))
				return REFUSE(-EINVAL, "module \"%s\": duplicate statistic \"%s\"",
					      name, s->name);
	}
	return 0;
}

/* A database driver (optional): named, with its URL schemes and every
 * function the database layer calls without checking (listen and wait
 * are optional, but come together). */
static int check_db_driver(const struct tdm_module *d, const char *name,
			   const char *where, char *err, size_t errlen)
{
	const struct tdm_db_driver *dd = d->db_driver;
	const char *missing = NULL;

	if (!dd)
		return 0;
	if (!dd->name || !ident(dd->name))
		missing = "a dialect name";
	else if (!dd->schemes || !dd->schemes[0])
		missing = "URL schemes";
	else if (!dd->connect || !dd->disconnect || !dd->prepare ||
		 !dd->finalize || !dd->exec || !dd->script)
		missing = "one of connect, disconnect, prepare, finalize, exec, script";
	else if (!dd->listen != !dd->wait)
		missing = "listen and wait together";
	if (!missing)
		return 0;
	return REFUSE(-EINVAL, "module \"%s\": database driver needs %s",
		      name, missing);
}

int tdm_mod_validate(const struct tdm_module *d, const char *name,
		     const char *where, char *err, size_t errlen)
{
	int rc;

	rc = check_signature(d, name, where, err, errlen);
	if (rc)
		return rc;
	if (!d->name || strcmp(d->name, name))
		return REFUSE(-EINVAL, "module \"%s\": descriptor is named \"%s\"",
			      name, d->name ? d->name : "");
	if (!d->description || !*d->description || strchr(d->description, '\n'))
		return REFUSE(-EINVAL, "module \"%s\": description must be one non-empty line",
			      name);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(d->spare); i++)
		if (d->spare[i])
			return REFUSE(-EINVAL, "module \"%s\": spare descriptor fields are set (built for a newer tandemd?)",
				      name);
	rc = check_requires(d, name, where, err, errlen);
	if (!rc)
		rc = check_params(d, name, where, err, errlen);
	if (!rc)
		rc = check_functions(d, name, where, err, errlen);
	if (!rc)
		rc = check_rpcs(d, name, where, err, errlen);
	if (!rc)
		rc = check_stats(d, name, where, err, errlen);
	if (!rc)
		rc = check_db_driver(d, name, where, err, errlen);
	return rc;
}
