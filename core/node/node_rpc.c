/* SPDX-License-Identifier: GPL-2.0-or-later
 * The node's commands: version, uptime, status, script reload and the
 * workers' transaction counts. They run on the admin API's threads and
 * hold the node's publication (tdm_node_api_acquire) while they look at
 * its workers, so the node cannot stop under them. */
#include <config.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <tandem/log.h>
#include <tandem/module.h>
#include "module/mod.h"
#include "node/node.h"
#include "node/worker.h"
#include "rpc/registry.h"
#include "script/diag.h"
#include "script/reload.h"

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* SCRIPT of docs/admin-api.md: the running program. */
static void script_info(struct tdm_rpc_val *o, const char *key, const char *path)
{
	struct tdm_rpc_val *s = tdm_rpc_add_object(o, key);
	char hash[65] = "", when[32];
	int64_t at = 0;
	uint64_t gen = 0;

	tdm_scr_current_version(hash, &at, &gen);
	tdm_rpc_add_str(s, "path", path);
	tdm_rpc_add_str(s, "sha256", hash);
	iso_time(at, when);
	tdm_rpc_add_str(s, "loaded_at", at ? when : NULL);
	tdm_rpc_add_int(s, "generation", (int64_t)gen);
}

static const char *state_name(enum tdm_node_state s)
{
	return s == TDM_NODE_RUNNING ? "running" :
	       s == TDM_NODE_STOPPING ? "stopping" : "starting";
}

/* Takes the node or answers -32002. */
static struct tdm_node *node_or_fail(struct tdm_rpc *r)
{
	struct tdm_node *n = tdm_node_api_acquire();

	if (!n)
		tdm_rpc_fail(r, TDM_RPC_UNAVAILABLE, "the node is %s",
			     state_name(tdm_node_state()));
	return n;
}

static void uptime(struct tdm_rpc_val *o)
{
	int64_t at = tdm_node_started_at();
	char when[32];

	iso_time(at, when);
	tdm_rpc_add_str(o, "started_at", at ? when : NULL);
	tdm_rpc_add_int(o, "uptime_seconds", at ? (int64_t)time(NULL) - at : 0);
}

static int core_version(struct tdm_rpc *r)
{
	struct tdm_rpc_val *o = tdm_rpc_result_object(r);
	struct tdm_node *n;

	tdm_rpc_add_str(o, "version", PACKAGE_VERSION);
	tdm_rpc_add_int(o, "abi", TDM_ABI_VERSION);
	n = tdm_node_api_acquire();
	script_info(o, "script", n ? n->script : NULL);
	if (n)
		tdm_node_api_release();
	return 0;
}

static int core_uptime(struct tdm_rpc *r)
{
	uptime(tdm_rpc_result_object(r));
	return 0;
}

struct counts {
	uint64_t active, server, client;
};

/* A worker's transactions (read from any thread). */
static void counts_of(struct tdm_worker *w, struct counts *c)
{
	c->active = atomic_load_explicit(&w->st.txn_active, memory_order_relaxed);
	c->server = atomic_load_explicit(&w->st.txn_server, memory_order_relaxed);
	c->client = atomic_load_explicit(&w->st.txn_client, memory_order_relaxed);
}

static void add_counts(struct counts *sum, const struct counts *c)
{
	sum->active += c->active;
	sum->server += c->server;
	sum->client += c->client;
}

/* Sums of the workers' transaction counts into o. */
static void txn_counts(struct tdm_rpc_val *o, const struct counts *c)
{
	tdm_rpc_add_int(o, "active", (int64_t)c->active);
	tdm_rpc_add_int(o, "server", (int64_t)c->server);
	tdm_rpc_add_int(o, "client", (int64_t)c->client);
}

static int module_name(struct tdm_mod *m, void *arg)
{
	tdm_rpc_add_str(arg, NULL, m->desc->name);
	return 0;
}

static int core_status(struct tdm_rpc *r)
{
	struct tdm_node *n = node_or_fail(r);
	struct counts sum = { 0 };
	struct tdm_rpc_val *o, *l;

	if (!n)
		return -EINVAL;
	o = tdm_rpc_result_object(r);
	tdm_rpc_add_str(o, "version", PACKAGE_VERSION);
	tdm_rpc_add_int(o, "pid", getpid());
	tdm_rpc_add_str(o, "state", state_name(tdm_node_state()));
	uptime(o);
	script_info(o, "script", n->script);
	tdm_rpc_add_int(o, "workers", n->nworkers);
	for (unsigned i = 0; i < n->nworkers; i++) {
		struct counts c;
		counts_of(n->workers[i], &c);
		add_counts(&sum, &c);
	}
	txn_counts(tdm_rpc_add_object(o, "transactions"), &sum);
	l = tdm_rpc_add_array(o, "listen");
	for (unsigned i = 0; i < n->nlisten; i++) {
		char a[TDM_ADDR_STRLEN], e[TDM_ADDR_STRLEN + 8];
		tdm_addr_format(&n->listens[i].addr, a, sizeof(a));
		snprintf(e, sizeof(e), "%s:%s", tdm_proto_name(n->listens[i].proto), a);
		tdm_rpc_add_str(l, NULL, e);
	}
	tdm_mod_foreach(module_name, tdm_rpc_add_array(o, "modules"));
	tdm_node_api_release();
	return 0;
}

