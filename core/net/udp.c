/* SPDX-License-Identifier: GPL-2.0-or-later
 * UDP sockets: batched receive with recvmmsg(2) and a per-socket send
 * queue flushed with sendmmsg(2). The queue is a FIFO of entries over one
 * byte buffer: entries append at the tail, a flush consumes from the
 * head, and the space is reclaimed when the queue empties (or compacted
 * when a full queue still holds unsent datagrams after an EAGAIN). */
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/udp.h>
#include "net/udp_impl.h"

#define DEF_RECV_BATCH 32u
#define DEF_SEND_BURST 64u
#define DEF_SEND_QUEUE 256u
#define DEF_SEND_BYTES (256u * 1024u)

struct qent {
	struct tdm_addr to;
	size_t off; /* into tdm_udp.bytes */
	size_t len;
};

struct tdm_udp {
	int fd;
	int rcvbuf;               /* granted, from getsockopt */
	struct tdm_addr local;
	unsigned recv_cap;
	struct mmsghdr *rvec;     /* recv_cap entries */
	struct iovec *riov;
	unsigned burst;
	struct mmsghdr *svec;     /* burst entries */
	struct iovec *siov;
	struct qent *q;           /* send queue: [qhead, qtail) of qcap */
	unsigned qcap, qhead, qtail;
	char *bytes;              /* payloads: [q[qhead].off, btail) of bcap */
	size_t bcap, btail;
	tdm_udp_sendmmsg_fn *send_fn;
	void *send_arg;
	/* Single writer (the owner); atomics so tdm_udp_stats() may read
	 * them from another thread. */
	_Atomic uint64_t received, sent, dropped, truncated;
	_Atomic int last_drop_err;
};

static int real_sendmmsg(int fd, struct mmsghdr *vec, unsigned n, int flags,
			 void *arg)
{
	(void)arg;
	return sendmmsg(fd, vec, n, flags);
}

/* Single-writer increment: a plain load and store, no locked add. */
static void bump(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static int check_opts(const struct tdm_udp_opts *o)
{
	if (o->recv_batch > TDM_UDP_BATCH_MAX || o->send_burst > TDM_UDP_BATCH_MAX)
		return -EINVAL;
	if (o->rcvbuf < 0 || o->sndbuf < 0)
		return -EINVAL;
	if (o->send_bytes && o->send_bytes < TDM_UDP_DGRAM_MAX)
		return -EINVAL;
	return 0;
}

static void free_sock(struct tdm_udp *s)
{
	if (s->fd >= 0)
		close(s->fd);
	tdm_free(s->rvec);
	tdm_free(s->riov);
	tdm_free(s->svec);
	tdm_free(s->siov);
	tdm_free(s->q);
	tdm_free(s->bytes);
	tdm_free(s);
}

static int alloc_bufs(struct tdm_udp *s, const struct tdm_udp_opts *o)
{
	s->recv_cap = o->recv_batch ? o->recv_batch : DEF_RECV_BATCH;
	s->burst = o->send_burst ? o->send_burst : DEF_SEND_BURST;
	s->qcap = o->send_queue ? o->send_queue : DEF_SEND_QUEUE;
	s->bcap = o->send_bytes ? o->send_bytes : DEF_SEND_BYTES;
	s->rvec = tdm_calloc(s->recv_cap, sizeof(*s->rvec));
	s->riov = tdm_calloc(s->recv_cap, sizeof(*s->riov));
	s->svec = tdm_calloc(s->burst, sizeof(*s->svec));
	s->siov = tdm_calloc(s->burst, sizeof(*s->siov));
	s->q = tdm_calloc(s->qcap, sizeof(*s->q));
	s->bytes = tdm_malloc(s->bcap);
	if (!s->rvec || !s->riov || !s->svec || !s->siov || !s->q || !s->bytes)
		return -ENOMEM;
	return 0;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

/* Socket options, bind, and what the kernel made of them. */
static int setup_fd(struct tdm_udp *s, const struct tdm_addr *bind_to,
		    const struct tdm_udp_opts *o)
{
	int family = tdm_addr_family(bind_to), err = 0;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       IPPROTO_UDP);
	if (s->fd < 0)
		return -errno;
	if (o->reuseport)
		err = set_int(s->fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!err && family == AF_INET6)
		err = set_int(s->fd, IPPROTO_IPV6, IPV6_V6ONLY,
			      o->v6_dualstack ? 0 : 1);
	if (!err && o->rcvbuf)
		err = set_int(s->fd, SOL_SOCKET, SO_RCVBUF, o->rcvbuf);
	if (!err && o->sndbuf)
		err = set_int(s->fd, SOL_SOCKET, SO_SNDBUF, o->sndbuf);
	if (err)
		return err;
	if (bind(s->fd, (const struct sockaddr *)&bind_to->ss, bind_to->len))
		return -errno;
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len))
		return -errno;
	err = tdm_addr_from_sockaddr(&s->local, (struct sockaddr *)&ss, len);
	if (err)
		return err;
	len = sizeof(s->rcvbuf);
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf, &len))
		return -errno;
	return 0;
}

