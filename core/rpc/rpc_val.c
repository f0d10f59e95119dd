/* SPDX-License-Identifier: GPL-2.0-or-later
 * Building an RPC's answer: the result and error calls of <tandem/rpc.h>
 * over a jansson tree. A failed allocation is remembered on the request
 * (through a thread-local: the value calls do not know their request)
 * and answered as an internal error, so implementations need not check
 * every call. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tandem/str.h>
#include "rpc/rpc_impl.h"

static _Thread_local struct tdm_rpc *current;

void tdm_rpc_set_current(struct tdm_rpc *r)
{
	current = r;
}

void tdm_rpc_note_oom(void)
{
	if (current)
		current->oom = true;
}

json_t *tdm_rpc_json_string(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	json_t *j;
	char *fixed, *o;
	size_t i, l;

	for (i = 0; i < len && (l = p[i] < 0x80 ? 1 : tdm_utf8_seq(p + i, len - i)) && p[i]; i += l)
		;
	if (i == len)
		return json_stringn(s, len);
	/* a NUL or invalid byte: copy, U+FFFD (3 bytes) for each bad one */
	if (!(o = fixed = malloc(len * 3 + 1)))
		return NULL;
	for (i = 0; i < len; i += l) {
		l = !p[i] ? 0 : p[i] < 0x80 ? 1 : tdm_utf8_seq(p + i, len - i);
		if (l) {
			memcpy(o, p + i, l);
			o += l;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			l = 1;
		}
	}
	j = json_stringn(fixed, (size_t)(o - fixed));
	free(fixed);
	return j;
}

/* Puts x (a new reference, consumed; NULL when allocation failed) into
 * v: a member of an object (key) or the next item of an array (no key).
 * False when it could not. */
static bool put(struct tdm_rpc_val *v, const char *key, json_t *x)
{
	json_t *c = RPC_JSON(v);
	int rc;

	if (!x) {
		tdm_rpc_note_oom();
		return false;
	}
	if (key && json_is_object(c)) {
		rc = json_object_set_new(c, key, x);
	} else if (!key && json_is_array(c)) {
		rc = json_array_append_new(c, x);
	} else {
		json_decref(x); /* a key for an array, or none for an object */
		return false;
	}
	if (rc) /* json_*_set_new consumed x on failure too */
		tdm_rpc_note_oom();
	return rc == 0;
}

static struct tdm_rpc_val *nest(struct tdm_rpc_val *v, const char *key,
				json_t *x)
{
	bool ok;

	if (!v || !x) {
		if (v)
			tdm_rpc_note_oom();
		json_decref(x);
		return NULL;
	}
	json_incref(x);
	ok = put(v, key, x);
	json_decref(x); /* the container holds the reference that stays */
	return ok ? RPC_VAL(x) : NULL;
}

struct tdm_rpc_val *tdm_rpc_add_object(struct tdm_rpc_val *v, const char *key)
{
	return nest(v, key, v ? json_object() : NULL);
}

struct tdm_rpc_val *tdm_rpc_add_array(struct tdm_rpc_val *v, const char *key)
{
	return nest(v, key, v ? json_array() : NULL);
}

void tdm_rpc_add_str(struct tdm_rpc_val *v, const char *key, const char *s)
{
	if (v)
		put(v, key, s ? tdm_rpc_json_string(s, strlen(s)) : json_null());
}

void tdm_rpc_add_strn(struct tdm_rpc_val *v, const char *key, const char *s,
		      size_t len)
{
	if (v)
		put(v, key, s ? tdm_rpc_json_string(s, len) : json_null());
}

void tdm_rpc_add_int(struct tdm_rpc_val *v, const char *key, int64_t n)
{
	if (v)
		put(v, key, json_integer((json_int_t)n));
}

void tdm_rpc_add_double(struct tdm_rpc_val *v, const char *key, double d)
{
	if (v) /* NaN and infinities are not JSON */
		put(v, key, d == d && d - d == 0 ? json_real(d) : json_null());
}

void tdm_rpc_add_bool(struct tdm_rpc_val *v, const char *key, bool b)
{
	if (v)
		put(v, key, json_boolean(b));
}

void tdm_rpc_add_null(struct tdm_rpc_val *v, const char *key)
{
	if (v)
		put(v, key, json_null());
}

/* The result as a container of the given kind, created on first use. */
static struct tdm_rpc_val *result_container(struct tdm_rpc *r, bool object)
{
	if (!r->result) {
		r->result = object ? json_object() : json_array();
		if (!r->result)
			r->oom = true;
		return RPC_VAL(r->result);
	}
	if (object ? json_is_object(r->result) : json_is_array(r->result))
		return RPC_VAL(r->result);
	return NULL;
}

struct tdm_rpc_val *tdm_rpc_result_object(struct tdm_rpc *r)
{
	return result_container(r, true);
}

struct tdm_rpc_val *tdm_rpc_result_array(struct tdm_rpc *r)
{
	return result_container(r, false);
}

static void set_result(struct tdm_rpc *r, json_t *x)
{
	json_decref(r->result);
	r->result = x;
	if (!x)
		r->oom = true;
}

void tdm_rpc_result_str(struct tdm_rpc *r, const char *s)
{
	set_result(r, s ? tdm_rpc_json_string(s, strlen(s)) : json_null());
}

void tdm_rpc_result_int(struct tdm_rpc *r, int64_t v)
{
	set_result(r, json_integer((json_int_t)v));
}

void tdm_rpc_result_bool(struct tdm_rpc *r, bool v)
{
	set_result(r, json_boolean(v));
}

int tdm_rpc_fail(struct tdm_rpc *r, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(r->error);
	r->error = json_pack("{s:i,s:o*}", "code", code, "message",
			     tdm_rpc_json_string(msg, strlen(msg)));
	if (!r->error)
		r->oom = true;
	return -EINVAL;
}

struct tdm_rpc_val *tdm_rpc_error_data(struct tdm_rpc *r)
{
	json_t *d;

	if (!r->error)
		return NULL;
	if ((d = json_object_get(r->error, "data")))
		return json_is_object(d) ? RPC_VAL(d) : NULL;
	if (!(d = json_object()) || json_object_set_new(r->error, "data", d)) {
		r->oom = true;
		return NULL;
	}
	return RPC_VAL(d);
}
