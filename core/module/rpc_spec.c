/* SPDX-License-Identifier: GPL-2.0-or-later
 * The rules for RPC and statistic definitions, shared by the module
 * validator and the core's own tables: RPC names and their params
 * strings ("aor:str [contact:str]"), statistic names and kinds. Kept in
 * one place so a core table and a module's cannot follow different
 * rules, and so the dispatcher parses params exactly as they were
 * checked. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "module/mod.h"

static const char *const ptype_names[] = {
	[TDM_RPC_P_STR] = "str", [TDM_RPC_P_INT] = "int",
	[TDM_RPC_P_BOOL] = "bool", [TDM_RPC_P_ANY] = "any",
};

const char *tdm_mod_rpc_ptype_name(enum tdm_rpc_ptype t)
{
	return (unsigned)t < TDM_ARRAY_SIZE(ptype_names) ? ptype_names[t] : "?";
}

static bool lower_ident(const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return false;
	return true;
}

/* One "name:type" of length n into p. */
static int param_one(const char *s, size_t n, struct tdm_rpc_param *p,
		     char *err, size_t errlen)
{
	const char *colon = memchr(s, ':', n);
	size_t nl = colon ? (size_t)(colon - s) : n;
	unsigned t;

	if (!colon || !lower_ident(s, nl) || nl >= sizeof(p->name)) {
		snprintf(err, errlen, "parameter \"%.*s\" is not NAME:TYPE", (int)n, s);
		return -EINVAL;
	}
	for (t = 0; t < TDM_ARRAY_SIZE(ptype_names); t++)
		if (strlen(ptype_names[t]) == n - nl - 1 &&
		    !memcmp(colon + 1, ptype_names[t], n - nl - 1))
			break;
	if (t == TDM_ARRAY_SIZE(ptype_names)) {
		snprintf(err, errlen, "parameter \"%.*s\": type must be str, int, bool or any",
			 (int)n, s);
		return -EINVAL;
	}
	memcpy(p->name, s, nl);
	p->name[nl] = 0;
	p->type = (enum tdm_rpc_ptype)t;
	return 0;
}

int tdm_mod_rpc_params(const char *spec, struct tdm_rpc_param *out,
		       unsigned *n, char *err, size_t errlen)
{
	const char *s = spec ? spec : "";
	bool optional_seen = false;

	*n = 0;
	while (*s) {
		bool opt = false;
		size_t len;
		int rc;

		if (*s == ' ') {
			s++;
			continue;
		}
		if (*s == '[') {
			const char *end = strchr(s, ']');
			if (!end) {
				snprintf(err, errlen, "unclosed '[' in \"%s\"", spec);
				return -EINVAL;
			}
			opt = true;
			s++;
			len = (size_t)(end - s);
		} else {
			len = strcspn(s, " ");
			if (optional_seen) {
				snprintf(err, errlen, "required parameter after an optional one in \"%s\"",
					 spec);
				return -EINVAL;
			}
		}
		if (*n == TDM_RPC_MAX_PARAMS) {
			snprintf(err, errlen, "more than %d parameters in \"%s\"",
				 TDM_RPC_MAX_PARAMS, spec);
			return -EINVAL;
		}
		if ((rc = param_one(s, len, &out[*n], err, errlen)))
			return rc;
		for (unsigned i = 0; i < *n; i++)
			if (!strcmp(out[i].name, out[*n].name)) {
				snprintf(err, errlen, "parameter \"%s\" declared twice",
					 out[i].name);
				return -EINVAL;
			}
		out[*n].optional = opt;
		optional_seen = optional_seen || opt;
		(*n)++;
		s += len + (opt ? 1 : 0);
	}
	return 0;
}

int tdm_mod_check_rpc(const struct tdm_rpc_def *r, const char *owner,
		      char *err, size_t errlen)
{
	struct tdm_rpc_param ps[TDM_RPC_MAX_PARAMS];
	size_t n = strlen(owner);
	const char *cmd = r->name + n + 1;
	char why[160];
	unsigned np;

	if (strncmp(r->name, owner, n) || r->name[n] != '.' ||
	    !lower_ident(cmd, strlen(cmd))) {
		snprintf(err, errlen, "RPC \"%s\" must be named \"%s.<command>\" (lower case, digits, _)",
			 r->name, owner);
		return -EINVAL;
	}
	if (!r->fn) {
		snprintf(err, errlen, "RPC \"%s\" has no implementation", r->name);
		return -EINVAL;
	}
	if (!r->doc || !*r->doc || strchr(r->doc, '\n')) {
		snprintf(err, errlen, "RPC \"%s\" needs a one-line doc", r->name);
		return -EINVAL;
	}
	if (tdm_mod_rpc_params(r->params, ps, &np, why, sizeof(why))) {
		snprintf(err, errlen, "RPC \"%s\": %s", r->name, why);
		return -EINVAL;
	}
	return 0;
}

int tdm_mod_check_stat(const struct tdm_stat_def *s, char *err, size_t errlen)
{
	size_t n = s->name ? strlen(s->name) : 0;

	if (!s->name || !lower_ident(s->name, n)) {
		snprintf(err, errlen, "statistic name \"%s\" is not [a-z_][a-z0-9_]*",
			 s->name ? s->name : "");
		return -EINVAL;
	}
	if (s->kind != TDM_STAT_COUNTER && s->kind != TDM_STAT_GAUGE &&
	    s->kind != TDM_STAT_HISTOGRAM) {
		snprintf(err, errlen, "statistic \"%s\" has no kind", s->name);
		return -EINVAL;
	}
	if ((s->kind == TDM_STAT_COUNTER) != (n > 6 && !strcmp(s->name + n - 6, "_total"))) {
		snprintf(err, errlen, s->kind == TDM_STAT_COUNTER ?
			 "counter \"%s\" must end in _total" :
			 "\"%s\" ends in _total but is not a counter", s->name);
		return -EINVAL;
	}
	if (!s->help || !*s->help || strchr(s->help, '\n')) {
		snprintf(err, errlen, "statistic \"%s\" needs a one-line help", s->name);
		return -EINVAL;
	}
	if (!s->value == !s->read || (s->kind == TDM_STAT_HISTOGRAM && !s->read)) {
		snprintf(err, errlen, "statistic \"%s\" needs exactly one of value and read%s",
			 s->name, s->kind == TDM_STAT_HISTOGRAM ? " (read, for a histogram)" : "");
		return -EINVAL;
	}
	return 0;
}
