/* SPDX-License-Identifier: GPL-2.0-or-later
 * UDP sockets for the workers. Each worker binds its own socket per
 * listen address (SO_REUSEPORT lets the kernel spread datagrams over
 * them), reads in batches with one recvmmsg(2), and queues outgoing
 * datagrams that the event loop sends with sendmmsg(2) before it sleeps.
 * This file knows nothing about the loop: the loop watches tdm_udp_fd(),
 * calls tdm_udp_recv_batch() when it is readable and tdm_udp_flush() in
 * its before-sleep hook (and on EPOLLOUT while tdm_udp_pending() > 0).
 *
 * Threads: a struct tdm_udp belongs to one thread (its worker); only
 * tdm_udp_stats() may be called from other threads. */
#ifndef TANDEM_UDP_H
#define TANDEM_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/addr.h>
#include <tandem/compiler.h>

/* Largest datagram tdm_udp_queue() accepts. The kernel refuses more than
 * 65507 bytes of IPv4 payload (65527 for IPv6) with EMSGSIZE at flush
 * time; such datagrams are dropped and counted. */
#define TDM_UDP_DGRAM_MAX 65535u
/* Upper limit of recv_batch and send_burst (the kernel's UIO_MAXIOV). */
#define TDM_UDP_BATCH_MAX 1024u

/* Options of tdm_udp_open(). A zeroed struct (or NULL) gives the
 * defaults written next to each field. */
struct tdm_udp_opts {
	/* SO_REUSEPORT: several sockets (one per worker) may bind the same
	 * address and the kernel balances datagrams over them. Default off,
	 * so that an address already in use is reported instead of shared. */
	bool reuseport;
	/* AF_INET6 only: accept IPv4 too (IPV6_V6ONLY off). Default off:
	 * an IPv6 socket is IPv6 only, IPv4 gets its own listen address.
	 * Only meaningful for [::]: Linux makes a socket bound to a
	 * specific IPv6 address IPv6-only regardless. */
	bool v6_dualstack;
	/* SO_RCVBUF / SO_SNDBUF request in bytes; 0 keeps the kernel default.
	 * The kernel caps requests at net.core.rmem_max / wmem_max without
	 * an error; tdm_udp_rcvbuf() reports what was granted. */
	int rcvbuf;
	int sndbuf;
	/* Most datagrams one tdm_udp_recv_batch() call reads. Default 32,
	 * at most TDM_UDP_BATCH_MAX. */
	unsigned recv_batch;
	/* Most datagrams one sendmmsg(2) call sends. Default 64, at most
	 * TDM_UDP_BATCH_MAX. */
	unsigned send_burst;
	/* Send queue capacity: datagrams (default 256) and bytes (default
	 * 256 KiB, at least TDM_UDP_DGRAM_MAX so any datagram fits). */
	unsigned send_queue;
	size_t send_bytes;
};

/* One received datagram. The caller provides data/size; recv fills the
 * rest. */
struct tdm_udp_dgram {
	void *data;           /* in: buffer, owned by the caller */
	size_t size;          /* in: its capacity in bytes */
	size_t len;           /* out: bytes stored in data (<= size) */
	size_t wire_len;      /* out: the datagram's size on the wire */
	struct tdm_addr src;  /* out: sender */
	bool truncated;       /* out: wire_len > size, the rest was lost */
};

/* Counters since open. Written only by the owning thread. */
struct tdm_udp_stats {
	uint64_t received;  /* datagrams read (truncated ones included) */
	uint64_t sent;      /* datagrams the kernel accepted */
	uint64_t dropped;   /* queued datagrams the kernel refused for good
			     * (EMSGSIZE, unreachable ...) */
	uint64_t truncated; /* datagrams larger than the caller's buffer */
	int last_drop_err;  /* -errno of the latest drop by the kernel, or 0 */
};

/* Opaque; owned by whoever opened it, freed by tdm_udp_close(). */
struct tdm_udp;

/* Opens a non-blocking, close-on-exec UDP socket bound to *bind (port 0:
 * a free port, see tdm_udp_local()). o may be NULL. On success *out owns
 * the socket and 0 is returned. Errors: -EINVAL (NULL out/bind, unset
 * address, an option out of range), -ENOMEM, or the -errno of
 * socket/setsockopt/bind (-EADDRINUSE: the address is bound by a socket
 * without SO_REUSEPORT, or this one asked for none; -EADDRNOTAVAIL: not
 * a local address). *out is NULL on error. */
TDM_API int tdm_udp_open(struct tdm_udp **out, const struct tdm_addr *bind,
			 const struct tdm_udp_opts *o);
/* Closes the socket and frees s; queued datagrams are discarded (flush
 * first to send them). NULL is fine. */
TDM_API void tdm_udp_close(struct tdm_udp *s);

/* The file descriptor, for the event loop to watch. Owned by s: do not
 * close it. */
TDM_API int tdm_udp_fd(const struct tdm_udp *s);
/* The bound address as the kernel reports it (the real port when 0 was
 * asked). Valid while s is open. */
TDM_API const struct tdm_addr *tdm_udp_local(const struct tdm_udp *s);
/* SO_RCVBUF as granted by the kernel (getsockopt after the request;
 * Linux reports twice the request, to account for its bookkeeping). */
TDM_API int tdm_udp_rcvbuf(const struct tdm_udp *s);

/* Reads up to max datagrams (capped at the recv_batch option) with one
 * recvmmsg(2) into out[0..max). For every datagram read, out[i].len,
 * wire_len, src and truncated are set; data and size are read only.
 * Returns the count read, 0 when nothing is pending (or max is 0),
 * -EINVAL for NULL arguments, or another -errno from recvmmsg. Never
 * blocks. */
TDM_API int tdm_udp_recv_batch(struct tdm_udp *s, struct tdm_udp_dgram *out,
			       unsigned max);

/* Copies data into the send queue, for the next tdm_udp_flush(). When the
 * queue has no room it first flushes; if there is still no room the
 * datagram is not queued and -EAGAIN is returned (the socket cannot take
 * more now: wait for EPOLLOUT). Other errors: -EINVAL (NULL arguments,
 * unset address), -EAFNOSUPPORT (to's family is not the socket's),
 * -EMSGSIZE (len > TDM_UDP_DGRAM_MAX). Returns 0 when queued. */
TDM_API int tdm_udp_queue(struct tdm_udp *s, const struct tdm_addr *to,
			  const void *data, size_t len);
/* Sends the queue in order with as many sendmmsg(2) calls as needed
 * (send_burst datagrams each). A datagram the kernel refuses for good
 * (any error but the transient ones below) is dropped and counted, and
 * the flush goes on with the next one. Returns 0 when the queue is
 * empty; -EAGAIN when the socket buffer is full, -ENOBUFS/-ENOMEM when
 * the kernel is short of memory: the unsent datagrams stay queued, in
 * order, for the next flush. */
TDM_API int tdm_udp_flush(struct tdm_udp *s);
/* Datagrams queued and not yet sent. */
TDM_API unsigned tdm_udp_pending(const struct tdm_udp *s);

/* A consistent-enough snapshot of the counters (each counter is read
 * atomically; they are not read together). Thread-safe. */
TDM_API void tdm_udp_stats(const struct tdm_udp *s, struct tdm_udp_stats *out);

#endif