static int core_workers(struct tdm_rpc *r)
{
	struct tdm_node *n = node_or_fail(r);
	struct counts sum = { 0 };
	struct tdm_rpc_val *o, *a;

	if (!n)
		return -EINVAL;
	o = tdm_rpc_result_object(r);
	a = tdm_rpc_add_array(o, "workers");
	for (unsigned i = 0; i < n->nworkers; i++) {
		struct counts c;
		struct tdm_rpc_val *w = tdm_rpc_add_object(a, NULL);
		counts_of(n->workers[i], &c);
		tdm_rpc_add_int(w, "index", i);
		tdm_rpc_add_int(w, "transactions_active", (int64_t)c.active);
		tdm_rpc_add_int(w, "server_transactions", (int64_t)c.server);
		tdm_rpc_add_int(w, "client_transactions", (int64_t)c.client);
		add_counts(&sum, &c);
	}
	a = tdm_rpc_add_object(o, "total");
	tdm_rpc_add_int(a, "transactions_active", (int64_t)sum.active);
	tdm_rpc_add_int(a, "server_transactions", (int64_t)sum.server);
	tdm_rpc_add_int(a, "client_transactions", (int64_t)sum.client);
	tdm_node_api_release();
	return 0;
}

/* DIAG entries of one severity into array a. */
static void diags(struct tdm_rpc_val *a, const struct tdm_scr_diag *d,
		  enum tdm_scr_sev sev)
{
	for (unsigned i = 0; i < d->nents; i++) {
		const struct tdm_scr_diag_entry *e = &d->ents[i];
		struct tdm_rpc_val *o;
		if (e->sev != sev)
			continue;
		o = tdm_rpc_add_object(a, NULL);
		tdm_rpc_add_str(o, "file", e->file);
		tdm_rpc_add_int(o, "line", e->line);
		tdm_rpc_add_int(o, "col", e->col);
		tdm_rpc_add_str(o, "message", e->msg);
	}
}

static int core_reload(struct tdm_rpc *r)
{
	struct tdm_node *n = node_or_fail(r);
	struct tdm_buf report = { 0 };
	struct tdm_scr_diag d;
	struct tdm_rpc_val *o;
	int rc;

	if (!n)
		return -EINVAL;
	tdm_scr_diag_init(&d);
	rc = tdm_node_reload(n, &d, &report);
	if (rc == -EBADMSG) {
		tdm_rpc_fail(r, TDM_RPC_FAILED, "%s does not compile (%u error%s); the running script stays",
			     n->script, d.errors, d.errors == 1 ? "" : "s");
		o = tdm_rpc_error_data(r);
		script_info(o, "running", n->script);
		diags(tdm_rpc_add_array(o, "errors"), &d, TDM_SCR_ERROR);
		tdm_rpc_add_strn(o, "report", report.data, report.len);
	} else if (!rc) {
		o = tdm_rpc_result_object(r);
		tdm_rpc_add_bool(o, "reloaded", true);
		script_info(o, "script", n->script);
		diags(tdm_rpc_add_array(o, "warnings"), &d, TDM_SCR_WARNING);
	}
	tdm_scr_diag_fini(&d);
	tdm_buf_free(&report);
	tdm_node_api_release();
	return rc == -EBADMSG ? -EINVAL : rc;
}

static const struct tdm_rpc_def node_rpcs[] = {
	{ "core.version", core_version, "", "Version, ABI and the running script" },
	{ "core.uptime", core_uptime, "", "When the node started and for how long it has run" },
	{ "core.status", core_status, "",
	  "State, version, uptime, script, workers, transactions, listen addresses, modules" },
	{ "core.reload", core_reload, "",
	  "Reloads the routing script atomically; a script that does not compile leaves the running one" },
	{ "core.workers", core_workers, "", "Transactions per worker" },
	TDM_RPC_END
};

void tdm_node_rpc_register(void)
{
	if (tdm_rpc_add_core_table("core", node_rpcs))
		TDM_LOGE(&tdm_log_core, "cannot register the core's RPCs");
}
