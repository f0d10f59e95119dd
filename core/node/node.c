/* SPDX-License-Identifier: GPL-2.0-or-later
 * Running the node: transports and resolver set up from the settings,
 * one worker per thread, then the main thread waits for signals —
 * SIGHUP reloads the script (atomically: a script that does not compile
 * leaves the running one in place), SIGTERM and SIGINT stop gracefully
 * (new requests are refused, transactions in flight get up to
 * shutdown_timeout seconds to finish). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "db/sync.h"
#include "node/node.h"
#include "node/worker.h"
#include "script/diag.h"
#include "script/reload.h"

TDM_LOG_SUBSYS(tdm_log_node, "node");

static void proxy_cfg(struct tdm_node *n)
{
	struct tdm_node_cfg *c = n->cfg;
	struct tdm_proxy_cfg *p = &n->proxy_cfg;

	p->listens = n->listens;
	p->nlisten = n->nlisten;
	p->domains = c->v[TDM_SETTING_DOMAINS].list;
	p->ndomains = c->v[TDM_SETTING_DOMAINS].count;
	p->timer_c_ms = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_C) * 1000u;
	p->udp_mtu = (unsigned)tdm_cfg_int(c, TDM_SETTING_UDP_MTU);
	p->txn = (struct tdm_txn_cfg){
		.t1 = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_T1),
		.t2 = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_T2),
		.t4 = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_T4),
		.timer_b = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_B),
		.timer_f = (unsigned)tdm_cfg_int(c, TDM_SETTING_TIMER_F),
		.linger = (unsigned)tdm_cfg_int(c, TDM_SETTING_TXN_LINGER),
		.max_server = (unsigned)tdm_cfg_int(c, TDM_SETTING_MAX_TRANSACTIONS),
	};
}

/* DOMAIN=CERT:KEY entries of tls_sni, split in place into a table. */
static int sni_table(struct tdm_node_cfg *c, struct tdm_stream_cfg *s,
		     char *err, size_t errlen)
{
	const struct tdm_setting_val *v = &c->v[TDM_SETTING_TLS_SNI];

	if (!v->count)
		return 0;
	s->sni = tdm_calloc(v->count, sizeof(*s->sni));
	if (!s->sni)
		return -ENOMEM;
	for (unsigned i = 0; i < v->count; i++) {
		char *e = tdm_malloc(v->list[i].len + 1), *eq, *colon;
		if (!e)
			return -ENOMEM;
		memcpy(e, v->list[i].s, v->list[i].len);
		e[v->list[i].len] = 0;
		eq = strchr(e, '=');
		colon = eq ? strchr(eq, ':') : NULL;
		if (!eq || !colon || eq == e || colon == eq + 1 || !colon[1]) {
			snprintf(err, errlen, "tls_sni '%s': expected DOMAIN=CERT:KEY", e);
			tdm_free(e);
			return -EINVAL;
		}
		*eq = *colon = 0;
		s->sni[s->nsni++] = (struct tdm_stream_sni){ e, eq + 1, colon + 1 };
	}
	return 0;
}

static void sni_free(struct tdm_stream_cfg *s)
{
	for (unsigned i = 0; i < s->nsni; i++)
		tdm_free((char *)s->sni[i].domain);
	tdm_free(s->sni);
}

