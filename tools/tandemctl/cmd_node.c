/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl status / reload / stats: the running node as a whole, through
 * core.status, core.reload and core.stats of its admin API. Each prints
 * the answer for a person, or with --json the result as the node sent it
 * (docs/admin-api.md has its shape). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

const char ctl_status_details[] =
	"Asks the node (core.status) for its version, pid, state, start time\n"
	"and uptime, running script (path, sha256, generation), workers,\n"
	"transactions, listen addresses and modules, one `name: value` per\n"
	"line. --json prints the result object as the node sent it.\n"
	CTL_API_HELP;
const char ctl_reload_details[] =
	"Makes the node compile its routing script again and swap it in\n"
	"(core.reload). Success prints the new version (path, sha256,\n"
	"generation) and any warning on stderr. When the script does not\n"
	"compile, every error is printed on stderr as file:line:col: message,\n"
	"then which version keeps running, and the exit status is 1.\n"
	"--json prints the result, or the error object, as the node sent it.\n"
	CTL_API_HELP;
const char ctl_stats_details[] =
	"Prints the node's statistics (core.stats), those whose name starts\n"
	"with PREFIX only when given: one `name{label=\"value\",...} value` per\n"
	"line, sorted; a histogram gives name_count and name_sum. Names come\n"
	"without the tandem_ prefix of /metrics. --json prints the result\n"
	"object as the node sent it.\n"
	CTL_API_HELP;

/* ---- status ---------------------------------------------------------------- */

/* "3d 04:05:06" / "04:05:06" from seconds. */
static const char *uptime(json_t *v, char *buf, size_t n)
{
	long long s = json_is_integer(v) ? json_integer_value(v) :
		json_is_real(v) ? (long long)json_real_value(v) : -1;

	if (s < 0)
		return "-";
	if (s >= 86400)
		snprintf(buf, n, "%lldd %02lld:%02lld:%02lld", s / 86400,
			 s % 86400 / 3600, s % 3600 / 60, s % 60);
	else
		snprintf(buf, n, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60,
			 s % 60);
	return buf;
}

/* The strings of an array on one line, space-separated ("-" if none). */
static void print_list(const char *label, json_t *a)
{
	char buf[32];
	json_t *v;
	size_t i;

	printf("%-14s", label);
	if (!json_array_size(a))
		printf(" -");
	json_array_foreach(a, i, v)
		printf(" %s", ctl_json_text(v, buf, sizeof(buf)));
	putchar('\n');
}

/* The SCRIPT object of docs/admin-api.md in one phrase: "PATH (sha256
 * SHA, generation N, loaded AT)". */
static void print_script(FILE *f, json_t *s)
{
	char b1[32], b2[32], b3[32], b4[32];

	fprintf(f, "%s (sha256 %s, generation %s, loaded %s)",
		ctl_json_text(json_object_get(s, "path"), b1, sizeof(b1)),
		ctl_json_text(json_object_get(s, "sha256"), b2, sizeof(b2)),
		ctl_json_text(json_object_get(s, "generation"), b3, sizeof(b3)),
		ctl_json_text(json_object_get(s, "loaded_at"), b4, sizeof(b4)));
}

static void print_status(json_t *r)
{
	json_t *t = json_object_get(r, "transactions");
	json_t *s = json_object_get(r, "script");
	char b1[32], b2[32], b3[32];

#define FIELD(label, key) \
	printf("%-15s%s\n", label, \
	       ctl_json_text(json_object_get(r, key), b1, sizeof(b1)))
	FIELD("version:", "version");
	FIELD("pid:", "pid");
	FIELD("state:", "state");
	printf("%-15s%s (up %s)\n", "started:",
	       ctl_json_text(json_object_get(r, "started_at"), b1, sizeof(b1)),
	       uptime(json_object_get(r, "uptime_seconds"), b2, sizeof(b2)));
	printf("%-15s%s\n", "script:",
	       ctl_json_text(json_object_get(s, "path"), b1, sizeof(b1)));
	printf("%-15s%s\n", "script sha256:",
	       ctl_json_text(json_object_get(s, "sha256"), b1, sizeof(b1)));
	printf("%-15s%s (generation %s)\n", "script loaded:",
	       ctl_json_text(json_object_get(s, "loaded_at"), b1, sizeof(b1)),
	       ctl_json_text(json_object_get(s, "generation"), b2, sizeof(b2)));
	FIELD("workers:", "workers");
	printf("%-15s%s active (%s server, %s client)\n", "transactions:",
	       ctl_json_text(json_object_get(t, "active"), b1, sizeof(b1)),
	       ctl_json_text(json_object_get(t, "server"), b2, sizeof(b2)),
	       ctl_json_text(json_object_get(t, "client"), b3, sizeof(b3)));
#undef FIELD
	print_list("listen:", json_object_get(r, "listen"));
	print_list("modules:", json_object_get(r, "modules"));
}

