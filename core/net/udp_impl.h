/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/net/udp.c and its tests: a seam in front of sendmmsg(2),
 * so the tests can make the kernel "answer" EAGAIN or a partial send
 * deterministically (loopback UDP drops rather than blocks, so a real
 * full socket buffer cannot be provoked reliably). */
#ifndef TDM_NET_UDP_IMPL_H
#define TDM_NET_UDP_IMPL_H

#include <sys/socket.h>
#include <tandem/udp.h>

/* Same contract as sendmmsg(2): count sent, or -1 with errno set. */
typedef int tdm_udp_sendmmsg_fn(int fd, struct mmsghdr *vec, unsigned n,
				int flags, void *arg);

/* Replaces the sendmmsg(2) call of s; fn NULL restores the real one. */
void tdm_udp_set_sendmmsg(struct tdm_udp *s, tdm_udp_sendmmsg_fn *fn,
			  void *arg);

#endif
