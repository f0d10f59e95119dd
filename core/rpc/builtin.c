/* SPDX-License-Identifier: GPL-2.0-or-later
 * The commands every node has whatever it runs: the list of commands
 * (generated from the tables, so it is always complete), the loaded
 * modules, log levels per subsystem, statistics as JSON. The node's own
 * (core.status, core.reload, ...) are in core/node/node_rpc.c. */
#include <errno.h>
#include <string.h>
#include <tandem/log.h>
#include "module/mod.h"
#include "rpc/builtin.h"
#include "rpc/registry.h"
#include "rpc/stats_out.h"

static int list_one(const char *owner, const struct tdm_rpc_def *d, void *arg)
{
	struct tdm_rpc_val *e = tdm_rpc_add_object(arg, NULL);

	tdm_rpc_add_str(e, "name", d->name);
	tdm_rpc_add_str(e, "owner", owner);
	tdm_rpc_add_str(e, "params", d->params ? d->params : "");
	tdm_rpc_add_str(e, "doc", d->doc);
	return 0;
}

static int rpc_list(struct tdm_rpc *r)
{
	return tdm_rpc_foreach(list_one, tdm_rpc_result_array(r));
}

static int module_one(struct tdm_mod *m, void *arg)
{
	struct tdm_rpc_val *e = tdm_rpc_add_object(arg, NULL);

	tdm_rpc_add_str(e, "name", m->desc->name);
	tdm_rpc_add_str(e, "description", m->desc->description);
	tdm_rpc_add_str(e, "path", m->path);
	return 0;
}

static int module_list(struct tdm_rpc *r)
{
	return tdm_mod_foreach(module_one, tdm_rpc_result_array(r));
}

static void log_one(const char *name, int level, bool explicit_level, void *arg)
{
	struct tdm_rpc_val *e = tdm_rpc_add_object(arg, NULL);

	tdm_rpc_add_str(e, "name", name);
	tdm_rpc_add_str(e, "level", tdm_log_level_name(level));
	tdm_rpc_add_bool(e, "explicit", explicit_level);
}

static int log_list(struct tdm_rpc *r)
{
	struct tdm_rpc_val *o = tdm_rpc_result_object(r);

	tdm_rpc_add_str(o, "default", tdm_log_level_name(tdm_log_get_default_level()));
	tdm_log_foreach(log_one, tdm_rpc_add_array(o, "subsystems"));
	return 0;
}

static int log_set_level(struct tdm_rpc *r)
{
	const char *name = tdm_rpc_str(r, 0), *lname = tdm_rpc_str(r, 1);
	int level = tdm_log_level_parse(lname), prev;
	struct tdm_rpc_val *o;

	if (level < 0)
		return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
				    "Invalid params: level '%s' is not one of error, warn, notice, info, debug",
				    lname);
	if (!strcmp(name, "*")) {
		prev = tdm_log_get_default_level();
		tdm_log_set_default_level(level);
	} else if ((prev = tdm_log_get_level(name)) < 0 ||
		   tdm_log_set_level(name, level)) {
		return tdm_rpc_fail(r, TDM_RPC_NOT_FOUND,
				    "no log subsystem '%s' (log.list lists them)", name);
	}
	TDM_LOGN(&tdm_log_core, "log level of %s set to %s (was %s)", name,
		 tdm_log_level_name(level), tdm_log_level_name(prev));
	o = tdm_rpc_result_object(r);
	tdm_rpc_add_str(o, "subsystem", name);
	tdm_rpc_add_str(o, "level", tdm_log_level_name(level));
	tdm_rpc_add_str(o, "previous", tdm_log_level_name(prev));
	return 0;
}

static int core_stats(struct tdm_rpc *r)
{
	return tdm_stats_json(tdm_rpc_result_object(r), tdm_rpc_str(r, 0));
}

static const struct tdm_rpc_def builtin_rpcs[] = {
	{ "rpc.list", rpc_list, "", "Every command the node answers, with its parameters" },
	{ "module.list", module_list, "", "The loaded modules" },
	{ "log.list", log_list, "", "Log levels: the default and each subsystem's" },
	{ "log.set_level", log_set_level, "subsystem:str level:str",
	  "Sets a subsystem's log level at run time (* for the default)" },
	{ "core.stats", core_stats, "[prefix:str]",
	  "Statistics (those of /metrics) as JSON, optionally only names starting with prefix" },
	TDM_RPC_END
};

int tdm_rpc_builtin_register(void)
{
	int rc = tdm_rpc_add_core_table("core", builtin_rpcs);

	if (!rc)
		rc = tdm_rpc_add_core_table("db", tdm_rpc_db_table());
	return rc;
}
