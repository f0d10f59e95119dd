/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar: the module descriptor and its script functions (save,
 * lookup, registered, unregister), the timer thread (expiry sweep, NAT
 * keep-alives, flow failures) and the glue to the persistence code.
 * The protocol work lives in save.c, lookup.c and natping.c; the
 * bindings in usrloc.c; the admin commands in reg_rpc.c and the
 * statistics in reg_stats.c. docs/registrar.md describes it for users. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/node.h>
#include <tandem/snapshot.h>
#include <tandem/tandem.h>
#include "reg.h"
#include "persist.h"

static TDM_LOG_SUBSYS(reg_log, "registrar");

struct reg_cfg reg_cfg;

static const struct tdm_param_def reg_params[] = {
	TDM_PARAM_INT("default_expires", struct reg_cfg, default_expires,
		      "3600", 1, 31536000,
		      "Expires of a binding when the REGISTER gives none"),
	TDM_PARAM_INT("min_expires", struct reg_cfg, min_expires, "60", 0,
		      86400,
		      "Shorter non-zero expires are refused with 423 Interval "
		      "Too Brief and Min-Expires"),
	TDM_PARAM_INT("max_expires", struct reg_cfg, max_expires, "3600", 1,
		      31536000, "Longer expires are cut to this"),
	TDM_PARAM_INT("max_contacts", struct reg_cfg, max_contacts, "10", 1,
		      REG_MAX_CONTACTS,
		      "Bindings per address of record; a new one replaces the "
		      "least recently refreshed, more in one REGISTER is 403"),
	TDM_PARAM_INT("natping_interval", struct reg_cfg, natping_interval,
		      "30", 0, 3600,
		      "Seconds between keep-alives to NATed UDP contacts, 0: off"),
	TDM_PARAM_STR("natping_method", struct reg_cfg, natping_method,
		      "options", "Keep-alive sent: \"options\" or \"crlf\""),
	TDM_PARAM_STR("natping_from", struct reg_cfg, natping_from,
		      "sip:keepalive@invalid",
		      "From URI of the OPTIONS keep-alives"),
	TDM_PARAM_INT("flow_timer", struct reg_cfg, flow_timer, "0", 0, 3600,
		      "Flow-Timer sent in outbound (RFC 5626) 200s when we are "
		      "the edge, 0: none (clients use their default)"),
	TDM_PARAM_INT("timer_interval", struct reg_cfg, timer_interval, "10",
		      1, 3600, "Seconds between sweeps removing expired bindings"),
	TDM_PARAM_INT("hash_size", struct reg_cfg, hash_size, "16384", 64,
		      16777216, "Buckets of the AOR hash table"),
	TDM_PARAM_BOOL("outbound", struct reg_cfg, outbound, "true",
		       "Honour +sip.instance/reg-id flows (RFC 5626)"),
	TDM_PARAM_BOOL("gruu", struct reg_cfg, gruu, "true",
		       "Hand out public GRUUs to clients that support them "
		       "(RFC 5627)"),
	TDM_PARAM_END
};

/* ---- Timer thread and connection-closed queue -------------------------- */

static struct {
	pthread_t th;
	bool running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t *closed;   /* conn ids waiting to be swept */
	size_t nclosed, capclosed;
} tm = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* From the worker that owned the connection: queue, wake the thread. */
static void on_conn_closed(uint64_t conn_id, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tm.mu);
	if (tm.nclosed == tm.capclosed) {
		size_t nc = tm.capclosed ? tm.capclosed * 2 : 64;
		uint64_t *nv = tdm_realloc(tm.closed, nc * sizeof(*nv));
		if (!nv) {
			pthread_mutex_unlock(&tm.mu);
			return; /* the binding expires later instead */
		}
		tm.closed = nv;
		tm.capclosed = nc;
	}
	tm.closed[tm.nclosed++] = conn_id;
	pthread_cond_signal(&tm.cv);
	pthread_mutex_unlock(&tm.mu);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Takes the queued closed connections and removes their bindings. */
static void sweep_closed(void)
{
	uint64_t *ids;
	size_t n;
	int rc;

	pthread_mutex_lock(&tm.mu);
	ids = tm.closed;
	n = tm.nclosed;
	tm.closed = NULL;
	tm.nclosed = tm.capclosed = 0;
	pthread_mutex_unlock(&tm.mu);
	if (!n) {
		tdm_free(ids);
		return;
	}
	qsort(ids, n, sizeof(*ids), cmp_u64);
	rc = reg_ul_delete_conns(reg_ul_main, ids, n);
	if (rc > 0) {
		atomic_fetch_add(&reg_st.flow_failed, (unsigned long)rc);
		TDM_LOGI(&reg_log, "flow failure: %d binding(s) removed", rc);
	}
	tdm_free(ids);
}

