/* SPDX-License-Identifier: GPL-2.0-or-later
 * The stream transports' process-wide set-up and per-worker state: the
 * listening sockets (one per worker and address, SO_REUSEPORT) and their
 * accept path with the connection limits, and the before-sleep hook that
 * writes queued output, reports failed sends and frees closed
 * connections. Sending lives in stream_send.c. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include "net/conn.h"
#include "net/conn_table.h"
#include "net/tls.h"

TDM_LOG_SUBSYS(tdm_log_stream, "stream");
struct tdm_stream_global tdm_stream_g;

#define ACCEPTS_PER_EVENT 64
#define BACKLOG 1024
#define HOOK_ROUNDS 8

static unsigned or_default(unsigned v, unsigned def)
{
	return v ? v : def;
}

int tdm_stream_global_init(const struct tdm_stream_cfg *cfg, unsigned nworkers,
			   char *err, size_t errlen)
{
	struct tdm_stream_limits *l = &tdm_stream_g.lim;
	char dummy[1];
	int e;

	(void)nworkers;
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	*err = '\0';
	if (!cfg || tdm_stream_g.ready)
		return -EINVAL;
	memset(&tdm_stream_g, 0, sizeof(tdm_stream_g));
	l->max_connections = or_default(cfg->max_connections, 10000);
	l->max_per_ip = or_default(cfg->max_per_ip, 200);
	l->idle_ms = or_default(cfg->idle_timeout_s, 300) * 1000ull;
	l->handshake_ms = or_default(cfg->handshake_timeout_s, 5) * 1000ull;
	l->connect_ms = or_default(cfg->connect_timeout_s, 5) * 1000ull;
	l->max_msg = cfg->max_msg ? cfg->max_msg : 65535;
	l->max_outbuf = cfg->max_outbuf ? cfg->max_outbuf : 1024 * 1024;
	e = tdm_tls_global_init(cfg, err, errlen);
	if (e)
		return e;
	e = tdm_conn_table_init(l->max_connections, l->max_per_ip);
	if (e) {
		tdm_tls_global_free();
		return e;
	}
	tdm_log_subsys_register(&tdm_log_stream);
	tdm_stream_g.ready = true;
	return 0;
}

void tdm_stream_global_free(void)
{
	if (!tdm_stream_g.ready)
		return;
	tdm_conn_table_free();
	tdm_tls_global_free();
	tdm_stream_g.ready = false;
}

void tdm_stream_stats(struct tdm_stream_stats *o)
{
	struct tdm_stream_counters *c = &tdm_stream_g.st;

	o->accepted = atomic_load(&c->accepted);
	o->connected = atomic_load(&c->connected);
	o->closed = atomic_load(&c->closed);
	o->refused_limit = atomic_load(&c->refused_limit);
	o->timeouts = atomic_load(&c->timeouts);
	o->tls_failures = atomic_load(&c->tls_failures);
	o->ws_upgrades = atomic_load(&c->ws_upgrades);
	o->msgs_in = atomic_load(&c->msgs_in);
	o->msgs_out = atomic_load(&c->msgs_out);
	o->bad_frames = atomic_load(&c->bad_frames);
	o->open = atomic_load(&c->open);
}

bool tdm_stream_conn_alive(uint64_t conn_id)
{
	struct tdm_conn_ref r;

	return conn_id && !tdm_conn_table_find_id(conn_id, &r);
}

/* ---- Failed sends --------------------------------------------------------*/

static void report_now(struct tdm_streams *s, uint64_t cookie, int err)
{
	if (s->fail && !s->freeing)
		s->fail(s->fail_arg, cookie, err);
}

static void posted_fail(struct tdm_loop *l, void *arg)
{
	struct tdm_stream_fail *f = arg;

	(void)l;
	report_now(f->to, f->cookie, f->err);
	tdm_free(f);
}

/* On the reporting worker itself (cur): queued for the hook, so a fail
 * callback never runs inside tdm_stream_send(). For another worker:
 * posted to its loop. */
void tdm_stream_report_fail(struct tdm_streams *cur, struct tdm_streams *to,
			    uint64_t cookie, int err)
{
	struct tdm_stream_fail *f;

	if (!to || to->freeing || !to->fail)
		return;
	f = tdm_malloc(sizeof(*f));
	if (!f) {
		TDM_LOGE(&tdm_log_stream, "out of memory: send failure of "
			 "cookie %llu not reported", (unsigned long long)cookie);
		return;
	}
	*f = (struct tdm_stream_fail){ .to = to, .cookie = cookie, .err = err };
	if (to == cur) {
		tdm_list_insert_tail(&to->fails, &f->link);
		return;
	}
	if (tdm_loop_post(to->loop, posted_fail, f))
		tdm_free(f);
}