int ctl_status(int argc, char **argv)
{
	struct ctl_apiopts o;
	json_t *r;
	int rc = ctl_api_args(argc, argv, "status", true, &o, NULL, 0, 0);

	if (rc || (rc = ctl_api_run(&o, "core.status", NULL, &r)))
		return rc;
	if (o.json)
		rc = ctl_api_print_json(r);
	else if (!json_is_object(r))
		rc = ctl_fail("core.status: the answer is not an object");
	else
		print_status(r);
	json_decref(r);
	return rc;
}

/* ---- reload ---------------------------------------------------------------- */

/* Prints the DIAG objects of a list: "file:line:col: [kind: ]message". */
static unsigned print_diags(json_t *list, const char *kind)
{
	char b0[32], b1[32], b2[32], b3[32];
	json_t *d;
	size_t i;

	json_array_foreach(list, i, d)
		fprintf(stderr, "%s:%s:%s: %s%s\n",
			ctl_json_text(json_object_get(d, "file"), b0, sizeof(b0)),
			ctl_json_text(json_object_get(d, "line"), b1, sizeof(b1)),
			ctl_json_text(json_object_get(d, "col"), b2, sizeof(b2)),
			kind,
			ctl_json_text(json_object_get(d, "message"), b3, sizeof(b3)));
	return (unsigned)json_array_size(list);
}

/* A reload the node refused: every compile error, then what keeps
 * running. */
static int reload_failed(json_t *error, bool json)
{
	json_t *data = json_object_get(error, "data");
	json_t *errors = json_object_get(data, "errors");
	json_t *running = json_object_get(data, "running");
	const char *report = json_string_value(json_object_get(data, "report"));
	unsigned n;

	if (!json_is_object(data) || json_integer_value(
		    json_object_get(error, "code")) != -32000)
		return ctl_api_rpc_fail("core.reload", error, json);
	if (json)
		ctl_api_print_json(error);
	n = print_diags(errors, "");
	if (!n && report && *report) /* no list: the node's own report */
		fprintf(stderr, "%s%s", report,
			report[strlen(report) - 1] == '\n' ? "" : "\n");
	fprintf(stderr, "tandemctl: reload failed");
	if (n)
		fprintf(stderr, " (%u error%s)", n, n == 1 ? "" : "s");
	if (json_is_object(running)) {
		fprintf(stderr, "; the running script stays: ");
		print_script(stderr, running);
	} else {
		fprintf(stderr, "; the running script stays");
	}
	fputc('\n', stderr);
	return CTL_FAIL;
}

int ctl_reload(int argc, char **argv)
{
	struct ctl_apiopts o;
	struct ctl_api api;
	json_t *r = NULL, *error = NULL;
	int rc = ctl_api_args(argc, argv, "reload", true, &o, NULL, 0, 0);

	if (rc)
		return rc;
	rc = ctl_api_open(&o, &api);
	if (!rc)
		rc = ctl_api_call(&api, "core.reload", NULL, &r, &error);
	ctl_api_close(&api);
	if (rc == CTL_API_RPC_ERROR) {
		rc = reload_failed(error, o.json);
		json_decref(error);
		return rc;
	}
	if (rc)
		return rc;
	print_diags(json_object_get(r, "warnings"), "warning: ");
	if (o.json) {
		rc = ctl_api_print_json(r);
	} else {
		printf("reloaded: ");
		print_script(stdout, json_object_get(r, "script"));
		putchar('\n');
	}
	json_decref(r);
	return rc;
}

/* ---- stats ----------------------------------------------------------------- */

