/* SPDX-License-Identifier: GPL-2.0-or-later
 * The registrar's admin commands (docs/admin-api.md, "registrar"):
 * registrar.show lists bindings, registrar.remove deletes them. They run
 * on the admin API's threads, next to the workers.
 *
 * show never builds its answer under a store lock: it copies the live
 * bindings out (reg_ul_walk() holds one stripe lock at a time, only while
 * that stripe's bindings are copied), then sorts the copies by AOR and
 * contact for a stable output and writes the answer with no lock held.
 * remove goes through reg_ul_delete_aor(), the path of
 * registrar.unregister(): usrloc reports each removal to its hooks, so
 * the persistence journal writes the deletes behind like any other. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/rpc.h>
#include "reg.h"

pthread_rwlock_t reg_admin_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Copies of bindings taken out of the store. */
struct copies {
	struct reg_ul_binding **v;
	size_t n, cap;
	int64_t now;
	int err;
};

/* reg_ul_walk callback (a stripe lock is held): copies a live binding. */
static int copy_fn(const struct reg_ul_binding *b, void *arg)
{
	struct copies *c = arg;
	struct reg_ul_binding *d;

	if (b->expires <= c->now)
		return 0; /* expired, not swept yet: lookup ignores it too */
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		struct reg_ul_binding **nv = tdm_realloc(c->v, nc * sizeof(*nv));
		if (!nv) {
			c->err = -ENOMEM;
			return 1;
		}
		c->v = nv;
		c->cap = nc;
	}
	d = reg_ul_binding_dup(b);
	if (!d) {
		c->err = -ENOMEM;
		return 1;
	}
	c->v[c->n++] = d;
	return 0;
}

static void copies_free(struct copies *c)
{
	for (size_t i = 0; i < c->n; i++)
		reg_ul_binding_free(c->v[i]);
	tdm_free(c->v);
}

static int str_cmp(const struct tdm_str *a, const struct tdm_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->s, b->s, n);

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* AOR, then contact, then ruid: the same input gives the same output. */
static int binding_cmp(const void *pa, const void *pb)
{
	const struct reg_ul_binding *a = *(const struct reg_ul_binding *const *)pa;
	const struct reg_ul_binding *b = *(const struct reg_ul_binding *const *)pb;
	int r = str_cmp(&a->aor, &b->aor);

	if (!r)
		r = str_cmp(&a->contact, &b->contact);
	if (!r)
		r = str_cmp(&a->ruid, &b->ruid);
	return r;
}

/* One Path value as a URI: what is inside <> (a Path value is a
 * name-addr, RFC 3327), else the trimmed text. */
static void add_path_uri(struct tdm_rpc_val *arr, struct tdm_str v)
{
	struct tdm_str u = reg_contact_from_text(&v);

	if (u.len)
		tdm_rpc_add_strn(arr, NULL, u.s, u.len);
}

/* The stored Path ("<sip:p1;lr>,<sip:p2;lr>", the header values joined
 * by commas) as an array of URIs, splitting at commas outside <> and
 * quotes. */
static void add_path(struct tdm_rpc_val *o, const struct tdm_str *path)
{
	struct tdm_rpc_val *arr = tdm_rpc_add_array(o, "path");
	bool angle = false, quote = false;
	size_t start = 0;

	for (size_t i = 0; i <= path->len; i++) {
		char ch = i < path->len ? path->s[i] : ',';
		if (quote) {
			if (ch == '\\' && i + 1 < path->len)
				i++;
			else if (ch == '"')
				quote = false;
		} else if (ch == '"' && !angle) {
			quote = true;
		} else if (ch == '<') {
			angle = true;
		} else if (ch == '>') {
			angle = false;
		} else if (ch == ',' && !angle) {
			add_path_uri(arr, (struct tdm_str){ path->s + start,
							    i - start });
			start = i + 1;
		}
	}
}

/* One BINDING object (docs/admin-api.md; the fields in docs/registrar.md). */
static void add_binding(struct tdm_rpc_val *list, const struct reg_ul_binding *b,
			int64_t now)
{
	struct tdm_rpc_val *o = tdm_rpc_add_object(list, NULL);

	tdm_rpc_add_strn(o, "contact", b->contact.s, b->contact.len);
	tdm_rpc_add_int(o, "expires", b->expires - now);
	/* no q in the Contact: 1.0, the value lookup orders it by */
	tdm_rpc_add_double(o, "q", b->q < 0 ? 1.0 : b->q / 1000.0);
	tdm_rpc_add_strn(o, "call_id", b->callid.s, b->callid.len);
	tdm_rpc_add_int(o, "cseq", b->cseq);
	tdm_rpc_add_strn(o, "user_agent", b->user_agent.s, b->user_agent.len);
	if (b->received.len)
		tdm_rpc_add_strn(o, "received", b->received.s, b->received.len);
	else
		tdm_rpc_add_null(o, "received");
	add_path(o, &b->path);
	if (b->instance.len)
		tdm_rpc_add_strn(o, "instance", b->instance.s, b->instance.len);
	else
		tdm_rpc_add_null(o, "instance");
	if (b->reg_id)
		tdm_rpc_add_int(o, "reg_id", b->reg_id);
	else
		tdm_rpc_add_null(o, "reg_id");
	/* reached over its own connection (what lookup gives the proxy) */
	tdm_rpc_add_bool(o, "flow", (b->flags & REG_UL_STREAM) && b->conn_id);
	tdm_rpc_add_int(o, "last_modified", b->last_modified);
}