static void *timer_main(void *arg)
{
	int64_t next_expire = 0, next_ping = 0;

	(void)arg;
	pthread_mutex_lock(&tm.mu);
	while (!tm.stop) {
		struct timespec ts;
		int64_t now = time(NULL);

		pthread_mutex_unlock(&tm.mu);
		sweep_closed();
		if (now >= next_expire) {
			int n = reg_ul_expire(reg_ul_main, now);
			if (n > 0)
				atomic_fetch_add(&reg_st.expired, (unsigned long)n);
			next_expire = now + reg_cfg.timer_interval;
		}
		if (reg_cfg.natping_interval > 0 && now >= next_ping) {
			if (next_ping) {
				int n = reg_natping_round(reg_ul_main, &reg_cfg,
							  now, tdm_node_send);
				if (n > 0)
					atomic_fetch_add(&reg_st.pings, (unsigned long)n);
			}
			next_ping = now + reg_cfg.natping_interval;
		}
		pthread_mutex_lock(&tm.mu);
		if (tm.stop || tm.nclosed)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&tm.cv, &tm.mu, &ts);
	}
	pthread_mutex_unlock(&tm.mu);
	return NULL;
}

/* ---- Persistence glue --------------------------------------------------- */

static void hook_saved(const struct reg_ul_binding *b, void *arg)
{
	(void)arg;
	reg_persist_saved(b);
}

static void hook_removed(const struct reg_ul_binding *b, void *arg)
{
	(void)arg;
	reg_persist_removed(&b->ruid);
}

/* ---- Script functions --------------------------------------------------- */

/* registrar.save() -> bool: answers the REGISTER (200 or an error). */
static int reg_fn_save(struct tdm_scr_call *c)
{
	struct tdm_sip_msg *msg = tdm_scr_msg(c);
	struct tdm_scr_peer peer;
	struct reg_src src = { 0 };
	struct reg_reply rep;
	struct tdm_str reason, hdrs;
	int rc;

	if (!msg || !msg->is_request || msg->method != TDM_SIP_REGISTER) {
		TDM_LOGW(&reg_log, "registrar.save() called for a non-REGISTER");
		return tdm_scr_ret_bool(c, false);
	}
	if (tdm_scr_peer(c, &peer) == 0) {
		src.known = true;
		src.proto = peer.proto;
		src.ip = peer.ip;
		src.port = peer.port;
		src.conn_id = peer.conn_id;
		src.listen_index = peer.listen_index;
	}
	rc = reg_save(reg_ul_main, &reg_cfg, msg, &src, time(NULL), &rep);
	if (rc) {
		tdm_buf_free(&rep.hdrs);
		return rc;
	}
	if (rep.reason)
		reason = tdm_str_c(rep.reason);
	hdrs = tdm_buf_str(&rep.hdrs);
	rc = tdm_scr_reply(c, rep.code, rep.reason ? &reason : NULL,
			   hdrs.len ? &hdrs : NULL, NULL, NULL);
	tdm_buf_free(&rep.hdrs);
	if (rc)
		return rc;
	atomic_fetch_add_explicit(rep.code == 200 ? &reg_st.reg_ok
						  : &reg_st.reg_fail,
				  1, memory_order_relaxed);
	return tdm_scr_ret_bool(c, rep.code == 200);
}

/* Splits "user@domain" on its last '@'. */
static void split_aor(const struct tdm_str *aor, struct tdm_str *user,
		      struct tdm_str *domain)
{
	size_t i = aor->len;

	while (i > 0 && aor->s[i - 1] != '@')
		i--;
	*user = (struct tdm_str){ aor->s, i ? i - 1 : 0 };
	*domain = (struct tdm_str){ aor->s + i, aor->len - i };
}

/* The AOR of argument 0 when given, else of the Request-URI; *gr gets
 * the URI's ;gr= value (a GRUU) or stays empty. */
static int call_aor(struct tdm_scr_call *c, char *buf, struct tdm_str *aor,
		    struct tdm_str *gr)
{
	const struct tdm_value *v = tdm_scr_arg(c, 0);
	struct tdm_sip_msg *msg;
	const struct tdm_uri *u;

	*gr = TDM_STR_NULL;
	if (v)
		return reg_aor_from_text(&v->u.s, buf, aor);
	msg = tdm_scr_msg(c);
	if (!msg || !msg->is_request || tdm_sip_msg_ruri_uri(msg, &u) != 0)
		return -EINVAL;
	if (u->gr_present)
		*gr = u->gr;
	return reg_aor_from_uri(u, buf, aor);
}