/* Appends `name{labels}suffix value` to lines (one tdm_malloc'd string). */
static int add_line(char ***lines, size_t *n, const char *name,
		    const char *labels, const char *suffix, json_t *v)
{
	char buf[48], **nl;
	struct tdm_buf b = TDM_BUF_INIT;

	if (json_is_real(v) && json_real_value(v) == (double)(long long)
	    json_real_value(v))
		snprintf(buf, sizeof(buf), "%lld", (long long)json_real_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof(buf), "%.9g", json_real_value(v));
	else
		ctl_json_text(v, buf, sizeof(buf));
	tdm_buf_printf(&b, "%s%s%s %s", name, suffix, labels,
		       json_is_number(v) || json_is_boolean(v) ? buf : "NaN");
	nl = tdm_realloc(*lines, (*n + 1) * sizeof(**lines));
	if (b.err || !nl) {
		tdm_buf_free(&b);
		if (nl)
			*lines = nl;
		return -1;
	}
	*lines = nl;
	nl[(*n)++] = b.data;
	return 0;
}

/* One value: a number, or a histogram {count, sum}. */
static int add_value(char ***lines, size_t *n, const char *name,
		     const char *labels, json_t *v)
{
	if (json_is_object(v))
		return add_line(lines, n, name, labels, "_count",
				json_object_get(v, "count")) ||
			add_line(lines, n, name, labels, "_sum",
				 json_object_get(v, "sum"));
	return add_line(lines, n, name, labels, "", v);
}

/* {k="v",...} of a labels object (values escaped as in Prometheus). */
static void labels_text(json_t *labels, struct tdm_buf *b)
{
	const char *k;
	json_t *v;
	bool first = true;
	char buf[32];

	tdm_buf_reset(b);
	if (!json_object_size(labels))
		return;
	tdm_buf_append_ch(b, '{');
	json_object_foreach(labels, k, v) {
		tdm_buf_printf(b, "%s%s=\"", first ? "" : ",", k);
		for (const char *s = ctl_json_text(v, buf, sizeof(buf)); *s; s++) {
			if (*s == '\\' || *s == '"')
				tdm_buf_append_ch(b, '\\');
			if (*s == '\n')
				tdm_buf_append_c(b, "\\n");
			else
				tdm_buf_append_ch(b, *s);
		}
		tdm_buf_append_ch(b, '"');
		first = false;
	}
	tdm_buf_append_ch(b, '}');
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int print_stats(json_t *r)
{
	struct tdm_buf lb = TDM_BUF_INIT;
	char **lines = NULL;
	size_t n = 0, i;
	const char *name;
	json_t *v, *e;
	int rc = 0;

	json_object_foreach(r, name, v) {
		if (!json_is_array(v)) {
			rc |= add_value(&lines, &n, name, "", v);
			continue;
		}
		json_array_foreach(v, i, e) {
			labels_text(json_object_get(e, "labels"), &lb);
			rc |= add_value(&lines, &n, name, lb.data ? lb.data : "",
					json_object_get(e, "value"));
		}
	}
	tdm_buf_free(&lb);
	if (!rc)
		qsort(lines, n, sizeof(*lines), cmp_lines);
	for (i = 0; i < n; i++) {
		if (!rc)
			puts(lines[i]);
		tdm_free(lines[i]);
	}
	tdm_free(lines);
	if (rc)
		return ctl_fail("out of memory");
	return fflush(stdout) ? CTL_FAIL : CTL_OK;
}

int ctl_stats(int argc, char **argv)
{
	struct ctl_apiopts o;
	const char *pos[1];
	json_t *r, *params = NULL;
	int rc = ctl_api_args(argc, argv, "stats", true, &o, pos, 0, 1);

	if (rc)
		return rc;
	if (pos[0] && !(params = json_pack("[s]", pos[0])))
		return ctl_fail("out of memory");
	rc = ctl_api_run(&o, "core.stats", params, &r);
	json_decref(params);
	if (rc)
		return rc;
	if (o.json)
		rc = ctl_api_print_json(r);
	else if (!json_is_object(r))
		rc = ctl_fail("core.stats: the answer is not an object");
	else
		rc = print_stats(r);
	json_decref(r);
	return rc;
}
