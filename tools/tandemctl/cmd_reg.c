/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl reg show / reg rm: the registrar's bindings on the running
 * node, through registrar.show and registrar.remove of its admin API (the
 * bindings live in the node's memory, not in the database tandemctl's
 * provisioning commands edit). */
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

const char ctl_reg_show_details[] =
	"Lists the registered bindings (registrar.show): every AOR, or only\n"
	"AOR (exit status 1 when it has no binding). Per AOR a line\n"
	"`AOR (N bindings)`, then one indented line per binding:\n"
	"  CONTACT expires=SECONDS q=Q received=PROTO:IP:PORT ua=\"USER AGENT\"\n"
	"(`-` for what the binding does not have). --json prints the result\n"
	"array as the node sent it (every field of the binding).\n"
	CTL_API_HELP;
const char ctl_reg_rm_details[] =
	"Removes bindings (registrar.remove): every binding of AOR, or only\n"
	"the one whose Contact URI is CONTACT. Prints how many were removed;\n"
	"exit status 1 when none matched.\n"
	CTL_API_HELP;

static void print_binding(json_t *b)
{
	char b0[32], b1[32], b2[32], b3[32];
	json_t *q = json_object_get(b, "q");
	const char *ua = json_string_value(json_object_get(b, "user_agent"));
	const char *qs = ctl_json_text(q, b2, sizeof(b2));

	if (json_is_real(q)) { /* 0.5, 1: as a phone writes it */
		snprintf(b2, sizeof(b2), "%g", json_real_value(q));
		qs = b2;
	}
	printf("  %s expires=%s q=%s received=%s ua=",
	       ctl_json_text(json_object_get(b, "contact"), b0, sizeof(b0)),
	       ctl_json_text(json_object_get(b, "expires"), b1, sizeof(b1)), qs,
	       ctl_json_text(json_object_get(b, "received"), b3, sizeof(b3)));
	if (!ua) {
		puts("-");
		return;
	}
	putchar('"');
	for (; *ua; ua++) {
		if (*ua == '"' || *ua == '\\')
			putchar('\\');
		putchar((unsigned char)*ua < 0x20 ? '?' : *ua);
	}
	puts("\"");
}

static int print_bindings(json_t *r)
{
	char buf[32];
	json_t *a, *b;
	size_t i, j;

	if (!json_is_array(r))
		return ctl_fail("registrar.show: the answer is not an array");
	if (!json_array_size(r))
		puts("no bindings");
	json_array_foreach(r, i, a) {
		json_t *contacts = json_object_get(a, "contacts");
		size_t n = json_array_size(contacts);

		printf("%s (%zu binding%s)\n",
		       ctl_json_text(json_object_get(a, "aor"), buf, sizeof(buf)),
		       n, n == 1 ? "" : "s");
		json_array_foreach(contacts, j, b)
			print_binding(b);
	}
	return fflush(stdout) ? CTL_FAIL : CTL_OK;
}

int ctl_reg_show(int argc, char **argv)
{
	struct ctl_apiopts o;
	const char *pos[1];
	json_t *r, *params = NULL;
	int rc = ctl_api_args(argc, argv, "reg show", true, &o, pos, 0, 1);

	if (rc)
		return rc;
	if (pos[0] && !(params = json_pack("[s]", pos[0])))
		return ctl_fail("out of memory");
	rc = ctl_api_run(&o, "registrar.show", params, &r);
	json_decref(params);
	if (rc)
		return rc;
	rc = o.json ? ctl_api_print_json(r) : print_bindings(r);
	json_decref(r);
	return rc;
}

int ctl_reg_rm(int argc, char **argv)
{
	struct ctl_apiopts o;
	const char *pos[2];
	json_t *r, *params;
	json_int_t n;
	int rc = ctl_api_args(argc, argv, "reg rm", true, &o, pos, 1, 2);

	if (rc)
		return rc;
	params = pos[1] ? json_pack("[ss]", pos[0], pos[1]) :
		json_pack("[s]", pos[0]);
	if (!params)
		return ctl_fail("out of memory");
	rc = ctl_api_run(&o, "registrar.remove", params, &r);
	json_decref(params);
	if (rc)
		return rc;
	if (o.json) {
		rc = ctl_api_print_json(r);
	} else {
		n = json_integer_value(json_object_get(r, "removed"));
		printf("removed %" JSON_INTEGER_FORMAT " binding%s of %s\n", n,
		       n == 1 ? "" : "s", pos[0]);
	}
	json_decref(r);
	return rc;
}
