/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl log level / log list: the log level of each subsystem of the
 * running node, read (log.list) and changed at run time (log.set_level),
 * without a restart or a reload. */
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

const char ctl_log_level_details[] =
	"With SUBSYSTEM and LEVEL, sets the node's log level of SUBSYSTEM\n"
	"(log.set_level) and prints `SUBSYSTEM: PREVIOUS -> LEVEL`; SUBSYSTEM\n"
	"`*` sets the default of every subsystem not set by name. LEVEL is\n"
	"error, warn, notice, info or debug. Without arguments, the same as\n"
	"`tandemctl log list`.\n"
	CTL_API_HELP;
const char ctl_log_list_details[] =
	"Prints the node's log levels (log.list): `*` and the default level\n"
	"first, then one `SUBSYSTEM LEVEL` line per subsystem. --json prints\n"
	"the result object as the node sent it.\n"
	CTL_API_HELP;

static const char *const levels[] = { "error", "warn", "notice", "info",
				      "debug" };

static int print_levels(json_t *r)
{
	json_t *subs = json_object_get(r, "subsystems"), *s;
	char b0[32], b1[32];
	int w = 9;
	size_t i;

	if (!json_is_object(r))
		return ctl_fail("log.list: the answer is not an object");
	json_array_foreach(subs, i, s) {
		const char *n = ctl_json_text(json_object_get(s, "name"), b0,
					      sizeof(b0));
		if ((int)strlen(n) > w)
			w = (int)strlen(n);
	}
	printf("%-*s  %s (default)\n", w, "*",
	       ctl_json_text(json_object_get(r, "default"), b0, sizeof(b0)));
	json_array_foreach(subs, i, s)
		printf("%-*s  %s\n", w,
		       ctl_json_text(json_object_get(s, "name"), b0, sizeof(b0)),
		       ctl_json_text(json_object_get(s, "level"), b1, sizeof(b1)));
	return fflush(stdout) ? CTL_FAIL : CTL_OK;
}

static int list(const struct ctl_apiopts *o)
{
	json_t *r;
	int rc = ctl_api_run(o, "log.list", NULL, &r);

	if (rc)
		return rc;
	rc = o->json ? ctl_api_print_json(r) : print_levels(r);
	json_decref(r);
	return rc;
}

int ctl_log_list(int argc, char **argv)
{
	struct ctl_apiopts o;
	int rc = ctl_api_args(argc, argv, "log list", true, &o, NULL, 0, 0);

	return rc ? rc : list(&o);
}

int ctl_log_level(int argc, char **argv)
{
	struct ctl_apiopts o;
	const char *pos[2];
	char b0[32], b1[32], b2[32];
	json_t *r, *params;
	bool known = false;
	int rc = ctl_api_args(argc, argv, "log level", true, &o, pos, 0, 2);

	if (rc)
		return rc;
	if (!pos[0])
		return list(&o);
	if (!pos[1]) {
		fprintf(stderr, "tandemctl log level: give SUBSYSTEM and LEVEL, "
			"or nothing to list the levels\n");
		return CTL_USAGE;
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(levels); i++)
		known |= !strcmp(pos[1], levels[i]);
	if (!known) {
		fprintf(stderr, "tandemctl log level: unknown level '%s' (error, "
			"warn, notice, info or debug)\n", pos[1]);
		return CTL_USAGE;
	}
	if (!(params = json_pack("[ss]", pos[0], pos[1])))
		return ctl_fail("out of memory");
	rc = ctl_api_run(&o, "log.set_level", params, &r);
	json_decref(params);
	if (rc)
		return rc;
	if (o.json)
		rc = ctl_api_print_json(r);
	else
		printf("%s: %s -> %s\n",
		       ctl_json_text(json_object_get(r, "subsystem"), b0, sizeof(b0)),
		       ctl_json_text(json_object_get(r, "previous"), b1, sizeof(b1)),
		       ctl_json_text(json_object_get(r, "level"), b2, sizeof(b2)));
	json_decref(r);
	return rc;
}
