/* SPDX-License-Identifier: GPL-2.0-or-later
 * RPC commands: what a command implementation (a tdm_rpc_def of the core
 * or of a module descriptor) reads and answers. The admin API (module
 * http, JSON-RPC 2.0) and tandemctl reach every command declared in a
 * table; nobody keeps a list by hand.
 *
 * Parameters are declared in the def's `params` string, space-separated
 * NAME:TYPE, optional ones in brackets, only at the end:
 *     "aor:str [contact:str]"      "subsystem:str level:str"
 * TYPE is str, int, bool or any (any JSON value, read as its JSON text).
 * The dispatcher accepts them by position (a JSON array) or by name (a
 * JSON object), checks count and types, and answers -32602 "Invalid
 * params" naming the culprit before the implementation runs; inside it,
 * parameter i is the i-th declared one.
 *
 * The answer is built with the tdm_rpc_* calls below (a JSON value tree):
 *
 *	static int reg_rpc_show(struct tdm_rpc *r)
 *	{
 *		const char *aor = tdm_rpc_str(r, 0);   // NULL: not given
 *		struct tdm_rpc_val *list = tdm_rpc_result_array(r);
 *		struct tdm_rpc_val *b = tdm_rpc_add_object(list, NULL);
 *		tdm_rpc_add_str(b, "aor", "alice@example.org");
 *		tdm_rpc_add_int(b, "expires", 3600);
 *		return 0;
 *	}
 *
 * An implementation returns 0 (the result; JSON null if none was set), or
 * fails: tdm_rpc_fail() sets a JSON-RPC error and returns -EINVAL so that
 * `return tdm_rpc_fail(r, ...)` reads well; any other negative return
 * without an error set becomes -32603 "Internal error" with the errno's
 * text. Out of memory while building is remembered and answered as an
 * internal error. Implementations run on the admin API's threads, several
 * at once: they must be thread-safe. */
#ifndef TANDEM_RPC_H
#define TANDEM_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>

struct tdm_rpc;     /* one request being answered */
struct tdm_rpc_val; /* a JSON object or array of its answer */

/* JSON-RPC 2.0 error codes (§5.1), and the range implementations use. */
enum {
	TDM_RPC_PARSE_ERROR = -32700,
	TDM_RPC_INVALID_REQUEST = -32600,
	TDM_RPC_METHOD_NOT_FOUND = -32601,
	TDM_RPC_INVALID_PARAMS = -32602,
	TDM_RPC_INTERNAL_ERROR = -32603,
	TDM_RPC_FAILED = -32000,       /* the command ran and failed */
	TDM_RPC_NOT_FOUND = -32001,    /* what it names does not exist */
	TDM_RPC_UNAVAILABLE = -32002,  /* not now: node starting, no database */
};

/* ---- Parameters (i: position in the def's params string) -------------- */

/* True when parameter i was given (and not JSON null). */
TDM_API bool tdm_rpc_has(const struct tdm_rpc *r, unsigned i);
/* A str parameter (NUL-terminated, valid until the implementation
 * returns), or NULL when not given. For an `any` parameter: its compact
 * JSON text. */
TDM_API const char *tdm_rpc_str(const struct tdm_rpc *r, unsigned i);
/* An int / bool parameter, or def when not given. */
TDM_API int64_t tdm_rpc_int(const struct tdm_rpc *r, unsigned i, int64_t def);
TDM_API bool tdm_rpc_bool(const struct tdm_rpc *r, unsigned i, bool def);

/* ---- The answer -------------------------------------------------------- */

/* Makes the result an object / an array (once; a second call returns the
 * same value if the kind matches, NULL otherwise) and returns it. */
TDM_API struct tdm_rpc_val *tdm_rpc_result_object(struct tdm_rpc *r);
TDM_API struct tdm_rpc_val *tdm_rpc_result_array(struct tdm_rpc *r);
/* Makes the result a scalar. */
TDM_API void tdm_rpc_result_str(struct tdm_rpc *r, const char *s);
TDM_API void tdm_rpc_result_int(struct tdm_rpc *r, int64_t v);
TDM_API void tdm_rpc_result_bool(struct tdm_rpc *r, bool v);

/* Adds a member `key` to object v, or (key NULL) appends to array v.
 * The nested ones return the new value, NULL when out of memory (later
 * calls on NULL do nothing, the failure is answered at the end). Strings
 * are copied; bytes that are not UTF-8 become U+FFFD. */
TDM_API struct tdm_rpc_val *tdm_rpc_add_object(struct tdm_rpc_val *v,
					       const char *key);
TDM_API struct tdm_rpc_val *tdm_rpc_add_array(struct tdm_rpc_val *v,
					      const char *key);
TDM_API void tdm_rpc_add_str(struct tdm_rpc_val *v, const char *key,
			     const char *s);
TDM_API void tdm_rpc_add_strn(struct tdm_rpc_val *v, const char *key,
			      const char *s, size_t len);
TDM_API void tdm_rpc_add_int(struct tdm_rpc_val *v, const char *key,
			     int64_t n);
TDM_API void tdm_rpc_add_double(struct tdm_rpc_val *v, const char *key,
				double d);
TDM_API void tdm_rpc_add_bool(struct tdm_rpc_val *v, const char *key, bool b);
TDM_API void tdm_rpc_add_null(struct tdm_rpc_val *v, const char *key);

/* Answers an error instead of the result: code (TDM_RPC_FAILED,
 * TDM_RPC_NOT_FOUND, ... or TDM_RPC_INVALID_PARAMS) and a printf message.
 * Returns -EINVAL. The error's `data` member may be filled with
 * tdm_rpc_error_data() afterwards. */
TDM_API int tdm_rpc_fail(struct tdm_rpc *r, int code, const char *fmt, ...)
	TDM_PRINTF(3, 4);
/* The error's data object (created on first call), NULL before
 * tdm_rpc_fail() or when out of memory. */
TDM_API struct tdm_rpc_val *tdm_rpc_error_data(struct tdm_rpc *r);

/* ---- The dispatcher (for transports: the http module, tests) ----------- */

/* Answers one JSON-RPC 2.0 request text: a request, a notification or a
 * batch. *out gets the reply text (tdm_malloc'ed, NUL-terminated, *outlen
 * bytes; the caller frees it with tdm_free), or NULL when nothing is to
 * be answered (only notifications). `caller` names the client for logs
 * ("unix", "127.0.0.1:40312"). Returns 0, or -ENOMEM when no reply could
 * be built at all. */
TDM_API int tdm_rpc_handle(const char *body, size_t len, const char *caller,
			   char **out, size_t *outlen);

#endif
