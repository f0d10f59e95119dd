/* SPDX-License-Identifier: GPL-2.0-or-later
 * The script functions that check credentials and use the result:
 * www_authorize / proxy_authorize, authenticated_user / _realm,
 * check_from / check_to, failures.
 *
 * Who authenticated is remembered per message, so that check_from() after
 * authorize() in the same route run sees it, on any worker thread: the
 * record lives in the message's script arena (tdm_scr_arena) and each
 * thread keeps one pointer to the record of the message it routed last,
 * next to that message's address. A lookup compares the address first
 * (no dereference), and an arena cleanup clears the pointer when the
 * message's arena is reset or freed, so a recycled address never finds
 * an old record. */
#include <errno.h>
#include <string.h>
#include <tandem/script.h>
#include <tandem/uri.h>
#include "auth.h"

struct auth_ident {
	const struct tdm_sip_msg *msg;
	_Atomic(struct auth_ident *) *slot; /* the owning thread's pointer */
	bool proxy;
	int code;
	bool stale;
	struct tdm_str user;    /* credentials' username (message memory) */
	struct tdm_str realm;   /* realm checked */
};

struct ident_tls {
	_Atomic(struct auth_ident *) cur;
	const void *msg; /* compared, never dereferenced */
};
static _Thread_local struct ident_tls tls;

static int alias_snap(const struct tdm_str *user, const struct tdm_str *domain,
		      char *buf, size_t buflen, struct tdm_str *to_user,
		      struct tdm_str *to_domain)
{
	const struct tdm_snap *s = tdm_snap_node();

	return s ? tdm_snap_alias(s, user, domain, buf, buflen, to_user,
				  to_domain)
		 : -ENOENT;
}

auth_alias_fn *auth_alias = alias_snap;

/* Arena cleanup: the record is going away; forget it if still current. */
static void ident_forget(void *arg)
{
	struct auth_ident *id = arg, *expect = id;

	atomic_compare_exchange_strong(id->slot, &expect, NULL);
}

static struct tdm_arena *call_arena(struct tdm_scr_call *c)
{
	struct tdm_arena *a = tdm_scr_arena(c);
	struct tdm_sip_msg *m = tdm_scr_msg(c);

	return a ? a : m ? m->arena : NULL;
}

/* Records the outcome of an authorize() call for the current message. */
static int ident_store(struct tdm_scr_call *c, bool proxy,
		       const struct auth_verdict *v,
		       const struct tdm_str *realm)
{
	struct tdm_arena *a = call_arena(c);
	struct auth_ident *id;

	if (!a)
		return -EINVAL;
	id = tdm_arena_zalloc(a, sizeof(*id));
	if (!id)
		return -ENOMEM;
	*id = (struct auth_ident){ .msg = tdm_scr_msg(c), .slot = &tls.cur,
				   .proxy = proxy, .code = v->code,
				   .stale = v->stale, .user = v->user,
				   .realm = *realm };
	if (realm->len) {
		/* the script's realm argument may not outlive the call */
		id->realm.s = tdm_arena_memdup(a, realm->s, realm->len);
		if (!id->realm.s)
			return -ENOMEM;
	}
	if (tdm_arena_cleanup(a, ident_forget, id))
		return -ENOMEM;
	atomic_store(&tls.cur, NULL);
	tls.msg = id->msg;
	atomic_store(&tls.cur, id);
	return 0;
}

/* The record for the message being routed, or NULL. */
static const struct auth_ident *ident_get(struct tdm_scr_call *c)
{
	const struct tdm_sip_msg *m = tdm_scr_msg(c);

	if (!m || tls.msg != (const void *)m)
		return NULL;
	return atomic_load(&tls.cur);
}

/* Host of a URI given as text, and its user (unescaped into the arena). */
static int uri_host(const struct tdm_str *text, struct tdm_str *host)
{
	struct tdm_uri u;

	if (tdm_uri_parse(&u, text, NULL) || !u.host.len)
		return -ENOENT;
	*host = u.host;
	return 0;
}

int auth_default_realm(struct tdm_sip_msg *m, struct tdm_str *out)
{
	const struct tdm_sip_addr *a;
	const struct tdm_uri *u;

	if (m->method == TDM_SIP_REGISTER) {
		if (tdm_sip_msg_to(m, &a) == 0 && uri_host(&a->uri, out) == 0)
			return 0;
	} else if (tdm_sip_msg_from(m, &a) == 0 &&
		   uri_host(&a->uri, out) == 0) {
		return 0;
	}
	if (tdm_sip_msg_ruri_uri(m, &u) == 0 && u->host.len) {
		*out = u->host;
		return 0;
	}
	return -ENOENT;
}

bool auth_request_stale(struct tdm_scr_call *c, bool proxy,
			const struct tdm_str *realm)
{
	const struct auth_ident *id = ident_get(c);
	struct tdm_sip_auth a;
	struct auth_nonce n;

	if (id && id->proxy == proxy && tdm_str_caseeq(&id->realm, realm))
		return id->stale;
	/* not checked by authorize(): look at the nonce alone */
	return auth_find_credentials(tdm_scr_msg(c), proxy, realm, &a) == 0 &&
	       auth_nonce_check(&a.nonce, &n) == -ESTALE;
}