static int transports(struct tdm_node *n, struct tdm_stream_cfg *s,
		      char *err, size_t errlen)
{
	struct tdm_node_cfg *c = n->cfg;
	struct tdm_dns_cfg d = {
		.servers = tdm_cfg_cstr(c, TDM_SETTING_DNS_SERVERS),
		.timeout_ms = (unsigned)tdm_cfg_int(c, TDM_SETTING_DNS_TIMEOUT),
		.have_udp = n->have[TDM_PROTO_UDP],
		.have_tcp = n->have[TDM_PROTO_TCP],
		.have_tls = n->have[TDM_PROTO_TLS],
		.have_ws = n->have[TDM_PROTO_WS] || n->have[TDM_PROTO_WSS],
	};
	int rc;

	*s = (struct tdm_stream_cfg){
		.max_connections = (unsigned)tdm_cfg_int(c, TDM_SETTING_TCP_MAX_CONNECTIONS),
		.max_per_ip = (unsigned)tdm_cfg_int(c, TDM_SETTING_TCP_MAX_PER_IP),
		.idle_timeout_s = (unsigned)tdm_cfg_int(c, TDM_SETTING_TCP_IDLE_TIMEOUT),
		.handshake_timeout_s = (unsigned)tdm_cfg_int(c, TDM_SETTING_TCP_HANDSHAKE_TIMEOUT),
		.connect_timeout_s = (unsigned)tdm_cfg_int(c, TDM_SETTING_TCP_CONNECT_TIMEOUT),
		.tls_cert = tdm_cfg_cstr(c, TDM_SETTING_TLS_CERTIFICATE),
		.tls_key = tdm_cfg_cstr(c, TDM_SETTING_TLS_PRIVATE_KEY),
		.tls_ca = tdm_cfg_cstr(c, TDM_SETTING_TLS_CA_FILE),
		.tls_verify_client = tdm_cfg_int(c, TDM_SETTING_TLS_VERIFY_CLIENT),
		.tls_verify_server = tdm_cfg_int(c, TDM_SETTING_TLS_VERIFY_SERVER),
	};
	if ((n->have[TDM_PROTO_TLS] || n->have[TDM_PROTO_WSS]) &&
	    (!s->tls_cert || !s->tls_key)) {
		snprintf(err, errlen, "tls and wss need tls_certificate and "
			 "tls_private_key");
		return -EINVAL;
	}
	if ((rc = sni_table(c, s, err, errlen)))
		return rc;
	if ((rc = tdm_stream_global_init(s, n->nworkers, err, errlen)))
		return rc;
	return tdm_dns_global_init(&d, err, errlen);
}

static void log_ready(struct tdm_node *n)
{
	struct tdm_log_rec r;

	if (!tdm_log_begin(&r, &tdm_log_node, TDM_LOG_NOTICE, "ready"))
		return;
	for (unsigned i = 0; i < n->nlisten; i++) {
		char a[TDM_ADDR_STRLEN];
		tdm_addr_format(&n->listens[i].addr, a, sizeof(a));
		tdm_log_kv(&r, "listen", "%s:%s",
			   tdm_proto_name(n->listens[i].proto), a);
	}
	tdm_log_int(&r, "workers", n->nworkers);
	tdm_log_int(&r, "pid", getpid());
	tdm_log_end(&r);
}

static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t started_at;

int64_t tdm_node_started_at(void)
{
	return atomic_load(&started_at);
}

int tdm_node_reload(struct tdm_node *n, struct tdm_scr_diag *d,
		    struct tdm_buf *report)
{
	struct tdm_scr_program *p;
	size_t len;
	int rc;

	pthread_mutex_lock(&reload_lock);
	tdm_node_notify("RELOADING=1");
	rc = tdm_scr_reload_diag(n->script, d, report);
	len = report->len;
	while (len && report->data[len - 1] == '\n') /* one line per event */
		len--;
	if (len)
		TDM_LOG(&tdm_log_node, rc ? TDM_LOG_ERROR : TDM_LOG_NOTICE,
			"%s%.*s", rc ? "reload failed, the running script stays: " : "",
			(int)len, report->data);
	if (!rc && (p = tdm_scr_current())) {
		for (unsigned i = 0; i < n->nworkers; i++)
			tdm_worker_set_program(n->workers[i], p);
		tdm_scr_program_unref(p);
	}
	tdm_node_notify("READY=1");
	pthread_mutex_unlock(&reload_lock);
	return rc;
}

/* SIGHUP. */
static void reload(struct tdm_node *n)
{
	struct tdm_buf report = { 0 };
	struct tdm_scr_diag d;

	tdm_scr_diag_init(&d);
	tdm_node_reload(n, &d, &report);
	tdm_scr_diag_fini(&d);
	tdm_buf_free(&report);
}

/* Stops taking new requests, then waits (up to shutdown_timeout, or a
 * second signal) for the transactions in flight. */