/* The answer: [{"aor","contacts":[BINDING...]}...] from sorted copies. */
static void add_aors(struct tdm_rpc *r, const struct copies *c)
{
	struct tdm_rpc_val *list = tdm_rpc_result_array(r);
	struct tdm_rpc_val *contacts = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const struct reg_ul_binding *b = c->v[i];
		if (i == 0 || !tdm_str_eq(&b->aor, &c->v[i - 1]->aor)) {
			struct tdm_rpc_val *a = tdm_rpc_add_object(list, NULL);
			tdm_rpc_add_strn(a, "aor", b->aor.s, b->aor.len);
			contacts = tdm_rpc_add_array(a, "contacts");
		}
		add_binding(contacts, b, c->now);
	}
}

/* The AOR of parameter 0 as registrar keys it ("sip:Alice@Example.COM",
 * "<sip:...>" and "Alice@example.com" all give "Alice@example.com"). 0,
 * or the -EINVAL of tdm_rpc_fail(). */
static int param_aor(struct tdm_rpc *r, char *buf, struct tdm_str *aor)
{
	const char *text = tdm_rpc_str(r, 0);
	struct tdm_str in = tdm_str_c(text);

	if (reg_aor_from_text(&in, buf, aor) != 0)
		return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
				    "Invalid params: 'aor' is not a SIP address "
				    "of record: %s", text);
	return 0;
}

static int show(struct tdm_rpc *r, struct reg_ul *ul)
{
	struct copies c = { .now = time(NULL) };
	char buf[REG_AOR_MAX];
	struct tdm_str aor;
	int rc;

	if (tdm_rpc_has(r, 0)) {
		if ((rc = param_aor(r, buf, &aor)))
			return rc;
		rc = reg_ul_aor_walk(ul, &aor, copy_fn, &c);
		if (rc == -ENOENT || (!rc && !c.err && !c.n)) {
			copies_free(&c);
			return tdm_rpc_fail(r, TDM_RPC_NOT_FOUND,
					    "no binding for AOR %s",
					    tdm_rpc_str(r, 0));
		}
	} else {
		rc = reg_ul_walk(ul, copy_fn, &c);
	}
	if (c.err || rc < 0) {
		copies_free(&c);
		return c.err ? c.err : rc;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), binding_cmp);
	add_aors(r, &c);
	copies_free(&c);
	return 0;
}

static int remove_bindings(struct tdm_rpc *r, struct reg_ul *ul)
{
	char buf[REG_AOR_MAX];
	struct tdm_str aor, contact;
	const char *ctext = tdm_rpc_str(r, 1);
	int n;

	if ((n = param_aor(r, buf, &aor)))
		return n;
	if (ctext) {
		struct tdm_str in = tdm_str_c(ctext);
		contact = reg_contact_from_text(&in);
		if (!contact.len)
			return tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
					    "Invalid params: 'contact' is empty");
	}
	n = reg_ul_delete_aor(ul, &aor, ctext ? &contact : NULL);
	if (n < 0)
		return n;
	if (n == 0 && ctext)
		return tdm_rpc_fail(r, TDM_RPC_NOT_FOUND,
				    "no binding for AOR %s with contact %s",
				    tdm_rpc_str(r, 0), ctext);
	if (n == 0)
		return tdm_rpc_fail(r, TDM_RPC_NOT_FOUND,
				    "no binding for AOR %s", tdm_rpc_str(r, 0));
	tdm_rpc_add_int(tdm_rpc_result_object(r), "removed", n);
	return 0;
}

/* Runs fn on the store while holding reg_admin_lock shared; -32002 when
 * the module has no store (not started, or stopping). */
static int with_store(struct tdm_rpc *r, int (*fn)(struct tdm_rpc *r,
						    struct reg_ul *ul))
{
	int rc;

	pthread_rwlock_rdlock(&reg_admin_lock);
	if (reg_ul_main)
		rc = fn(r, reg_ul_main);
	else
		rc = tdm_rpc_fail(r, TDM_RPC_UNAVAILABLE,
				  "the registrar is not running");
	pthread_rwlock_unlock(&reg_admin_lock);
	return rc;
}

/* registrar.show [aor] */
static int reg_rpc_show(struct tdm_rpc *r)
{
	return with_store(r, show);
}

/* registrar.remove aor [contact] */
static int reg_rpc_remove(struct tdm_rpc *r)
{
	return with_store(r, remove_bindings);
}

const struct tdm_rpc_def reg_rpcs[] = {
	{ "registrar.show", reg_rpc_show, "[aor:str]",
	  "Live bindings of every AOR, or of `aor`, sorted by AOR" },
	{ "registrar.remove", reg_rpc_remove, "aor:str [contact:str]",
	  "Removes every binding of `aor`, or those of Contact URI "
	  "`contact` (written behind like an unregister)" },
	TDM_RPC_END
};