static void count_failure(struct tdm_scr_call *c)
{
	struct tdm_scr_peer p;

	atomic_fetch_add_explicit(&auth_stat_failures, 1, memory_order_relaxed);
	if (tdm_scr_peer(c, &p) == 0)
		auth_failures_add(&p.ip);
}

/* www_authorize / proxy_authorize ([realm]) -> int, see enum auth_code. */
static int authorize(struct tdm_scr_call *c, bool proxy)
{
	struct tdm_sip_msg *m = tdm_scr_msg(c);
	struct tdm_str realm = tdm_scr_arg_str(c, 0);
	struct auth_verdict v;
	int rc;

	if (!m || !m->is_request)
		return tdm_scr_ret_int(c, AUTH_ERROR);
	if (!realm.len && auth_default_realm(m, &realm))
		return tdm_scr_ret_int(c, AUTH_NO_CREDENTIALS);
	auth_verify(m, proxy, &realm, &v);
	rc = ident_store(c, proxy, &v, &realm);
	if (rc)
		return rc;
	if (v.code == AUTH_OK)
		atomic_fetch_add_explicit(&auth_stat_success, 1,
					  memory_order_relaxed);
	else if (v.code != AUTH_NO_CREDENTIALS)
		count_failure(c);
	if (v.code != AUTH_OK && v.code != AUTH_NO_CREDENTIALS)
		TDM_LOGI(&auth_log, "auth: %s failed for \"%.*s\" realm "
				    "\"%.*s\": %d",
			 proxy ? "proxy_authorize" : "www_authorize",
			 TDM_STR_FMT(&v.user), TDM_STR_FMT(&realm), v.code);
	return tdm_scr_ret_int(c, v.code);
}

int auth_fn_www_authorize(struct tdm_scr_call *c)
{
	return authorize(c, false);
}

int auth_fn_proxy_authorize(struct tdm_scr_call *c)
{
	return authorize(c, true);
}

/* The successful record for this message, or NULL. */
static const struct auth_ident *ident_ok(struct tdm_scr_call *c)
{
	const struct auth_ident *id = ident_get(c);

	return id && id->code == AUTH_OK ? id : NULL;
}

int auth_fn_user(struct tdm_scr_call *c)
{
	const struct auth_ident *id = ident_ok(c);
	struct tdm_str none = TDM_STR("");

	return tdm_scr_ret_str(c, id ? &id->user : &none);
}

int auth_fn_realm(struct tdm_scr_call *c)
{
	const struct auth_ident *id = ident_ok(c);
	struct tdm_str none = TDM_STR("");

	return tdm_scr_ret_str(c, id ? &id->realm : &none);
}

/* Does the address (From or To) name the authenticated user, directly or
 * through an alias? */
static bool owns(struct tdm_scr_call *c, const struct auth_ident *id,
		 const struct tdm_sip_addr *a)
{
	struct tdm_arena *ar = call_arena(c);
	struct tdm_str user, tu, td;
	struct tdm_uri u;
	char buf[512];

	if (tdm_uri_parse(&u, &a->uri, NULL) || !u.user.len || !u.host.len)
		return false;
	if (!ar || tdm_uri_unescape(ar, &u.user, &user))
		return false;
	if (tdm_str_eq(&user, &id->user) && tdm_str_caseeq(&u.host, &id->realm))
		return true;
	return auth_alias(&user, &u.host, buf, sizeof(buf), &tu, &td) == 0 &&
	       tdm_str_eq(&tu, &id->user) && tdm_str_caseeq(&td, &id->realm);
}

int auth_fn_check_from(struct tdm_scr_call *c)
{
	const struct auth_ident *id = ident_ok(c);
	const struct tdm_sip_addr *a;
	struct tdm_sip_msg *m = tdm_scr_msg(c);

	return tdm_scr_ret_bool(c, id && m && tdm_sip_msg_from(m, &a) == 0 &&
					   owns(c, id, a));
}

int auth_fn_check_to(struct tdm_scr_call *c)
{
	const struct auth_ident *id = ident_ok(c);
	const struct tdm_sip_addr *a;
	struct tdm_sip_msg *m = tdm_scr_msg(c);

	return tdm_scr_ret_bool(c, id && m && tdm_sip_msg_to(m, &a) == 0 &&
					   owns(c, id, a));
}

/* failures([ip]) -> int: the decayed failure count of ip (default: the
 * request's source). */
int auth_fn_failures(struct tdm_scr_call *c)
{
	struct tdm_str ip = tdm_scr_arg_str(c, 0);
	struct tdm_scr_peer p;

	if (!ip.len) {
		if (tdm_scr_peer(c, &p))
			return tdm_scr_ret_int(c, 0);
		ip = p.ip;
	}
	return tdm_scr_ret_int(c, (int64_t)auth_failures_get(&ip));
}
