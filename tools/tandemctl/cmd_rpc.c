/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl rpc METHOD [JSON_PARAMS]: any command of the admin API, for
 * what has no command of its own (rpc.list shows them all, generated from
 * the core's and the modules' tables). */
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

const char ctl_rpc_details[] =
	"Calls METHOD of the node's admin API (`tandemctl rpc rpc.list` lists\n"
	"them) and prints its result as pretty JSON. JSON_PARAMS, when given,\n"
	"is a JSON array (parameters by position) or object (by name), e.g.\n"
	"  tandemctl rpc registrar.show '[\"alice@example.com\"]'\n"
	"  tandemctl rpc log.set_level '{\"subsystem\":\"sip\",\"level\":\"debug\"}'\n"
	"JSON_PARAMS that is not valid JSON, or not an array or object, is a\n"
	"command line error (exit status 2). An error answer prints\n"
	"`tandemctl: METHOD: MESSAGE` (with --json also the error object on\n"
	"stdout) and exits 1.\n"
	CTL_API_HELP;

int ctl_rpc(int argc, char **argv)
{
	struct ctl_apiopts o;
	const char *pos[2];
	json_t *r, *params = NULL;
	json_error_t je;
	int rc = ctl_api_args(argc, argv, "rpc", true, &o, pos, 1, 2);

	if (rc)
		return rc;
	if (!*pos[0]) {
		fprintf(stderr, "tandemctl rpc: METHOD is empty\n");
		return CTL_USAGE;
	}
	if (pos[1]) {
		params = json_loads(pos[1], JSON_DECODE_ANY, &je);
		if (!params) {
			fprintf(stderr, "tandemctl rpc: JSON_PARAMS is not valid "
				"JSON: %s (at character %d)\n", je.text, je.position);
			return CTL_USAGE;
		}
		if (!json_is_array(params) && !json_is_object(params)) {
			fprintf(stderr, "tandemctl rpc: JSON_PARAMS must be a JSON "
				"array or object, not '%s'\n", pos[1]);
			json_decref(params);
			return CTL_USAGE;
		}
	}
	rc = ctl_api_run(&o, pos[0], params, &r);
	json_decref(params);
	if (rc)
		return rc;
	rc = ctl_api_print_json(r);
	json_decref(r);
	return rc;
}
