/* SPDX-License-Identifier: GPL-2.0-or-later
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification): parses a request
 * text, answers requests, notifications and batches, and produces every
 * protocol error itself, so a transport (the http module) only moves
 * bytes. The method is looked up in the tables (registry.c) at each
 * call: a module's commands exist exactly while it is loaded. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "rpc/registry.h"
#include "rpc/rpc_impl.h"

TDM_LOG_SUBSYS(tdm_log_rpc, "rpc");

/* Most requests in one batch: a batch is answered on one thread. */
#define MAX_BATCH 100

static json_t *error_reply(json_t *id, int code, const char *msg)
{
	return json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id",
			 id ? id : json_null(), "error", "code", code,
			 "message", msg);
}

static bool id_ok(json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_null(id) ||
	       json_is_real(id);
}

static void log_call(const char *caller, const char *method, json_t *error)
{
	struct tdm_log_rec lr;
	int level = error ? TDM_LOG_INFO : TDM_LOG_DEBUG;

	if (!tdm_log_begin(&lr, &tdm_log_rpc, level, "rpc"))
		return;
	tdm_log_cstr(&lr, "method", method);
	tdm_log_cstr(&lr, "caller", caller);
	if (error) {
		tdm_log_int(&lr, "code", json_integer_value(json_object_get(error, "code")));
		tdm_log_cstr(&lr, "error", json_string_value(json_object_get(error, "message")));
	}
	tdm_log_end(&lr);
}

/* Runs the command of a valid request; returns its reply object. */
static json_t *call(const struct tdm_rpc_def *def, json_t *id, json_t *params,
		    const char *caller)
{
	struct tdm_rpc r = { .def = def };
	char err[256];
	json_t *reply;
	int rc;

	if (tdm_mod_rpc_params(def->params, r.spec, &r.nspec, err, sizeof(err)))
		return error_reply(id, TDM_RPC_INTERNAL_ERROR, err);
	if (!(rc = tdm_rpc_bind_params(&r, params))) {
		tdm_rpc_set_current(&r);
		rc = def->fn(&r);
		tdm_rpc_set_current(NULL);
	}
	if (r.oom) {
		json_decref(r.error);
		r.error = json_pack("{s:i,s:s}", "code", TDM_RPC_INTERNAL_ERROR,
				    "message", "Internal error: out of memory");
	} else if (rc < 0 && !r.error) {
		snprintf(err, sizeof(err), "Internal error: %s", tdm_strerror(rc));
		r.error = json_pack("{s:i,s:s}", "code", TDM_RPC_INTERNAL_ERROR,
				    "message", err);
	}
	log_call(caller, def->name, r.error);
	if (r.error)
		reply = json_pack("{s:s,s:O,s:O}", "jsonrpc", "2.0", "id", id,
				  "error", r.error);
	else
		reply = json_pack("{s:s,s:O,s:O}", "jsonrpc", "2.0", "id", id,
				  "result", r.result ? r.result : json_null());
	tdm_rpc_release(&r);
	return reply;
}

/* One request object: its reply, or NULL for a notification. */
static json_t *one(json_t *req, const char *caller)
{
	json_t *id = NULL, *params, *method, *v;
	const struct tdm_rpc_def *def;
	bool notification;
	char msg[256];

	if (!json_is_object(req))
		return error_reply(NULL, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: not an object");
	notification = !(id = json_object_get(req, "id"));
	if (id && !id_ok(id))
		return error_reply(NULL, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: id must be a string, a number or null");
	v = json_object_get(req, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0"))
		return error_reply(id, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: \"jsonrpc\" must be \"2.0\"");
	method = json_object_get(req, "method");
	if (!json_is_string(method))
		return error_reply(id, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: \"method\" must be a string");
	params = json_object_get(req, "params");
	if (params && !json_is_array(params) && !json_is_object(params))
		return error_reply(id, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: \"params\" must be an array or an object");
	if (!(def = tdm_rpc_find(json_string_value(method), NULL))) {
		snprintf(msg, sizeof(msg), "Method not found: %.200s (rpc.list lists them)",
			 json_string_value(method));
		log_call(caller, json_string_value(method), NULL);
		return notification ? NULL : error_reply(id, TDM_RPC_METHOD_NOT_FOUND, msg);
	}
	v = call(def, id ? id : json_null(), params, caller);
	if (notification) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static json_t *batch(json_t *reqs, const char *caller)
{
	json_t *out, *req, *rep;
	size_t i;

	if (!json_array_size(reqs))
		return error_reply(NULL, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: empty batch");
	if (json_array_size(reqs) > MAX_BATCH)
		return error_reply(NULL, TDM_RPC_INVALID_REQUEST,
				   "Invalid Request: more than 100 requests in a batch");
	if (!(out = json_array()))
		return NULL;
	json_array_foreach(reqs, i, req)
		if ((rep = one(req, caller)) && json_array_append_new(out, rep)) {
			json_decref(out);
			return NULL;
		}
	if (!json_array_size(out)) { /* only notifications */
		json_decref(out);
		return json_null();
	}
	return out;
}

int tdm_rpc_handle(const char *body, size_t len, const char *caller,
		   char **out, size_t *outlen)
{
	json_error_t je;
	json_t *req, *rep;
	char *text, msg[300];
	size_t n;

	*out = NULL;
	*outlen = 0;
	if (!tdm_rpc_enter()) {
		static const char stopping[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
			"{\"code\":-32002,\"message\":\"the node is stopping\"}}\n";
		if (!(*out = tdm_malloc(sizeof(stopping))))
			return -ENOMEM;
		memcpy(*out, stopping, sizeof(stopping));
		*outlen = sizeof(stopping) - 1;
		return 0;
	}
	req = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!req) {
		snprintf(msg, sizeof(msg), "Parse error: %s at line %d column %d",
			 je.text, je.line, je.column);
		rep = error_reply(NULL, TDM_RPC_PARSE_ERROR, msg);
	} else if (json_is_array(req)) {
		rep = batch(req, caller ? caller : "?");
	} else {
		rep = one(req, caller ? caller : "?");
	}
	json_decref(req);
	tdm_rpc_leave();
	if (rep && json_is_null(rep)) { /* a batch of notifications */
		json_decref(rep);
		return 0;
	}
	if (!rep)
		return req ? 0 : -ENOMEM; /* a notification, or no memory */
	text = json_dumps(rep, JSON_COMPACT);
	json_decref(rep);
	if (!text)
		return -ENOMEM;
	n = strlen(text);
	if ((*out = tdm_malloc(n + 2))) {
		memcpy(*out, text, n);
		(*out)[n] = '\n';
		(*out)[n + 1] = 0;
		*outlen = n + 1;
	}
	free(text);
	return *out ? 0 : -ENOMEM;
}