/* registrar.lookup([aor]) -> int: 1 targets set, -1 unknown, -2 none. */
static int reg_fn_lookup(struct tdm_scr_call *c)
{
	const struct tdm_snap *snap = tdm_snap_node();
	char buf[REG_AOR_MAX], abuf[REG_AOR_MAX];
	struct tdm_str aor, gr, user, domain;
	struct reg_targets t;
	int64_t now = time(NULL);
	int rc;

	atomic_fetch_add_explicit(&reg_st.lookups, 1, memory_order_relaxed);
	if (call_aor(c, buf, &aor, &gr) != 0)
		return tdm_scr_ret_int(c, REG_NO_AOR);
	rc = reg_lookup_aor(reg_ul_main, &aor, &gr, now, tdm_scr_arena(c), &t);
	split_aor(&aor, &user, &domain);
	if (rc == REG_NO_AOR && snap) {
		char ab[512];
		struct tdm_str tu, td;
		if (tdm_snap_alias(snap, &user, &domain, ab, sizeof(ab), &tu,
				   &td) == 0 &&
		    tu.len + td.len + 2 <= sizeof(abuf)) {
			memcpy(abuf, tu.s, tu.len);
			abuf[tu.len] = '@';
			for (size_t i = 0; i < td.len; i++)
				abuf[tu.len + 1 + i] = tdm_lower(td.s[i]);
			aor = (struct tdm_str){ abuf, tu.len + 1 + td.len };
			rc = reg_lookup_aor(reg_ul_main, &aor, &gr, now,
					    tdm_scr_arena(c), &t);
			if (rc == REG_NO_AOR)
				rc = REG_NO_CONTACT; /* the alias exists */
		} else if (tdm_snap_subscriber(snap, &user, &domain, NULL) == 0)
			rc = REG_NO_CONTACT;
	}
	if (rc < 0 && rc != REG_NO_AOR && rc != REG_NO_CONTACT)
		return rc;
	if (rc == REG_FOUND) {
		int r2 = tdm_scr_set_targets(c, t.t, t.n);
		if (r2)
			return r2;
		atomic_fetch_add_explicit(&reg_st.lookup_found, 1,
					  memory_order_relaxed);
	}
	return tdm_scr_ret_int(c, rc);
}

static int live_fn(const struct reg_ul_binding *b, void *arg)
{
	return b->expires > *(const int64_t *)arg ? 1 : 0;
}

/* registrar.registered([aor]) -> bool */
static int reg_fn_registered(struct tdm_scr_call *c)
{
	char buf[REG_AOR_MAX];
	struct tdm_str aor, gr;
	int64_t now = time(NULL);

	if (call_aor(c, buf, &aor, &gr) != 0)
		return tdm_scr_ret_bool(c, false);
	return tdm_scr_ret_bool(c, reg_ul_aor_walk(reg_ul_main, &aor, live_fn,
						   &now) == 1);
}

/* registrar.unregister(aor[, contact]) -> int: bindings removed. */
static int reg_fn_unregister(struct tdm_scr_call *c)
{
	const struct tdm_value *cv = tdm_scr_arg(c, 1);
	char buf[REG_AOR_MAX];
	struct tdm_str aor, gr, contact;
	int n;

	if (call_aor(c, buf, &aor, &gr) != 0)
		return tdm_scr_ret_int(c, 0);
	if (cv)
		contact = reg_contact_from_text(&cv->u.s);
	n = reg_ul_delete_aor(reg_ul_main, &aor, cv ? &contact : NULL);
	return tdm_scr_ret_int(c, n < 0 ? 0 : n);
}

