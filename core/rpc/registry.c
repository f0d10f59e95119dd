/* SPDX-License-Identifier: GPL-2.0-or-later
 * Where commands and statistics are found: the core's tables registered
 * here, then every loaded module's descriptor. Lookups walk the tables
 * (a few dozen entries, an admin request at a time): nothing to keep in
 * sync with the descriptors. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <tandem/log.h>
#include "module/mod.h"
#include "rpc/registry.h"

struct core_table {
	const char *owner;
	const void *defs;
};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
/* Held shared by every call and scrape, exclusively to close. */
static pthread_rwlock_t use_lock = PTHREAD_RWLOCK_INITIALIZER;
static bool closed;
static struct core_table rpc_tables[TDM_RPC_CORE_TABLES];
static struct core_table stat_tables[TDM_RPC_CORE_TABLES];
static unsigned nrpc, nstat;

static int add(struct core_table *t, unsigned *n, const char *owner,
	       const void *defs)
{
	int rc = 0;

	pthread_rwlock_wrlock(&lock);
	for (unsigned i = 0; i < *n; i++)
		if (t[i].defs == defs)
			goto out;
	if (*n == TDM_RPC_CORE_TABLES)
		rc = -ENOSPC;
	else
		t[(*n)++] = (struct core_table){ owner, defs };
out:
	pthread_rwlock_unlock(&lock);
	return rc;
}

int tdm_rpc_add_core_table(const char *owner, const struct tdm_rpc_def *defs)
{
	char err[256];

	for (const struct tdm_rpc_def *d = defs; d->name; d++) {
		const char *dot = strchr(d->name, '.');
		char o[32];
		size_t n = dot ? (size_t)(dot - d->name) : 0;

		if (!dot || n >= sizeof(o))
			return -EINVAL;
		memcpy(o, d->name, n);
		o[n] = 0;
		if (tdm_mod_check_rpc(d, o, err, sizeof(err))) {
			TDM_LOGE(&tdm_log_core, "core RPC table %s: %s", owner, err);
			return -EINVAL;
		}
	}
	return add(rpc_tables, &nrpc, owner, defs);
}

int tdm_stats_add_core_table(const char *owner, const struct tdm_stat_def *defs)
{
	char err[256];

	for (const struct tdm_stat_def *d = defs; d->name; d++)
		if (tdm_mod_check_stat(d, err, sizeof(err))) {
			TDM_LOGE(&tdm_log_core, "core statistics %s: %s", owner, err);
			return -EINVAL;
		}
	return add(stat_tables, &nstat, owner, defs);
}

void tdm_rpc_clear_core_tables(void)
{
	pthread_rwlock_wrlock(&lock);
	nrpc = nstat = 0;
	pthread_rwlock_unlock(&lock);
}

struct walk {
	bool stats;
	tdm_rpc_each_fn *rfn;
	tdm_stats_each_fn *sfn;
	void *arg;
};

static int walk_defs(struct walk *w, const char *owner, const void *defs)
{
	int rc = 0;

	if (w->stats)
		for (const struct tdm_stat_def *d = defs; d && d->name && !rc; d++)
			rc = w->sfn(owner, d, w->arg);
	else
		for (const struct tdm_rpc_def *d = defs; d && d->name && !rc; d++)
			rc = w->rfn(owner, d, w->arg);
	return rc;
}

static int walk_module(struct tdm_mod *m, void *arg)
{
	struct walk *w = arg;

	return walk_defs(w, m->desc->name,
			 w->stats ? (const void *)m->desc->stats
				  : (const void *)m->desc->rpcs);
}

static int walk(struct walk *w)
{
	struct core_table *t = w->stats ? stat_tables : rpc_tables;
	unsigned n;
	int rc = 0;

	pthread_rwlock_rdlock(&lock);
	n = w->stats ? nstat : nrpc;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = walk_defs(w, t[i].owner, t[i].defs);
	pthread_rwlock_unlock(&lock);
	return rc ? rc : tdm_mod_foreach(walk_module, w);
}

int tdm_rpc_foreach(tdm_rpc_each_fn *fn, void *arg)
{
	return walk(&(struct walk){ .rfn = fn, .arg = arg });
}

int tdm_stats_foreach(tdm_stats_each_fn *fn, void *arg)
{
	return walk(&(struct walk){ .stats = true, .sfn = fn, .arg = arg });
}

struct find {
	const char *method;
	const struct tdm_rpc_def *def;
	const char *owner;
};

static int find_one(const char *owner, const struct tdm_rpc_def *d, void *arg)
{
	struct find *f = arg;

	if (strcmp(d->name, f->method))
		return 0;
	f->def = d;
	f->owner = owner;
	return 1;
}

const struct tdm_rpc_def *tdm_rpc_find(const char *method, const char **owner)
{
	struct find f = { .method = method };

	tdm_rpc_foreach(find_one, &f);
	if (owner)
		*owner = f.owner;
	return f.def;
}

bool tdm_rpc_enter(void)
{
	pthread_rwlock_rdlock(&use_lock);
	if (!closed)
		return true;
	pthread_rwlock_unlock(&use_lock);
	return false;
}

void tdm_rpc_leave(void)
{
	pthread_rwlock_unlock(&use_lock);
}

void tdm_rpc_close(bool close)
{
	pthread_rwlock_wrlock(&use_lock);
	closed = close;
	pthread_rwlock_unlock(&use_lock);
}
