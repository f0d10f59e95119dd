/* SPDX-License-Identifier: GPL-2.0-or-later
 * Module parameters: defaults written at load, typed and range-checked
 * settings from the script, string copies owned until unload. The value
 * lands at `offset` in the module's config struct (nginx-style rows). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "mod.h"

const struct tdm_param_def *tdm_mod_param_find(const struct tdm_module *desc,
					       const struct tdm_str *name)
{
	for (const struct tdm_param_def *p = desc->params; p && p->name; p++)
		if (tdm_str_eq_c(name, p->name))
			return p;
	return NULL;
}

static int parse_int(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	s += neg;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (lim - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* "text" with \" \\ \n \t escapes into buf. */
static int unquote(const char *text, size_t len, char *buf, size_t bufsize,
		   struct tdm_str *out)
{
	size_t n = 0;

	for (size_t i = 1; i + 1 < len; i++) {
		char c = text[i];

		if (c == '\\') {
			if (i + 2 >= len)
				return -EINVAL;
			c = text[++i];
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			if (c != '\n' && c != '\t' && c != '"' && c != '\\')
				return -EINVAL;
		} else if (c == '"') {
			return -EINVAL;
		}
		if (n >= bufsize)
			return -EINVAL;
		buf[n++] = c;
	}
	*out = (struct tdm_str){ buf, n };
	return 0;
}

int tdm_mod_parse_literal(const char *text, enum tdm_type t,
			  struct tdm_value *out, char *buf, size_t bufsize)
{
	size_t len = strlen(text);

	out->type = t;
	switch (t) {
	case TDM_T_INT:
		return parse_int(text, &out->u.i);
	case TDM_T_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "false")) {
			out->u.b = text[0] == 't';
			return 0;
		}
		return -EINVAL;
	case TDM_T_STR:
		if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
			return unquote(text, len, buf, bufsize, &out->u.s);
		out->u.s = (struct tdm_str){ text, len };
		return 0;
	default:
		return -EINVAL;
	}
}

/* Writes v (already checked) into the config field of p. */
static int store(struct tdm_mod *m, const struct tdm_param_def *p,
		 const struct tdm_value *v)
{
	char *field = (char *)m->desc->config + p->offset;
	size_t idx = (size_t)(p - m->desc->params);
	char *copy;

	switch (p->type) {
	case TDM_T_INT:
		memcpy(field, &v->u.i, sizeof(int64_t));
		break;
	case TDM_T_BOOL:
		memcpy(field, &v->u.b, sizeof(bool));
		break;
	default:
		copy = tdm_strndup(v->u.s.len ? v->u.s.s : "", v->u.s.len);
		if (!copy)
			return -ENOMEM;
		tdm_free(m->strs[idx]);
		m->strs[idx] = copy;
		memcpy(field, &copy, sizeof(char *));
		break;
	}
	return 0;
}

/* Type and range checks shared by defaults and settings. `what` names the
 * value in messages ("registrar.default_expires"). */
static int check_value(const struct tdm_module *d,
		       const struct tdm_param_def *p, const struct tdm_value *v,
		       const char *where, char *err, size_t errlen)
{
	if (v->type != p->type)
		return tdm_mod_errf(-EINVAL, err, errlen, where,
				    "%s.%s: expected %s, got %s", d->name,
				    p->name, tdm_type_name(p->type),
				    tdm_type_name(v->type));
	if (p->type == TDM_T_INT && p->min <= p->max) {
		if (v->u.i < p->min)
			return tdm_mod_errf(-ERANGE, err, errlen, where,
					    "%s.%s: %" PRId64 " is below the minimum %" PRId64,
					    d->name, p->name, v->u.i, p->min);
		if (v->u.i > p->max)
			return tdm_mod_errf(-ERANGE, err, errlen, where,
					    "%s.%s: %" PRId64 " is above the maximum %" PRId64,
					    d->name, p->name, v->u.i, p->max);
	}
	if (p->type == TDM_T_STR && v->u.s.len &&
	    memchr(v->u.s.s, '\0', v->u.s.len))
		return tdm_mod_errf(-EINVAL, err, errlen, where,
				    "%s.%s: a string parameter cannot contain a NUL byte",
				    d->name, p->name);
	return 0;
}