int tdm_udp_open(struct tdm_udp **out, const struct tdm_addr *bind_to,
		 const struct tdm_udp_opts *o)
{
	static const struct tdm_udp_opts defaults;
	struct tdm_udp *s;
	int err, family = tdm_addr_family(bind_to);

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if (!o)
		o = &defaults;
	err = check_opts(o);
	if (err)
		return err;
	s = tdm_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->send_fn = real_sendmmsg;
	err = alloc_bufs(s, o);
	if (!err)
		err = setup_fd(s, bind_to, o);
	if (err) {
		free_sock(s);
		return err;
	}
	*out = s;
	return 0;
}

void tdm_udp_close(struct tdm_udp *s)
{
	if (!s)
		return;
	free_sock(s);
}

int tdm_udp_fd(const struct tdm_udp *s)
{
	return s ? s->fd : -EINVAL;
}

const struct tdm_addr *tdm_udp_local(const struct tdm_udp *s)
{
	return &s->local;
}

int tdm_udp_rcvbuf(const struct tdm_udp *s)
{
	return s->rcvbuf;
}

void tdm_udp_set_sendmmsg(struct tdm_udp *s, tdm_udp_sendmmsg_fn *fn,
			  void *arg)
{
	s->send_fn = fn ? fn : real_sendmmsg;
	s->send_arg = fn ? arg : NULL;
}

int tdm_udp_recv_batch(struct tdm_udp *s, struct tdm_udp_dgram *out,
		       unsigned max)
{
	unsigned n, i, trunc = 0;
	int r;

	if (!s || (!out && max))
		return -EINVAL;
	n = max < s->recv_cap ? max : s->recv_cap;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct msghdr *h = &s->rvec[i].msg_hdr;

		s->riov[i].iov_base = out[i].data;
		s->riov[i].iov_len = out[i].size;
		memset(h, 0, sizeof(*h));
		h->msg_name = &out[i].src.ss;
		h->msg_namelen = sizeof(out[i].src.ss);
		h->msg_iov = &s->riov[i];
		h->msg_iovlen = 1;
	}
	/* MSG_TRUNC: msg_len is the size on the wire, not the size copied. */
	do
		r = recvmmsg(s->fd, s->rvec, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
	for (i = 0; i < (unsigned)r; i++) {
		const struct mmsghdr *m = &s->rvec[i];
		struct tdm_udp_dgram *d = &out[i];

		d->wire_len = m->msg_len;
		d->len = d->wire_len < d->size ? d->wire_len : d->size;
		d->truncated = (m->msg_hdr.msg_flags & MSG_TRUNC) ||
			       d->wire_len > d->size;
		d->src.len = m->msg_hdr.msg_namelen;
		trunc += d->truncated;
	}
	bump(&s->received, (uint64_t)r);
	bump(&s->truncated, trunc);
	return r;
}

unsigned tdm_udp_pending(const struct tdm_udp *s)
{
	return s ? s->qtail - s->qhead : 0;
}