static const struct tdm_fn_def reg_functions[] = {
	{ .name = "save", .impl = reg_fn_save, .ret = TDM_T_BOOL,
	  .args = NULL, .nargs = 0, .routes = TDM_ROUTE_REQUEST,
	  .doc = "Processes the REGISTER (RFC 3261 §10.3, Path, Outbound, "
		 "GRUU, NAT) and answers it: true when the answer is 200 OK, "
		 "false for an error answer (400, 403, 423, 439, 500)." },
	{ .name = "lookup", .impl = reg_fn_lookup, .ret = TDM_T_INT,
	  .args = TDM_ARGS({ "aor", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE,
	  .doc = "Sets the request's targets to the live bindings of the "
		 "Request-URI's AOR (or `aor`), q order, for a parallel "
		 "relay(). 1 found, -1 unknown AOR (404), -2 no live "
		 "binding (480)." },
	{ .name = "registered", .impl = reg_fn_registered, .ret = TDM_T_BOOL,
	  .args = TDM_ARGS({ "aor", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = TDM_ROUTE_ANY,
	  .doc = "True when the Request-URI's AOR (or `aor`) has a live "
		 "binding." },
	{ .name = "unregister", .impl = reg_fn_unregister, .ret = TDM_T_INT,
	  .args = TDM_ARGS({ "aor", TDM_T_STR, 0 },
			   { "contact", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  .routes = TDM_ROUTE_ANY,
	  .doc = "Removes every binding of `aor`, or those of `contact`; "
		 "returns how many." },
	TDM_FN_END
};


/* ---- Lifecycle ----------------------------------------------------------- */

/* Creates the store and starts persistence and the timer thread. */
static int load_locked(void)
{
	struct reg_ul_cfg uc = { 0 };
	int rc;

	tdm_log_subsys_register(&reg_log); /* -EEXIST after a reload: fine */
	if (strcmp(reg_cfg.natping_method, "options") != 0 &&
	    strcmp(reg_cfg.natping_method, "crlf") != 0) {
		TDM_LOGE(&reg_log, "natping_method must be \"options\" or \"crlf\"");
		return -EINVAL;
	}
	if (reg_cfg.max_expires < reg_cfg.min_expires) {
		TDM_LOGE(&reg_log, "max_expires is below min_expires");
		return -EINVAL;
	}
	if (reg_cfg.default_expires > reg_cfg.max_expires)
		reg_cfg.default_expires = reg_cfg.max_expires;
	uc.buckets = (unsigned)reg_cfg.hash_size;
	uc.stripes = 256;
	uc.max_contacts = (unsigned)reg_cfg.max_contacts;
	rc = reg_ul_create(&uc, &reg_ul_main);
	if (rc)
		return rc;
	reg_ul_set_hooks(reg_ul_main, &(struct reg_ul_hooks){
		.saved = hook_saved, .removed = hook_removed });
	rc = reg_persist_start();
	if (rc) {
		reg_ul_destroy(reg_ul_main);
		reg_ul_main = NULL;
		return rc;
	}
	if (tdm_node_on_conn_closed(on_conn_closed, NULL) != 0)
		TDM_LOGW(&reg_log, "no connection-closed hook: flow failures "
				  "are noticed at expiry only");
	tm.stop = false;
	if (pthread_create(&tm.th, NULL, timer_main, NULL) != 0) {
		TDM_LOGE(&reg_log, "cannot start the timer thread");
		reg_persist_stop();
		reg_ul_destroy(reg_ul_main);
		reg_ul_main = NULL;
		return -EAGAIN;
	}
	tm.running = true;
	return 0;
}

static void unload_locked(void)
{
	if (tm.running) {
		pthread_mutex_lock(&tm.mu);
		tm.stop = true;
		pthread_cond_signal(&tm.cv);
		pthread_mutex_unlock(&tm.mu);
		pthread_join(tm.th, NULL);
		tm.running = false;
	}
	reg_persist_stop();
	pthread_mutex_lock(&tm.mu);
	tdm_free(tm.closed);
	tm.closed = NULL;
	tm.nclosed = tm.capclosed = 0;
	pthread_mutex_unlock(&tm.mu);
	reg_ul_destroy(reg_ul_main);
	reg_ul_main = NULL;
	tdm_log_subsys_unregister(&reg_log);
}

/* Load and unload keep the admin API's readers out (reg_admin_lock): an
 * RPC or a /metrics read never sees a store being made or freed. */
static int reg_load(void)
{
	int rc;

	pthread_rwlock_wrlock(&reg_admin_lock);
	rc = load_locked();
	pthread_rwlock_unlock(&reg_admin_lock);
	return rc;
}

static void reg_unload(void)
{
	pthread_rwlock_wrlock(&reg_admin_lock);
	unload_locked();
	pthread_rwlock_unlock(&reg_admin_lock);
}

TDM_MODULE_DESCRIPTOR(registrar) = {
	TDM_MODULE_HEADER,
	.name = "registrar",
	.description = "SIP registrar (RFC 3261 §10): bindings, lookup, "
		       "Path, Outbound, GRUU, NAT keep-alives",
	.params = reg_params,
	.config = &reg_cfg,
	.functions = reg_functions,
	.rpcs = reg_rpcs,
	.stats = reg_stat_defs,
	.load = reg_load,
	.unload = reg_unload,
	.doc = "Keeps the bindings of REGISTERing clients in memory (written "
	       "behind to the `location` table when a database is "
	       "configured) and routes requests to them. See "
	       "docs/registrar.md.",
};
