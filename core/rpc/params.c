/* SPDX-License-Identifier: GPL-2.0-or-later
 * RPC parameters: binds a request's params (by position or by name) to
 * the command's declared list and checks count and types, so every
 * implementation gets what it declared and every mistake gets the same
 * -32602 answer naming the culprit. */
#include <errno.h>
#include <string.h>
#include "rpc/rpc_impl.h"

static bool type_ok(enum tdm_rpc_ptype t, json_t *v)
{
	switch (t) {
	case TDM_RPC_P_STR:
		return json_is_string(v) &&
		       strlen(json_string_value(v)) == json_string_length(v);
	case TDM_RPC_P_INT: return json_is_integer(v);
	case TDM_RPC_P_BOOL: return json_is_boolean(v);
	case TDM_RPC_P_ANY: return true;
	}
	return false;
}

static const char *type_text(enum tdm_rpc_ptype t)
{
	switch (t) {
	case TDM_RPC_P_STR: return "a string (without NUL)";
	case TDM_RPC_P_INT: return "an integer";
	case TDM_RPC_P_BOOL: return "true or false";
	default: return "a JSON value";
	}
}

static int bind_one(struct tdm_rpc *r, unsigned i, json_t *v)
{
	if (json_is_null(v))
		return 0; /* the same as not given */
	if (!type_ok(r->spec[i].type, v))
		return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
				    "Invalid params: %s: '%s' must be %s",
				    r->def->name, r->spec[i].name,
				    type_text(r->spec[i].type));
	r->params[i] = v;
	return 0;
}

int tdm_rpc_bind_params(struct tdm_rpc *r, json_t *params)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(params)) {
		if (json_array_size(params) > r->nspec)
			return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
					    "Invalid params: %s takes at most %u (%s), got %zu",
					    r->def->name, r->nspec,
					    r->def->params && *r->def->params ?
						    r->def->params : "none",
					    json_array_size(params));
		json_array_foreach(params, i, v)
			if (bind_one(r, (unsigned)i, v))
				return -EINVAL;
	} else if (json_is_object(params)) {
		json_object_foreach(params, key, v) {
			unsigned k;
			for (k = 0; k < r->nspec; k++)
				if (!strcmp(r->spec[k].name, key))
					break;
			if (k == r->nspec)
				return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
						    "Invalid params: %s has no parameter '%s'",
						    r->def->name, key);
			if (bind_one(r, k, v))
				return -EINVAL;
		}
	}
	for (unsigned k = 0; k < r->nspec; k++)
		if (!r->spec[k].optional && !r->params[k])
			return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
					    "Invalid params: %s needs '%s' (%s)",
					    r->def->name, r->spec[k].name,
					    r->def->params);
	return 0;
}

bool tdm_rpc_has(const struct tdm_rpc *r, unsigned i)
{
	return i < r->nspec && r->params[i];
}

const char *tdm_rpc_str(const struct tdm_rpc *r, unsigned i)
{
	struct tdm_rpc *w = (struct tdm_rpc *)r;

	if (!tdm_rpc_has(r, i))
		return NULL;
	if (json_is_string(r->params[i]))
		return json_string_value(r->params[i]);
	if (!w->any_text[i] &&
	    !(w->any_text[i] = json_dumps(r->params[i], JSON_COMPACT |
						       JSON_ENCODE_ANY)))
		w->oom = true;
	return w->any_text[i];
}

int64_t tdm_rpc_int(const struct tdm_rpc *r, unsigned i, int64_t def)
{
	return tdm_rpc_has(r, i) && json_is_integer(r->params[i]) ?
		       (int64_t)json_integer_value(r->params[i]) : def;
}

bool tdm_rpc_bool(const struct tdm_rpc *r, unsigned i, bool def)
{
	return tdm_rpc_has(r, i) && json_is_boolean(r->params[i]) ?
		       json_is_true(r->params[i]) : def;
}

void tdm_rpc_release(struct tdm_rpc *r)
{
	for (unsigned i = 0; i < TDM_RPC_MAX_PARAMS; i++)
		free(r->any_text[i]);
	json_decref(r->result);
	json_decref(r->error);
}