/* Parses and stores the default of p; a bad default is the module's bug. */
static int apply_default(struct tdm_mod *m, const struct tdm_param_def *p,
			 char *err, size_t errlen)
{
	const char *name = m->desc->name;
	struct tdm_value v;
	char *buf;
	size_t len = strlen(p->def);
	int rc;

	buf = tdm_malloc(len + 1);
	if (!buf)
		return tdm_mod_errf(-ENOMEM, err, errlen, m->where,
				    "module \"%s\": out of memory", name);
	rc = tdm_mod_parse_literal(p->def, p->type, &v, buf, len + 1);
	if (rc) {
		tdm_mod_errf(-EINVAL, err, errlen, m->where,
			     "module \"%s\": default \"%s\" of parameter \"%s\" is not a valid %s",
			     name, p->def, p->name, tdm_type_name(p->type));
		goto out;
	}
	if (p->type == TDM_T_INT && p->min <= p->max &&
	    (v.u.i < p->min || v.u.i > p->max)) {
		rc = tdm_mod_errf(-EINVAL, err, errlen, m->where,
				  "module \"%s\": default %s of parameter \"%s\" is outside %" PRId64 "..%" PRId64,
				  name, p->def, p->name, p->min, p->max);
		goto out;
	}
	rc = store(m, p, &v);
	if (rc)
		tdm_mod_errf(rc, err, errlen, m->where,
			     "module \"%s\": out of memory", name);
out:
	tdm_free(buf);
	return rc;
}

int tdm_mod_params_init(struct tdm_mod *m, char *err, size_t errlen)
{
	const struct tdm_param_def *p;
	unsigned n = 0;
	int rc;

	for (p = m->desc->params; p && p->name; p++)
		n++;
	m->nparams = n;
	if (!n)
		return 0;
	m->strs = tdm_calloc(n, sizeof(*m->strs));
	m->set = tdm_calloc(n, sizeof(*m->set));
	if (!m->strs || !m->set)
		return tdm_mod_errf(-ENOMEM, err, errlen, m->where,
				    "module \"%s\": out of memory", m->desc->name);
	for (p = m->desc->params; p->name; p++) {
		if (!p->def)
			continue;
		rc = apply_default(m, p, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

int tdm_mod_set_param(struct tdm_mod *m, const struct tdm_str *name,
		      const struct tdm_value *v, const char *where, char *err,
		      size_t errlen)
{
	const struct tdm_module *d = m->desc;
	const struct tdm_param_def *p = tdm_mod_param_find(d, name);
	int rc;

	if (!p)
		return tdm_mod_errf(-ENOENT, err, errlen, where,
				    "%s has no parameter \"%.*s\"", d->name,
				    TDM_STR_FMT(name));
	if (tdm_mod_started())
		return tdm_mod_errf(-EBUSY, err, errlen, where,
				    "%s.%s: parameters cannot change after start",
				    d->name, p->name);
	rc = check_value(d, p, v, where, err, errlen);
	if (rc)
		return rc;
	rc = store(m, p, v);
	if (rc)
		return tdm_mod_errf(rc, err, errlen, where, "%s.%s: out of memory",
				    d->name, p->name);
	m->set[p - d->params] = true;
	return 0;
}

int tdm_mod_params_done(struct tdm_mod *m, char *err, size_t errlen)
{
	unsigned i;

	for (i = 0; i < m->nparams; i++) {
		const struct tdm_param_def *p = &m->desc->params[i];

		if (!p->def && !m->set[i])
			return tdm_mod_errf(-EINVAL, err, errlen, m->where,
					    "%s: required parameter \"%s\" is not set",
					    m->desc->name, p->name);
	}
	m->params_done = true;
	return 0;
}

void tdm_mod_params_free(struct tdm_mod *m)
{
	for (unsigned i = 0; m->strs && i < m->nparams; i++) {
		const struct tdm_param_def *p = &m->desc->params[i];
		char *none = NULL;

		if (!m->strs[i])
			continue;
		/* A static module's config outlives us: no dangling pointer. */
		memcpy((char *)m->desc->config + p->offset, &none, sizeof(none));
		tdm_free(m->strs[i]);
	}
	tdm_free(m->strs);
	tdm_free(m->set);
	m->strs = NULL;
	m->set = NULL;
	m->nparams = 0;
}
