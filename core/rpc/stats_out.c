/* SPDX-License-Identifier: GPL-2.0-or-later
 * Reading the statistics: the Prometheus text exposition format 0.0.4
 * for GET /metrics (# HELP and # TYPE before each family, no
 * timestamps) and a JSON object for the core.stats RPC. Both walk the
 * same tables (registry.c) with the same sample calls, so /metrics and
 * core.stats cannot disagree. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rpc/registry.h"
#include "rpc/rpc_impl.h"
#include "rpc/stats_out.h"

struct tdm_stat_out {
	const struct tdm_stat_def *def;
	struct tdm_buf *text;  /* Prometheus, or NULL */
	json_t *json;          /* core.stats: the object being filled */
	int err;
};

#define MAX_LABELS 8

/* True for a whole number that a double holds exactly (|v| < 2^53). */
static bool integral(double v)
{
	return v > -9007199254740992.0 && v < 9007199254740992.0 &&
	       (double)(long long)v == v;
}

static const char *type_name(enum tdm_stat_kind k)
{
	return k == TDM_STAT_COUNTER ? "counter" :
	       k == TDM_STAT_GAUGE ? "gauge" : "histogram";
}

static void put_integer(struct tdm_buf *b, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	tdm_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* The shortest of %.15g / %.17g that reads back as v (0.118, not
 * 0.11799999999999999). */
static void put_double(struct tdm_buf *b, double v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	tdm_buf_append_c(b, tmp);
}

/* A sample value: integers exactly, others with full precision. */
static void put_value(struct tdm_buf *b, double v)
{
	if (isnan(v))
		tdm_buf_append_c(b, "NaN");
	else if (isinf(v))
		tdm_buf_append_c(b, v > 0 ? "+Inf" : "-Inf");
	else if (integral(v))
		put_integer(b, (long long)v);
	else
		put_double(b, v);
}

/* Label value escaping of the text format: \\ \" \n. */
static void put_label_value(struct tdm_buf *b, const char *v)
{
	size_t n = strcspn(v, "\\\"\n");

	if (!v[n]) { /* the usual case: nothing to escape */
		tdm_buf_append(b, v, n);
		return;
	}
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			tdm_buf_append_ch(b, '\\');
		if (*v == '\n')
			tdm_buf_append_c(b, "\\n");
		else
			tdm_buf_append_ch(b, *v);
	}
}

static void put_help(struct tdm_buf *b, const char *help)
{
	for (; *help; help++) {
		if (*help == '\\')
			tdm_buf_append_c(b, "\\\\");
		else
			tdm_buf_append_ch(b, *help);
	}
}

/* name{l1="v1",...,extra} with `suffix` after the name. Plain appends:
 * a scrape writes thousands of these. */
static void put_series(struct tdm_buf *b, const char *name, const char *suffix,
		       const char *const *labels, unsigned nl, const char *le)
{
	tdm_buf_append_c(b, "tandem_");
	tdm_buf_append_c(b, name);
	tdm_buf_append_c(b, suffix);
	if (!nl && !le)
		return;
	tdm_buf_append_ch(b, '{');
	for (unsigned i = 0; i < nl; i++) {
		if (i)
			tdm_buf_append_ch(b, ',');
		tdm_buf_append_c(b, labels[2 * i]);
		tdm_buf_append(b, "=\"", 2);
		put_label_value(b, labels[2 * i + 1]);
		tdm_buf_append_ch(b, '"');
	}
	if (le) {
		if (nl)
			tdm_buf_append_ch(b, ',');
		tdm_buf_append(b, "le=\"", 4);
		tdm_buf_append_c(b, le);
		tdm_buf_append_ch(b, '"');
	}
	tdm_buf_append_ch(b, '}');
}

/* Collects the NULL-terminated name, value pairs after the fixed
 * arguments. Returns the number of pairs, -1 when malformed. */
static int collect(va_list ap, const char **labels)
{
	int n = 0;
	const char *k;

	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		if (!v || n == MAX_LABELS)
			return -1;
		labels[2 * n] = k;
		labels[2 * n + 1] = v;
		n++;
	}
	return n;
}

/* The JSON slot for one more sample: the statistic's array of labelled
 * samples (created on first use), with the labels object filled. */
static json_t *json_labelled(struct tdm_stat_out *o, const char **labels,
			     int nl)
{
	json_t *arr = json_object_get(o->json, o->def->name), *s, *l;

	if (!arr) {
		if (!(arr = json_array()) ||
		    json_object_set_new(o->json, o->def->name, arr))
			return NULL;
	}
	if (!json_is_array(arr) || !(s = json_object()) ||
	    json_array_append_new(arr, s) || !(l = json_object()) ||
	    json_object_set_new(s, "labels", l))
		return NULL;
	for (int i = 0; i < nl; i++)
		if (json_object_set_new(l, labels[2 * i],
					tdm_rpc_json_string(labels[2 * i + 1],
							    strlen(labels[2 * i + 1]))))
			return NULL;
	return s;
}