void tdm_streams_on_fail(struct tdm_streams *s, tdm_stream_fail_fn *fn,
			 void *arg)
{
	s->fail = fn;
	s->fail_arg = arg;
}

/* ---- Before-sleep hook ---------------------------------------------------*/

static void nothing(struct tdm_loop *l, void *arg)
{
	(void)l;
	(void)arg;
}

static void report_fails(struct tdm_streams *s)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_pop_head(&s->fails))) {
		struct tdm_stream_fail *f =
			TDM_LIST_ENTRY(n, struct tdm_stream_fail, link);

		report_now(s, f->cookie, f->err);
		tdm_free(f);
	}
}

static void flush_all(struct tdm_streams *s)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_pop_head(&s->flushq)))
		tdm_conn_flush(TDM_LIST_ENTRY(n, struct tdm_conn, flush));
}

static void free_zombies(struct tdm_streams *s)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_first(&s->zombies)))
		tdm_conn_destroy(TDM_LIST_ENTRY(n, struct tdm_conn, link));
}

/* Writes what was queued this iteration (one write per connection for
 * all its messages), reports failures, frees closed connections. A fail
 * callback may send again, hence the rounds. */
static void before_sleep(struct tdm_loop *l, void *arg)
{
	struct tdm_streams *s = arg;

	for (int i = 0; i < HOOK_ROUNDS; i++) {
		flush_all(s);
		if (tdm_list_empty(&s->fails))
			break;
		report_fails(s);
	}
	if (!tdm_list_empty(&s->flushq) || !tdm_list_empty(&s->fails))
		tdm_loop_defer(l, nothing, NULL); /* do not sleep */
	free_zombies(s);
}

/* ---- Workers ---------------------------------------------------------------*/

int tdm_streams_new(struct tdm_streams **out, struct tdm_loop *loop,
		    unsigned worker, tdm_rcv_fn *deliver, void *arg)
{
	struct tdm_streams *s;
	int err;

	if (!out || !loop || !deliver || !tdm_stream_g.ready)
		return -EINVAL;
	s = tdm_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->worker = worker;
	s->deliver = deliver;
	s->arg = arg;
	tdm_list_init(&s->conns);
	tdm_list_init(&s->zombies);
	tdm_list_init(&s->flushq);
	tdm_list_init(&s->fails);
	err = tdm_loop_before_sleep(loop, before_sleep, s);
	if (err) {
		tdm_free(s);
		return err;
	}
	*out = s;
	return 0;
}

static bool is_stream(enum tdm_proto p)
{
	return p == TDM_PROTO_TCP || p == TDM_PROTO_TLS || p == TDM_PROTO_WS ||
	       p == TDM_PROTO_WSS;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

static void accept_one(struct tdm_streams *s, struct tdm_stream_listener *ln,
		       int fd, const struct tdm_addr *peer)
{
	struct tdm_conn *c;
	int err = tdm_conn_table_admit(peer, true);
	char ip[TDM_ADDR_STRLEN];

	if (err) {
		TDM_STREAM_COUNT(refused_limit);
		if (TDM_LOG_ENABLED(&tdm_log_stream, TDM_LOG_INFO)) {
			tdm_addr_format(peer, ip, sizeof(ip));
			tdm_log_pairs(&tdm_log_stream, TDM_LOG_INFO,
				      "connection refused", "peer", ip, "limit",
				      err == -EUSERS ? "max_per_ip"
						     : "max_connections", NULL);
		}
		close(fd);
		return;
	}
	set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	err = tdm_conn_new(&c, s, fd, ln->l->proto, peer, ln->l, false,
			   TDM_LOOP_READ);
	if (err) {
		tdm_conn_table_release(peer, true);
		close(fd);
		return;
	}
	c->admitted = true;
	c->per_ip = true;
	TDM_STREAM_COUNT(accepted);
	tdm_conn_table_add(c);
	tdm_conn_start(c);
}

static void resume_accept(void *arg)
{
	struct tdm_stream_listener *ln = arg;

	if (ln->fd >= 0)
		tdm_loop_modify(ln->s->loop, ln->fd, TDM_LOOP_READ);
}

/* Out of file descriptors: the pending connection stays in the backlog
 * and the level-triggered listener would wake us at once, forever; pause
 * it briefly instead. */
static void pause_accept(struct tdm_stream_listener *ln)
{
	TDM_LOGW(&tdm_log_stream, "accept: %s; pausing 100 ms",
		 tdm_strerror(-errno));
	tdm_loop_modify(ln->s->loop, ln->fd, 0);
	tdm_timer_start(tdm_loop_wheel(ln->s->loop), &ln->resume, 100);
}

static void on_accept(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	struct tdm_stream_listener *ln = arg;
	struct tdm_streams *s = ln->s;

	(void)l;
	(void)events;
	for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct tdm_addr peer;
		int cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				pause_accept(ln);
			return;
		}
		if (tdm_addr_from_sockaddr(&peer, (struct sockaddr *)&ss, sl)) {
			close(cfd);
			continue;
		}
		accept_one(s, ln, cfd, &peer);
	}
}

