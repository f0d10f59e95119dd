/* SPDX-License-Identifier: GPL-2.0-or-later
 * The log settings of a node: default level, per-subsystem levels,
 * text or JSON lines, stderr (journald's <N> prefixes when systemd
 * started us) or syslog. Applied once before the modules start (so their
 * load hooks log as configured) and once after (their subsystems exist
 * only then). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <tandem/log.h>
#include "node/node.h"

static const struct { const char *name; int value; } facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* A string setting, "" when empty. */
static const char *text(struct tdm_node_cfg *c, enum tdm_setting_id id)
{
	const char *s = tdm_cfg_cstr(c, id);

	return s ? s : "";
}

static int output(struct tdm_node_cfg *c, char *err, size_t errlen)
{
	const char *fmt = text(c, TDM_SETTING_LOG_FORMAT);
	const char *target = text(c, TDM_SETTING_LOG_TARGET);
	const char *fac = text(c, TDM_SETTING_LOG_FACILITY);
	enum tdm_log_format f;
	size_t fi;
	bool journald = getenv("JOURNAL_STREAM") != NULL;

	if (!strcmp(fmt, "text")) {
		f = TDM_LOG_TEXT;
	} else if (!strcmp(fmt, "json")) {
		f = TDM_LOG_JSON;
	} else {
		snprintf(err, errlen, "log_format '%s': expected text or json", fmt);
		return -EINVAL;
	}
	for (fi = 0; fi < TDM_ARRAY_SIZE(facilities); fi++)
		if (!strcmp(fac, facilities[fi].name))
			break;
	if (fi == TDM_ARRAY_SIZE(facilities)) { /* checked even when unused */
		snprintf(err, errlen, "log_facility '%s': expected daemon, user or local0..local7", fac);
		return -EINVAL;
	}
	if (!strcmp(target, "stderr")) {
		/* journald stamps lines itself; elsewhere JSON lines carry
		 * their time for log shippers */
		tdm_log_to_fd(2, f, journald ? TDM_LOG_F_PRIO :
				    f == TDM_LOG_JSON ? TDM_LOG_F_TIME : 0);
		return 0;
	}
	if (strcmp(target, "syslog")) {
		snprintf(err, errlen, "log_target '%s': expected stderr or syslog", target);
		return -EINVAL;
	}
	tdm_log_to_syslog("tandemd", facilities[fi].value, f);
	return 0;
}

/* SUBSYSTEM=LEVEL entries; unknown subsystems are errors only when
 * `final` (after the modules registered theirs). */
static int levels(struct tdm_node_cfg *c, bool final, char *err, size_t errlen)
{
	const struct tdm_setting_val *v = &c->v[TDM_SETTING_LOG_LEVELS];

	for (unsigned i = 0; i < v->count; i++) {
		char e[128], *eq;
		int lvl;

		snprintf(e, sizeof(e), "%.*s", (int)v->list[i].len, v->list[i].s);
		eq = strchr(e, '=');
		lvl = eq ? tdm_log_level_parse(eq + 1) : -EINVAL;
		if (!eq || eq == e || lvl < 0) {
			snprintf(err, errlen, "log_levels '%s': expected SUBSYSTEM=LEVEL "
				 "(error, warn, notice, info, debug)", e);
			return -EINVAL;
		}
		*eq = 0;
		if (tdm_log_set_level(e, lvl) && final) {
			snprintf(err, errlen, "log_levels: no log subsystem '%s'", e);
			return -ENOENT;
		}
	}
	return 0;
}

/* The core's subsystems that register nowhere else (each lives in its
 * own file; the node is the first to know them all), so that log_levels
 * and log.set_level find them by name. */
extern struct tdm_log_subsys tdm_log_node, tdm_log_worker, tdm_log_txn,
	tdm_log_rpc, tdm_log_proxy, tdm_log_db_sync;

static void register_core(void)
{
	struct tdm_log_subsys *all[] = {
		&tdm_log_node, &tdm_log_worker, &tdm_log_txn, &tdm_log_rpc,
		&tdm_log_proxy, &tdm_log_db_sync,
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(all); i++)
		(void)tdm_log_subsys_register(all[i]);
}

int tdm_node_log_setup(struct tdm_node_cfg *c, bool final, char *err,
		       size_t errlen)
{
	const char *def = text(c, TDM_SETTING_LOG_LEVEL);
	int lvl = tdm_log_level_parse(def), rc;

	if (lvl < 0) {
		snprintf(err, errlen, "log_level '%s': expected error, warn, notice, info or debug",
			 def);
		return -EINVAL;
	}
	if (!final) {
		register_core();
		tdm_log_set_default_level(lvl);
		if ((rc = output(c, err, errlen)))
			return rc;
	}
	return levels(c, final, err, errlen);
}
