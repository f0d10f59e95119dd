/* SPDX-License-Identifier: GPL-2.0-or-later
 * The settings table and the parsing of `--set key=value`: one place that
 * knows every setting's type, range and default, so the script checker,
 * the command line and the documentation cannot disagree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include "conf/settings.h"

const struct tdm_setting_def tdm_settings[TDM_SETTING__COUNT] = {
#define TDM_SETTING(id, name, type, min, max, def, help) \
	[TDM_SETTING_##id] = { name, type, min, max, def, help },
#include "conf/settings.def"
#undef TDM_SETTING
};

const struct tdm_setting_def *tdm_setting_find(const struct tdm_str *name,
					       enum tdm_setting_id *id)
{
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++)
		if (tdm_str_eq_c(name, tdm_settings[i].name)) {
			if (id)
				*id = (enum tdm_setting_id)i;
			return &tdm_settings[i];
		}
	return NULL;
}

static int parse_int(const struct tdm_setting_def *d, const char *t,
		     struct tdm_setting_val *v, char *err, size_t errlen)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(t, &end, 10);
	if (!*t || *end || errno || n < d->min || n > d->max) {
		snprintf(err, errlen, "%s must be an integer from %lld to %lld, "
			 "not '%s'", d->name, (long long)d->min,
			 (long long)d->max, t);
		return -EINVAL;
	}
	v->i = n;
	return 0;
}

static int parse_bool(const struct tdm_setting_def *d, const char *t,
		      struct tdm_setting_val *v, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(t, yes[i]) || !strcmp(t, no[i])) {
			v->i = !strcmp(t, yes[i]);
			return 0;
		}
	}
	snprintf(err, errlen, "%s must be yes or no, not '%s'", d->name, t);
	return -EINVAL;
}

/* Splits "a,b,c" into a list of slices of t (empty items skipped). */
static int parse_list(const char *t, struct tdm_setting_val *v)
{
	unsigned n = 0, cap = 1;
	struct tdm_str *l;

	for (const char *p = t; *p; p++)
		cap += *p == ',';
	l = tdm_calloc(cap, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (const char *p = t; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len)
			l[n++] = (struct tdm_str){ p, len };
		p += len + (e != NULL);
	}
	v->list = l;
	v->count = n;
	return 0;
}

int tdm_setting_parse(enum tdm_setting_id id, const char *text,
		      struct tdm_setting_val *v, char *err, size_t errlen)
{
	const struct tdm_setting_def *d = &tdm_settings[id];

	switch (d->type) {
	case TDM_SET_INT:
		return parse_int(d, text, v, err, errlen);
	case TDM_SET_BOOL:
		return parse_bool(d, text, v, err, errlen);
	case TDM_SET_STR:
		v->s = tdm_str_c(text);
		return 0;
	case TDM_SET_LIST:
		return parse_list(text, v);
	}
	return -EINVAL;
}

/* Lists parsed from text own their arrays; remember which to free. */
static void free_list(struct tdm_setting_val *v)
{
	tdm_free((void *)v->list);
	v->list = NULL;
	v->count = 0;
}

int tdm_node_cfg_defaults(struct tdm_node_cfg *c)
{
	char err[160];

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++) {
		int rc = tdm_setting_parse((enum tdm_setting_id)i,
					   tdm_settings[i].def, &c->v[i], err,
					   sizeof(err));
		if (rc) {
			tdm_node_cfg_free(c);
			return rc;
		}
	}
	return 0;
}

int tdm_node_cfg_set(struct tdm_node_cfg *c, const char *kv, char *err,
		     size_t errlen)
{
	const char *eq = strchr(kv, '=');
	enum tdm_setting_id id;
	struct tdm_setting_val v = { .set = true };
	int rc;

	if (!eq || eq == kv) {
		snprintf(err, errlen, "--set needs KEY=VALUE, not '%s'", kv);
		return -EINVAL;
	}
	if (!tdm_setting_find(&(struct tdm_str){ kv, (size_t)(eq - kv) }, &id)) {
		snprintf(err, errlen, "unknown setting '%.*s' (see docs/settings.md)",
			 (int)(eq - kv), kv);
		return -EINVAL;
	}
	rc = tdm_setting_parse(id, eq + 1, &v, err, errlen);
	if (rc)
		return rc;
	if (tdm_settings[id].type == TDM_SET_LIST)
		free_list(&c->v[id]);
	tdm_free(c->v[id].cstr);
	c->v[id] = v;
	return 0;
}

void tdm_node_cfg_free(struct tdm_node_cfg *c)
{
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++) {
		if (tdm_settings[i].type == TDM_SET_LIST && c->v[i].list)
			free_list(&c->v[i]);
		tdm_free(c->v[i].cstr);
		c->v[i].cstr = NULL;
	}
}

/* Strings are slices; callers that need a C string (file names for
 * OpenSSL) get a copy owned by the configuration. */
const char *tdm_cfg_cstr(struct tdm_node_cfg *c, enum tdm_setting_id id)
{
	struct tdm_setting_val *v = &c->v[id];
	char *s;

	if (!v->s.len)
		return NULL;
	if (v->cstr)
		return v->cstr;
	s = tdm_malloc(v->s.len + 1);
	if (!s)
		return NULL;
	memcpy(s, v->s.s, v->s.len);
	s[v->s.len] = 0;
	v->cstr = s;
	return s;
}

static const char *type_name(enum tdm_setting_type t)
{
	static const char *const names[] = { "int", "bool", "str", "list of str" };

	return names[t];
}

void tdm_settings_markdown(FILE *f)
{
	fputs("| setting | type | default | meaning |\n"
	      "| --- | --- | --- | --- |\n", f);
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++) {
		const struct tdm_setting_def *d = &tdm_settings[i];
		fprintf(f, "| `%s` | %s", d->name, type_name(d->type));
		if (d->type == TDM_SET_INT)
			fprintf(f, " (%lld..%lld)", (long long)d->min, (long long)d->max);
		fprintf(f, " | %s%s%s | %s |\n", *d->def ? "`" : "",
			*d->def ? d->def : "(none)", *d->def ? "`" : "", d->help);
	}
}