static json_t *json_number(double v)
{
	if (integral(v))
		return json_integer((json_int_t)v);
	return isfinite(v) ? json_real(v) : json_null();
}

void tdm_stat_sample(struct tdm_stat_out *o, double value, ...)
{
	const char *labels[2 * MAX_LABELS];
	va_list ap;
	int nl;

	va_start(ap, value);
	nl = collect(ap, labels);
	va_end(ap);
	if (nl < 0) {
		o->err = -EINVAL;
		return;
	}
	if (o->text) {
		put_series(o->text, o->def->name, "", labels, (unsigned)nl, NULL);
		tdm_buf_append_ch(o->text, ' ');
		put_value(o->text, value);
		tdm_buf_append_ch(o->text, '\n');
		return;
	}
	if (!nl) {
		if (json_object_set_new(o->json, o->def->name, json_number(value)))
			o->err = -ENOMEM;
		return;
	}
	json_t *s = json_labelled(o, labels, nl);
	if (!s || json_object_set_new(s, "value", json_number(value)))
		o->err = -ENOMEM;
}

void tdm_stat_histogram(struct tdm_stat_out *o, const double *bounds,
			const uint64_t *counts, unsigned n, double sum, ...)
{
	const char *labels[2 * MAX_LABELS];
	uint64_t cum = 0;
	va_list ap;
	int nl;

	va_start(ap, sum);
	nl = collect(ap, labels);
	va_end(ap);
	if (nl < 0) {
		o->err = -EINVAL;
		return;
	}
	for (unsigned i = 0; i <= n; i++)
		cum += counts[i];
	if (!o->text) {
		json_t *s = nl ? json_labelled(o, labels, nl) : json_object();
		if (!s || json_object_set_new(s, "count", json_integer((json_int_t)cum)) ||
		    json_object_set_new(s, "sum", json_number(sum)) ||
		    (!nl && json_object_set_new(o->json, o->def->name, s)))
			o->err = -ENOMEM;
		return;
	}
	cum = 0;
	for (unsigned i = 0; i <= n; i++) {
		char le[32];
		cum += counts[i];
		if (i < n)
			snprintf(le, sizeof(le), "%g", bounds[i]);
		else
			strcpy(le, "+Inf");
		put_series(o->text, o->def->name, "_bucket", labels, (unsigned)nl, le);
		tdm_buf_printf(o->text, " %llu\n", (unsigned long long)cum);
	}
	put_series(o->text, o->def->name, "_sum", labels, (unsigned)nl, NULL);
	tdm_buf_append_ch(o->text, ' ');
	put_value(o->text, sum);
	tdm_buf_append_ch(o->text, '\n');
	put_series(o->text, o->def->name, "_count", labels, (unsigned)nl, NULL);
	tdm_buf_printf(o->text, " %llu\n", (unsigned long long)cum);
}

static void read_one(struct tdm_stat_out *o)
{
	if (o->def->value)
		tdm_stat_sample(o, (double)atomic_load_explicit(o->def->value,
							       memory_order_relaxed),
				NULL);
	else
		o->def->read(o);
}

static int text_one(const char *owner, const struct tdm_stat_def *d, void *arg)
{
	struct tdm_stat_out *o = arg;

	(void)owner;
	o->def = d;
	tdm_buf_printf(o->text, "# HELP tandem_%s ", d->name);
	put_help(o->text, d->help);
	tdm_buf_printf(o->text, "\n# TYPE tandem_%s %s\n", d->name, type_name(d->kind));
	read_one(o);
	return o->text->err ? -ENOMEM : 0;
}

int tdm_stats_prometheus(struct tdm_buf *out)
{
	struct tdm_stat_out o = { .text = out };
	int rc;

	if (!tdm_rpc_enter())
		return -ESHUTDOWN;
	rc = tdm_stats_foreach(text_one, &o);
	tdm_rpc_leave();
	return rc ? rc : out->err ? -ENOMEM : 0;
}

struct json_walk {
	struct tdm_stat_out o;
	const char *prefix;
};

static int json_one(const char *owner, const struct tdm_stat_def *d, void *arg)
{
	struct json_walk *w = arg;

	(void)owner;
	if (w->prefix && strncmp(d->name, w->prefix, strlen(w->prefix)))
		return 0;
	w->o.def = d;
	read_one(&w->o);
	return w->o.err == -ENOMEM ? -ENOMEM : 0;
}

int tdm_stats_json(struct tdm_rpc_val *obj, const char *prefix)
{
	struct json_walk w = { .o = { .json = RPC_JSON(obj) }, .prefix = prefix };

	if (!obj)
		return -ENOMEM;
	return tdm_stats_foreach(json_one, &w);
}
