/* SPDX-License-Identifier: GPL-2.0-or-later
 * Sending on the stream transports: choose the connection (by id, else by
 * protocol and peer address, else open one), queue on it when this
 * worker owns it, or copy the bytes into a job posted to the owner's loop
 * (only the owner may touch a connection). Outgoing connections are
 * opened non-blocking with a connect deadline. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include "net/conn.h"
#include "net/conn_table.h"

/* A send handed from one worker to the owner of the connection. */
struct send_job {
	struct tdm_streams *to, *from;
	struct tdm_dest d;     /* d.sni points into data after the message */
	uint64_t cookie;
	size_t len;
	char data[];
};

static bool is_stream(enum tdm_proto p)
{
	return p == TDM_PROTO_TCP || p == TDM_PROTO_TLS || p == TDM_PROTO_WS ||
	       p == TDM_PROTO_WSS;
}

/* The listener a new outgoing connection counts as arriving on (for
 * tdm_rcv.listen of what comes back): the requested one, else the first
 * of the protocol and family. */
static const struct tdm_listen *pick_listen(struct tdm_streams *s,
					    const struct tdm_dest *d)
{
	if (d->listen)
		return d->listen;
	for (unsigned i = 0; i < s->nls; i++) {
		const struct tdm_listen *l = s->ls[i]->l;

		if (l->proto == d->proto &&
		    tdm_addr_family(&l->addr) == tdm_addr_family(&d->addr))
			return l;
	}
	return NULL;
}

static bool specific_ip(const struct tdm_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)&a->ss)
			       ->sin_addr.s_addr != htonl(INADDR_ANY);
	return !IN6_IS_ADDR_UNSPECIFIED(
		&((const struct sockaddr_in6 *)(const void *)&a->ss)->sin6_addr);
}

/* Socket for an outgoing connection, bound to the listen address's IP
 * when one was asked for, so the peer sees the address we advertise. */
static int out_socket(const struct tdm_dest *d, int *out)
{
	int family = tdm_addr_family(&d->addr), one = 1, fd;
	struct tdm_addr b;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (d->listen && tdm_addr_family(&d->listen->addr) == family &&
	    specific_ip(&d->listen->addr)) {
		b = d->listen->addr;
		tdm_addr_set_port(&b, 0);
#ifdef IP_BIND_ADDRESS_NO_PORT
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof(one));
#endif
		if (bind(fd, (struct sockaddr *)&b.ss, b.len)) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	*out = fd;
	return 0;
}

/* Opens a connection to d from s and queues the message on it. Errors
 * after the connection exists (connect refused at once included) go to
 * the fail callback; the return is 0 then. */
static int connect_and_queue(struct tdm_streams *s, const struct tdm_dest *d,
			     const char *data, size_t len, uint64_t cookie,
			     struct tdm_streams *sender)
{
	struct tdm_conn *c;
	int err, fd = -1;

	if (!tdm_addr_family(&d->addr))
		return -ENOTCONN;
	err = tdm_conn_table_admit(&d->addr, false);
	if (err) {
		TDM_STREAM_COUNT(refused_limit);
		TDM_LOGN(&tdm_log_stream, "not connecting: max_connections");
		return -ENOTCONN;
	}
	err = out_socket(d, &fd);
	if (!err) {
		err = tdm_conn_new(&c, s, fd, d->proto, &d->addr,
				   pick_listen(s, d), true, TDM_LOOP_WRITE);
		if (err)
			close(fd);
	}
	if (err) {
		tdm_conn_table_release(&d->addr, false);
		return err;
	}
	c->admitted = true;
	if (d->sni.len && !(c->sni = tdm_strndup(d->sni.s, d->sni.len))) {
		tdm_conn_close(c, -ENOMEM);
		return -ENOMEM;
	}
	c->state = TDM_CONN_CONNECTING;
	err = tdm_conn_queue(c, data, len, cookie, sender);
	if (err) {
		tdm_conn_close(c, err);
		return err;
	}
	tdm_conn_table_add(c);
	tdm_conn_arm_deadline(c, tdm_stream_g.lim.connect_ms);
	if (connect(fd, (const struct sockaddr *)&d->addr.ss, d->addr.len) &&
	    errno != EINPROGRESS)
		tdm_conn_close(c, -errno);
	return 0;
}

/* Finds the connection for d: by id, else by protocol and address. */
static int find(const struct tdm_dest *d, struct tdm_conn_ref *r)
{
	if (d->conn_id && !tdm_conn_table_find_id(d->conn_id, r))
		return 0;
	return tdm_conn_table_find_addr(d->proto, &d->addr, r);
}

/* The owner's side of a posted send. */
static void run_job(struct tdm_loop *l, void *arg)
{
	struct send_job *j = arg;
	struct tdm_streams *s = j->to;
	struct tdm_conn_ref r;
	int err;

	(void)l;
	if (!find(&j->d, &r) && r.owner == s)
		err = tdm_conn_queue(r.conn, j->data, j->len, j->cookie,
				     j->from);
	else if (j->d.no_connect)
		err = -ENOTCONN;
	else
		err = connect_and_queue(s, &j->d, j->data, j->len, j->cookie,
					j->from);
	if (err && j->cookie)
		tdm_stream_report_fail(s, j->from, j->cookie, err);
	tdm_free(j);
}

static int post_job(struct tdm_streams *s, struct tdm_streams *owner,
		    const struct tdm_dest *d, uint64_t id, const char *data,
		    size_t len, uint64_t cookie)
{
	struct send_job *j = tdm_malloc(sizeof(*j) + len + d->sni.len);
	int err;

	if (!j)
		return -ENOMEM;
	j->to = owner;
	j->from = s;
	j->d = *d;
	j->d.conn_id = id;
	j->cookie = cookie;
	j->len = len;
	memcpy(j->data, data, len);
	if (d->sni.len)
		memcpy(j->data + len, d->sni.s, d->sni.len);
	j->d.sni.s = j->data + len;
	err = tdm_loop_post(owner->loop, run_job, j);
	if (err)
		tdm_free(j);
	return err;
}

int tdm_stream_send_cookie(struct tdm_streams *s, const struct tdm_dest *d,
			   const char *data, size_t len, uint64_t cookie)
{
	struct tdm_conn_ref r;

	if (!s || !d || (!data && len) || !is_stream(d->proto))
		return -EINVAL;
	if (!len)
		return -EINVAL;
	if (len > tdm_stream_g.lim.max_msg)
		return -EMSGSIZE;
	if (!find(d, &r)) {
		if (r.owner == s)
			return tdm_conn_queue(r.conn, data, len, cookie, s);
		return post_job(s, r.owner, d, r.id, data, len, cookie);
	}
	if (d->no_connect)
		return -ENOTCONN;
	return connect_and_queue(s, d, data, len, cookie, s);
}

int tdm_stream_send(struct tdm_streams *s, const struct tdm_dest *d,
		    const char *data, size_t len)
{
	return tdm_stream_send_cookie(s, d, data, len, 0);
}
