/* SPDX-License-Identifier: GPL-2.0-or-later
 * The registry of loaded modules (in load order), statically registered
 * descriptors, lookups by name, and the lifecycle: load hooks in
 * dependency order, worker and reload hooks, unload in reverse. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "mod.h"

static struct tdm_mod **mods;     /* load order */
static unsigned nmods, capmods;
static struct tdm_mod **order;    /* start order, nmods entries once started */
static bool started;

static const struct tdm_module *statics[TDM_MOD_STATIC_MAX];
static unsigned nstatics;

int tdm_mod_errf(int code, char *err, size_t errlen, const char *where,
		 const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err || !errlen)
		return code;
	if (where)
		n = snprintf(err, errlen, "%s: ", where);
	if (n < 0 || (size_t)n >= errlen)
		return code;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

/* ---- Static descriptors ------------------------------------------------- */

int tdm_mod_register_static(const struct tdm_module *desc)
{
	if (!desc || !desc->name || !*desc->name)
		return -EINVAL;
	if (tdm_mod_static_find(&(struct tdm_str){ desc->name,
						   strlen(desc->name) }))
		return -EEXIST;
	if (nstatics == TDM_MOD_STATIC_MAX)
		return -ENOSPC;
	statics[nstatics++] = desc;
	return 0;
}

void tdm_mod_unregister_static(const struct tdm_module *desc)
{
	unsigned i, j = 0;

	for (i = 0; i < nstatics; i++)
		if (desc && statics[i] != desc)
			statics[j++] = statics[i];
	nstatics = j;
}

const struct tdm_module *tdm_mod_static_find(const struct tdm_str *name)
{
	for (unsigned i = 0; i < nstatics; i++)
		if (tdm_str_eq_c(name, statics[i]->name))
			return statics[i];
	return NULL;
}

/* ---- Lookups ------------------------------------------------------------ */

struct tdm_mod *tdm_mod_find(const struct tdm_str *name)
{
	for (unsigned i = 0; i < nmods; i++)
		if (tdm_str_eq_c(name, mods[i]->desc->name))
			return mods[i];
	return NULL;
}

/* Splits "module.rest" at the first dot and finds the module. */
static struct tdm_mod *split_find(const struct tdm_str *qname,
				  struct tdm_str *rest)
{
	long dot = tdm_str_chr(qname, '.');
	struct tdm_str mname;

	if (dot <= 0)
		return NULL;
	mname = tdm_str_sub(qname, 0, (size_t)dot);
	*rest = tdm_str_sub(qname, (size_t)dot + 1, qname->len);
	return tdm_mod_find(&mname);
}

const struct tdm_fn_def *tdm_mod_find_fn(const struct tdm_str *qname,
					 struct tdm_mod **modp)
{
	struct tdm_str fname;
	struct tdm_mod *m = split_find(qname, &fname);

	if (!m || !m->desc->functions)
		return NULL;
	for (const struct tdm_fn_def *f = m->desc->functions; f->name; f++) {
		if (tdm_str_eq_c(&fname, f->name)) {
			if (modp)
				*modp = m;
			return f;
		}
	}
	return NULL;
}

const struct tdm_rpc_def *tdm_mod_find_rpc(const struct tdm_str *name,
					   struct tdm_mod **modp)
{
	struct tdm_str rest;
	struct tdm_mod *m = split_find(name, &rest);

	if (!m || !m->desc->rpcs)
		return NULL;
	/* RPC names carry their module prefix ("registrar.show"). */
	for (const struct tdm_rpc_def *r = m->desc->rpcs; r->name; r++) {
		if (tdm_str_eq_c(name, r->name)) {
			if (modp)
				*modp = m;
			return r;
		}
	}
	return NULL;
}

