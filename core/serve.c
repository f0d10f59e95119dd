/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd -f FILE: load the routing script (every error reported with
 * file:line:col, nothing opened before it compiles), resolve the
 * settings — defaults, then the script's settings block, then --listen
 * and --set —, load the database driver when a database is named, start
 * the modules and run the node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include <tandem/log.h>
#include "db/db_int.h"
#include "module/mod.h"
#include "net/conn_table.h"
#include "node/node.h"
#include "node/node_stats.h"
#include "rpc/builtin.h"
#include "rpc/registry.h"
#include "script/reload.h"
#include "serve.h"

/* The script's settings block on top of the defaults. */
static int apply_script(struct tdm_node_cfg *c, const struct tdm_scr_program *p)
{
	const struct tdm_scr_settings *st = &p->settings;

	for (unsigned id = 0; id < TDM_SETTING__COUNT; id++) {
		const struct tdm_value *v = &st->value[id];
		struct tdm_setting_val *o = &c->v[id];
		if (!st->given[id])
			continue;
		switch (tdm_settings[id].type) {
		case TDM_SET_INT:
			o->i = v->u.i;
			break;
		case TDM_SET_BOOL:
			o->i = v->u.b;
			break;
		case TDM_SET_STR:
			o->s = v->u.s;
			break;
		case TDM_SET_LIST: {
			struct tdm_str *l = tdm_calloc(v->u.list.count + 1, sizeof(*l));
			if (!l)
				return -1;
			for (unsigned i = 0; i < v->u.list.count; i++)
				l[i] = v->u.list.items[i].u.s;
			tdm_free((void *)o->list);
			o->list = l;
			o->count = v->u.list.count;
			break;
		}
		}
		o->set = true;
	}
	return 0;
}

/* --listen A --listen B: one list replacing the script's. The list
 * points into b, which the caller keeps as long as the configuration. */
static int apply_listens(struct tdm_node_cfg *c, char **listens, int n,
			 struct tdm_buf *b, char *err, size_t errlen)
{
	if (!n)
		return 0;
	tdm_buf_append_c(b, "listen=");
	for (int i = 0; i < n; i++) {
		if (strchr(listens[i], ',')) {
			snprintf(err, errlen, "--listen takes one address, not '%s'",
				 listens[i]);
			return -1;
		}
		tdm_buf_printf(b, "%s%s", i ? "," : "", listens[i]);
	}
	return b->err ? -1 : tdm_node_cfg_set(c, b->data, err, errlen);
}

/* The database driver module, loaded with the script's modules (before
 * they start) when the settings name a database: a driver with
 * parameters or hooks cannot be loaded later. */
static int db_driver(struct tdm_node_cfg *c, char *err, size_t errlen)
{
	const struct tdm_db_driver *d;

	if (!c->v[TDM_SETTING_DATABASE].set)
		return 0;
	return tdm_db_driver_find(tdm_cfg_cstr(c, TDM_SETTING_DATABASE), &d,
				  err, errlen);
}

int tdm_main_serve(const char *file, char **sets, int nsets, char **listens,
		   int nlistens)
{
	struct tdm_buf report = { 0 }, listen_text = { 0 };
	struct tdm_node_cfg cfg;
	struct tdm_scr_program *p;
	char err[512];
	int rc;

	if (getenv("JOURNAL_STREAM")) /* under systemd: journald's "<N>" levels */
		tdm_log_to_fd(2, TDM_LOG_TEXT, TDM_LOG_F_PRIO);
	rc = tdm_scr_reload(file, &report);
	if (report.len && rc)
		fprintf(stderr, "%.*s", (int)report.len, report.data);
	tdm_buf_free(&report);
	if (rc)
		return 1;
	p = tdm_scr_current();
	rc = tdm_node_cfg_defaults(&cfg) || apply_script(&cfg, p) ? 1 : 0;
	for (int i = 0; !rc && i < nsets; i++)
		if (tdm_node_cfg_set(&cfg, sets[i], err, sizeof(err))) {
			fprintf(stderr, "tandemd: --set %s: %s\n", sets[i], err);
			rc = 2;
		}
	if (!rc && apply_listens(&cfg, listens, nlistens, &listen_text, err,
				 sizeof(err))) {
		fprintf(stderr, "tandemd: %s\n", err);
		rc = 2;
	}
	if (!rc && db_driver(&cfg, err, sizeof(err))) {
		fprintf(stderr, "tandemd: %s\n", err);
		rc = 1;
	}
	if (!rc && tdm_node_log_setup(&cfg, false, err, sizeof(err))) {
		fprintf(stderr, "tandemd: %s\n", err);
		rc = 2;
	}
	if (!rc) {
		tdm_node_api_cfg(&cfg); /* tdm_node_setting() for start hooks */
		/* the core's commands and statistics exist before the admin
		 * API (a module) starts */
		tdm_node_rpc_register();
		tdm_node_stats_register();
		tdm_rpc_builtin_register();
	}
	if (!rc && tdm_mod_start_all(err, sizeof(err))) {
		fprintf(stderr, "%s: error: %s\n", file, err);
		rc = 1;
	}
	if (!rc && tdm_node_log_setup(&cfg, true, err, sizeof(err))) {
		fprintf(stderr, "tandemd: %s\n", err);
		rc = 2;
	}
	if (!rc)
		rc = tdm_node_run(&cfg, file, p);
	tdm_scr_program_unref(p);
	tdm_scr_current_clear();
	tdm_node_api_cfg(NULL);
	tdm_conn_closed_clear(); /* the listeners' modules go next */
	tdm_node_cfg_free(&cfg);
	tdm_buf_free(&listen_text);
	tdm_rpc_close(true); /* no command runs on a module being unloaded */
	tdm_mod_unload_all();
	tdm_rpc_clear_core_tables();
	tdm_rpc_close(false);
	tdm_log_to_fd(2, TDM_LOG_TEXT, 0);
	tdm_mod_path_clear();
	return rc;
}