static void drain(struct tdm_node *n, const sigset_t *set)
{
	long limit_ms = (long)tdm_cfg_int(n->cfg, TDM_SETTING_SHUTDOWN_TIMEOUT) * 1000;
	struct timespec tick = { 0, 50 * 1000000L };

	tdm_node_notify("STOPPING=1");
	TDM_LOGN(&tdm_log_node, "stopping: finishing transactions in flight");
	for (unsigned i = 0; i < n->nworkers; i++)
		tdm_worker_drain(n->workers[i]);
	for (long waited = 0; waited < limit_ms; waited += 50) {
		uint64_t left = 0;
		for (unsigned i = 0; i < n->nworkers; i++)
			left += tdm_worker_txns(n->workers[i]);
		if (!left && waited >= 100)
			return;
		if (sigtimedwait(set, NULL, &tick) > 0) {
			TDM_LOGN(&tdm_log_node, "second signal: stopping now");
			return;
		}
	}
	TDM_LOGN(&tdm_log_node, "shutdown_timeout reached: stopping now");
}

static int start(struct tdm_node *n, struct tdm_scr_program *prog, char *err,
		 size_t errlen)
{
	int rc;

	n->workers = tdm_calloc(n->nworkers, sizeof(*n->workers));
	if (!n->workers)
		return -ENOMEM;
	for (unsigned i = 0; i < n->nworkers; i++) {
		if ((rc = tdm_worker_new(&n->workers[i], n, i, err, errlen)))
			return rc;
		tdm_worker_set_program(n->workers[i], prog);
	}
	for (unsigned i = 0; i < n->nworkers; i++)
		if ((rc = tdm_worker_start(n->workers[i]))) {
			snprintf(err, errlen, "cannot start worker %u: %s", i,
				 tdm_strerror(rc));
			return rc;
		}
	return 0;
}

static void stop(struct tdm_node *n)
{
	for (unsigned i = 0; n->workers && i < n->nworkers; i++)
		if (n->workers[i])
			tdm_worker_stop(n->workers[i]);
	for (unsigned i = 0; n->workers && i < n->nworkers; i++)
		if (n->workers[i])
			tdm_worker_join(n->workers[i]);
	for (unsigned i = 0; n->workers && i < n->nworkers; i++)
		tdm_worker_free(n->workers[i]);
	tdm_free(n->workers);
}

int tdm_node_run(struct tdm_node_cfg *cfg, const char *script,
		 struct tdm_scr_program *prog)
{
	struct tdm_node n = { .cfg = cfg, .script = script };
	struct tdm_stream_cfg scfg = { 0 };
	char err[512] = "";
	sigset_t set;
	int rc = 0, sig;
	bool db = false;

	atomic_store(&started_at, (int64_t)time(NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	n.nworkers = (unsigned)tdm_cfg_int(cfg, TDM_SETTING_WORKERS);
	if (!n.nworkers) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n.nworkers = c > 0 ? (unsigned)c : 1;
	}
	/* a database only when the settings name one: a node whose script
	 * needs none does not open the default */
	if (cfg->v[TDM_SETTING_DATABASE].set) {
		db = true;
		rc = tdm_db_node_start(tdm_cfg_cstr(cfg, TDM_SETTING_DATABASE),
				       (unsigned)tdm_cfg_int(cfg, TDM_SETTING_DB_POLL_INTERVAL),
				       err, sizeof(err));
	}
	if (!rc)
		rc = tdm_node_listens(&n, err, sizeof(err));
	if (!rc) {
		proxy_cfg(&n);
		rc = transports(&n, &scfg, err, sizeof(err));
	}
	if (!rc) {
		tdm_node_api_publish(&n);
		rc = start(&n, prog, err, sizeof(err));
	}
	if (!rc) {
		tdm_node_api_running(true);
		tdm_node_api_state(TDM_NODE_RUNNING);
	}
	if (rc) {
		fprintf(stderr, "tandemd: %s\n", err[0] ? err : tdm_strerror(rc));
	} else {
		log_ready(&n);
		tdm_node_notify("READY=1");
		while ((sig = sigwaitinfo(&set, NULL)) != SIGTERM && sig != SIGINT)
			if (sig == SIGHUP)
				reload(&n);
		tdm_node_api_state(TDM_NODE_STOPPING);
		drain(&n, &set);
	}
	tdm_node_api_publish(NULL); /* no module send reaches a stopping worker */
	stop(&n);
	if (db)
		tdm_db_node_stop();
	tdm_dns_global_free();
	tdm_stream_global_free();
	sni_free(&scfg);
	tdm_free(n.listens);
	tdm_node_api_state(TDM_NODE_STOPPING);
	if (!rc)
		TDM_LOGN(&tdm_log_node, "stopped");
	return rc ? 1 : 0;
}