static bool has_room(const struct tdm_udp *s, size_t len)
{
	return s->qtail < s->qcap && s->bcap - s->btail >= len;
}

/* Moves the unsent entries and their bytes to the front. */
static void compact(struct tdm_udp *s)
{
	size_t from;
	unsigned n = s->qtail - s->qhead;

	if (n == 0) {
		s->qhead = s->qtail = 0;
		s->btail = 0;
		return;
	}
	if (s->qhead == 0)
		return;
	from = s->q[s->qhead].off;
	memmove(s->bytes, s->bytes + from, s->btail - from);
	memmove(s->q, s->q + s->qhead, n * sizeof(*s->q));
	for (unsigned i = 0; i < n; i++)
		s->q[i].off -= from;
	s->btail -= from;
	s->qhead = 0;
	s->qtail = n;
}

int tdm_udp_queue(struct tdm_udp *s, const struct tdm_addr *to,
		  const void *data, size_t len)
{
	struct qent *e;
	int family = tdm_addr_family(to);

	if (!s || !family || (!data && len))
		return -EINVAL;
	if (family != s->local.ss.ss_family)
		return -EAFNOSUPPORT;
	if (len > TDM_UDP_DGRAM_MAX)
		return -EMSGSIZE;
	if (!has_room(s, len)) {
		compact(s);
		if (!has_room(s, len)) {
			(void)tdm_udp_flush(s);
			compact(s);
			if (!has_room(s, len))
				return -EAGAIN;
		}
	}
	e = &s->q[s->qtail++];
	e->to = *to;
	e->off = s->btail;
	e->len = len;
	if (len)
		memcpy(s->bytes + s->btail, data, len);
	s->btail += len;
	return 0;
}

/* Points svec[0..n) at the queue head. */
static unsigned build_burst(struct tdm_udp *s)
{
	unsigned n = s->qtail - s->qhead, i;

	if (n > s->burst)
		n = s->burst;
	for (i = 0; i < n; i++) {
		struct qent *e = &s->q[s->qhead + i];
		struct msghdr *h = &s->svec[i].msg_hdr;

		s->siov[i].iov_base = s->bytes + e->off;
		s->siov[i].iov_len = e->len;
		memset(h, 0, sizeof(*h));
		h->msg_name = &e->to.ss;
		h->msg_namelen = e->to.len;
		h->msg_iov = &s->siov[i];
		h->msg_iovlen = 1;
	}
	return n;
}

/* Errors after which the datagram may well go out later: keep it. */
static bool transient(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS ||
	       err == ENOMEM;
}

int tdm_udp_flush(struct tdm_udp *s)
{
	int r, err;

	if (!s)
		return -EINVAL;
	while (s->qhead < s->qtail) {
		r = s->send_fn(s->fd, s->svec, build_burst(s), 0, s->send_arg);
		if (r > 0) {
			s->qhead += (unsigned)r;
			bump(&s->sent, (uint64_t)r);
			continue;
		}
		err = r == 0 ? EAGAIN : errno; /* 0: nothing taken, retry later */
		if (err == EINTR)
			continue;
		if (transient(err))
			return -err;
		/* sendmmsg reports an error only for the first datagram of
		 * the call: the head is refused for good. */
		s->qhead++;
		bump(&s->dropped, 1);
		atomic_store_explicit(&s->last_drop_err, -err,
				      memory_order_relaxed);
	}
	s->qhead = s->qtail = 0;
	s->btail = 0;
	return 0;
}

void tdm_udp_stats(const struct tdm_udp *s, struct tdm_udp_stats *out)
{
	out->received = atomic_load_explicit(&s->received, memory_order_relaxed);
	out->sent = atomic_load_explicit(&s->sent, memory_order_relaxed);
	out->dropped = atomic_load_explicit(&s->dropped, memory_order_relaxed);
	out->truncated =
		atomic_load_explicit(&s->truncated, memory_order_relaxed);
	out->last_drop_err =
		atomic_load_explicit(&s->last_drop_err, memory_order_relaxed);
}