int tdm_mod_foreach(int (*fn)(struct tdm_mod *m, void *arg), void *arg)
{
	int rc;

	for (unsigned i = 0; i < nmods; i++) {
		rc = fn(mods[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}

unsigned tdm_mod_count(void)
{
	return nmods;
}

bool tdm_mod_started(void)
{
	return started;
}

int tdm_mod_registry_add(struct tdm_mod *m)
{
	struct tdm_mod **p;
	unsigned cap;

	if (nmods == capmods) {
		cap = capmods ? capmods * 2 : 8;
		p = tdm_realloc(mods, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		mods = p;
		capmods = cap;
	}
	mods[nmods++] = m;
	return 0;
}

void tdm_mod_free(struct tdm_mod *m)
{
	if (!m)
		return;
	tdm_mod_params_free(m);
	if (m->handle)
		dlclose(m->handle);
	tdm_free(m->path);
	tdm_free(m->where);
	tdm_free(m);
}

/* ---- Lifecycle ---------------------------------------------------------- */

/* Depth-first visit for the start order: every module after the ones it
 * requires. state: 0 new, 1 on the current path, 2 placed. path[] holds
 * the current chain so a cycle can be printed. */
struct topo {
	unsigned char *state;
	struct tdm_mod **path;
	unsigned depth, placed;
	char *err;
	size_t errlen;
};

static unsigned index_of(const struct tdm_mod *m)
{
	unsigned i;

	for (i = 0; i < nmods && mods[i] != m; i++)
		;
	return i;
}

static int cycle_error(struct topo *t, const struct tdm_mod *m)
{
	char chain[512];
	size_t n = 0;
	unsigned i = t->depth;

	while (i > 0 && t->path[i - 1] != m)
		i--;
	chain[0] = '\0';
	for (i = i ? i - 1 : 0; i < t->depth && n < sizeof(chain); i++)
		n += (size_t)snprintf(chain + n, sizeof(chain) - n, "%s -> ",
				      t->path[i]->desc->name);
	if (n < sizeof(chain))
		snprintf(chain + n, sizeof(chain) - n, "%s", m->desc->name);
	return tdm_mod_errf(-ELOOP, t->err, t->errlen, m->where,
			    "module \"%s\" is part of a dependency cycle: %s",
			    m->desc->name, chain);
}

static int visit(struct topo *t, struct tdm_mod *m)
{
	unsigned idx = index_of(m);
	const char *const *req = m->desc->requires;
	int rc;

	if (t->state[idx] == 2)
		return 0;
	if (t->state[idx] == 1)
		return cycle_error(t, m);
	t->state[idx] = 1;
	t->path[t->depth++] = m;
	for (; req && *req; req++) {
		struct tdm_str rn = tdm_str_c(*req);
		struct tdm_mod *dep = tdm_mod_find(&rn);

		if (!dep)
			return tdm_mod_errf(-ENOENT, t->err, t->errlen, m->where,
					    "module \"%s\" needs module \"%s\", which is not loaded",
					    m->desc->name, *req);
		rc = visit(t, dep);
		if (rc)
			return rc;
	}
	t->depth--;
	t->state[idx] = 2;
	order[t->placed++] = m;
	return 0;
}

static int order_modules(char *err, size_t errlen)
{
	struct topo t = { .err = err, .errlen = errlen };
	int rc = -ENOMEM;

	tdm_free(order);
	order = tdm_calloc(nmods ? nmods : 1, sizeof(*order));
	t.state = tdm_calloc(nmods ? nmods : 1, 1);
	t.path = tdm_calloc(nmods ? nmods : 1, sizeof(*t.path));
	if (!order || !t.state || !t.path) {
		tdm_mod_errf(rc, err, errlen, NULL, "modules: out of memory");
		goto out;
	}
	rc = 0;
	for (unsigned i = 0; i < nmods && !rc; i++)
		rc = visit(&t, mods[i]);
out:
	tdm_free(t.state);
	tdm_free(t.path);
	if (rc) {
		tdm_free(order);
		order = NULL;
	}
	return rc;
}

/* Unloads the first n modules of the start order, last first. */
static void unload_started(unsigned n)
{
	while (n-- > 0) {
		struct tdm_mod *m = order[n];

		if (m->started && m->desc->unload)
			m->desc->unload();
		m->started = false;
	}
}

int tdm_mod_start_all(char *err, size_t errlen)
{
	unsigned i;
	int rc;

	if (started)
		return tdm_mod_errf(-EBUSY, err, errlen, NULL,
				    "modules have already been started");
	for (i = 0; i < nmods; i++) {
		if (mods[i]->params_done)
			continue;
		rc = tdm_mod_params_done(mods[i], err, errlen);
		if (rc)
			return rc;
	}
	rc = order_modules(err, errlen);
	if (rc)
		return rc;
	for (i = 0; i < nmods; i++) {
		struct tdm_mod *m = order[i];

		rc = m->desc->load ? m->desc->load() : 0;
		if (rc) {
			unload_started(i);
			if (rc > 0)
				rc = -EINVAL;
			return tdm_mod_errf(rc, err, errlen, m->where,
					    "module \"%s\": load failed: %s",
					    m->desc->name, tdm_strerror(rc));
		}
		m->started = true;
	}
	started = true;
	return 0;
}

int tdm_mod_worker_all(unsigned index, char *err, size_t errlen)
{
	int rc;

	if (!started)
		return tdm_mod_errf(-EINVAL, err, errlen, NULL,
				    "modules have not been started");
	for (unsigned i = 0; i < nmods; i++) {
		const struct tdm_module *d = order[i]->desc;

		rc = d->worker ? d->worker(index) : 0;
		if (rc)
			return tdm_mod_errf(rc < 0 ? rc : -EINVAL, err, errlen,
					    NULL, "module \"%s\": worker %u start failed: %s",
					    d->name, index, tdm_strerror(rc));
	}
	return 0;
}

int tdm_mod_reload_all(char *err, size_t errlen)
{
	int rc, first = 0;

	if (!started)
		return tdm_mod_errf(-EINVAL, err, errlen, NULL,
				    "modules have not been started");
	for (unsigned i = 0; i < nmods; i++) {
		const struct tdm_module *d = order[i]->desc;

		rc = d->reload ? d->reload() : 0;
		if (rc && !first)
			first = tdm_mod_errf(rc < 0 ? rc : -EINVAL, err, errlen,
					     NULL, "module \"%s\": reload failed: %s",
					     d->name, tdm_strerror(rc));
	}
	return first;
}

void tdm_mod_unload_all(void)
{
	if (started)
		unload_started(nmods);
	started = false;
	tdm_free(order);
	order = NULL;
	while (nmods > 0)
		tdm_mod_free(mods[--nmods]);
	tdm_free(mods);
	mods = NULL;
	capmods = 0;
}