/* A listening socket bound with SO_REUSEPORT, so every worker has its
 * own on the same address and the kernel spreads connections. */
static int open_listener(const struct tdm_addr *a, int *out)
{
	int family = tdm_addr_family(a), fd, err;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!err)
		err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!err && family == AF_INET6)
		err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (!err && bind(fd, (const struct sockaddr *)&a->ss, a->len))
		err = -errno;
	if (!err && listen(fd, BACKLOG))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int tdm_streams_listen(struct tdm_streams *s, const struct tdm_listen *l)
{
	struct tdm_stream_listener *ln, **ls;
	int err, fd = -1;

	if (!s || !l || !is_stream(l->proto) || !tdm_addr_family(&l->addr))
		return -EINVAL;
	if ((l->proto == TDM_PROTO_TLS || l->proto == TDM_PROTO_WSS) &&
	    !tdm_tls_can_serve()) {
		TDM_LOGE(&tdm_log_stream, "cannot listen on %s without a "
			 "tls_cert", tdm_proto_name(l->proto));
		return -EINVAL;
	}
	ls = tdm_realloc(s->ls, (s->nls + 1) * sizeof(*ls));
	if (!ls)
		return -ENOMEM;
	s->ls = ls;
	ln = tdm_calloc(1, sizeof(*ln));
	if (!ln)
		return -ENOMEM;
	err = open_listener(&l->addr, &fd);
	if (err) {
		tdm_free(ln);
		return err;
	}
	*ln = (struct tdm_stream_listener){ .s = s, .fd = fd, .l = l };
	tdm_timer_init(&ln->resume, resume_accept, ln);
	err = tdm_loop_watch(s->loop, fd, TDM_LOOP_READ, on_accept, ln);
	if (err) {
		close(fd);
		tdm_free(ln);
		return err;
	}
	ln->watched = true;
	s->ls[s->nls++] = ln;
	return 0;
}

int tdm_streams_bound(const struct tdm_streams *s, const struct tdm_listen *l,
		      struct tdm_addr *out)
{
	for (unsigned i = 0; i < s->nls; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (s->ls[i]->l != l)
			continue;
		if (getsockname(s->ls[i]->fd, (struct sockaddr *)&ss, &sl))
			return -errno;
		return tdm_addr_from_sockaddr(out, (struct sockaddr *)&ss, sl);
	}
	return -ENOENT;
}

void tdm_streams_stop_accepting(struct tdm_streams *s)
{
	for (unsigned i = 0; s && i < s->nls; i++) {
		struct tdm_stream_listener *ln = s->ls[i];

		tdm_timer_stop(&ln->resume);
		if (ln->fd < 0)
			continue;
		tdm_loop_unwatch(s->loop, ln->fd);
		close(ln->fd);
		ln->fd = -1;
		ln->watched = false;
	}
}

void tdm_streams_free(struct tdm_streams *s)
{
	struct tdm_list_node *n;

	if (!s)
		return;
	s->freeing = true;
	tdm_streams_stop_accepting(s);
	for (unsigned i = 0; i < s->nls; i++)
		tdm_free(s->ls[i]);
	tdm_free(s->ls);
	while ((n = tdm_list_first(&s->conns)))
		tdm_conn_close(TDM_LIST_ENTRY(n, struct tdm_conn, link),
			       -ECONNABORTED);
	free_zombies(s);
	while ((n = tdm_list_pop_head(&s->fails)))
		tdm_free(TDM_LIST_ENTRY(n, struct tdm_stream_fail, link));
	tdm_loop_before_sleep_remove(s->loop, before_sleep, s);
	tdm_free(s);
}
