/* SPDX-License-Identifier: GPL-2.0-or-later
 * Runs dnsmasq for the resolver tests: NAPTR, SRV, A and AAAA records of
 * the .test domain (answered locally only, so unknown names are
 * NXDOMAIN), TTL 300 s so that cached answers stay fresh during a test.
 * Readiness is checked by sending it a raw A query until it answers. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "dnsmasq.h"

static const char *const records[] = {
	"--host-record=ready.test,127.0.0.1,300",
	/* NAPTR -> SRV -> A: TCP first (order 10), then UDP; SIPS first of
	 * all, used only when the node has TLS. */
	"--naptr-record=naptr.test,20,10,s,SIP+D2U,,_sip._udp.naptr.test",
	"--naptr-record=naptr.test,10,10,s,SIP+D2T,,_sip._tcp.naptr.test",
	"--naptr-record=naptr.test,5,10,s,SIPS+D2T,,_sips._tcp.naptr.test",
	"--srv-host=_sip._tcp.naptr.test,h1.test,5070,10,10",
	"--srv-host=_sip._udp.naptr.test,h2.test,5080,10,10",
	"--srv-host=_sips._tcp.naptr.test,h3.test,5090,10,10",
	"--host-record=h1.test,127.0.0.11,300",
	"--host-record=h2.test,127.0.0.12,300",
	"--host-record=h3.test,127.0.0.13,300",
	/* No NAPTR: SRV per transport; UDP has two priorities. */
	"--srv-host=_sip._udp.srv.test,a.test,5061,10,0",
	"--srv-host=_sip._udp.srv.test,b.test,5062,20,0",
	"--srv-host=_sip._tcp.srv.test,c.test,5063,10,0",
	"--srv-host=_sips._tcp.sips.test,h3.test,5091,10,0",
	"--host-record=a.test,127.0.0.21,300",
	"--host-record=b.test,127.0.0.22,300",
	"--host-record=c.test,127.0.0.23,300",
	/* Two targets of equal priority and weight. */
	"--srv-host=_sip._udp.weight.test,a.test,5071,10,50",
	"--srv-host=_sip._udp.weight.test,b.test,5072,10,50",
	/* No NAPTR, no SRV: A/AAAA at the default port. */
	"--host-record=plain.test,127.0.0.5,300",
	"--host-record=dual.test,127.0.0.6,::1,300",
	"--host-record=v6.test,::1,300",
};

/* A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both). */
static int free_port(uint16_t *port)
{
	for (int tries = 0; tries < 50; tries++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		int u = socket(AF_INET, SOCK_DGRAM, 0), t = -1, ok = 0;

		if (u >= 0 && bind(u, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    getsockname(u, (struct sockaddr *)&a, &len) == 0) {
			t = socket(AF_INET, SOCK_STREAM, 0);
			ok = t >= 0 && bind(t, (struct sockaddr *)&a, sizeof(a)) == 0;
		}
		if (u >= 0)
			close(u);
		if (t >= 0)
			close(t);
		if (ok) {
			*port = ntohs(a.sin_port);
			return 0;
		}
	}
	return -EADDRINUSE;
}

/* One A query for ready.test; true when any answer came back. */
static int probe(uint16_t port)
{
	static const unsigned char q[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		5, 'r', 'e', 'a', 'd', 'y', 4, 't', 'e', 's', 't', 0,
		0, 1, 0, 1,
	};
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned char buf[512];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return 0;
	if (sendto(fd, q, sizeof(q), 0, (struct sockaddr *)&a, sizeof(a)) > 0 &&
	    poll(&p, 1, 200) == 1 && recv(fd, buf, sizeof(buf), 0) >= 12 &&
	    buf[0] == 0x12 && buf[1] == 0x34)
		ok = 1;
	close(fd);
	return ok;
}

static void run_child(const struct dnsmasq *m)
{
	const char *argv[64];
	char port[32];
	size_t n = 0;

	snprintf(port, sizeof(port), "--port=%u", m->port);
	argv[n++] = DNSMASQ_BIN;
	argv[n++] = "--keep-in-foreground";
	argv[n++] = port;
	argv[n++] = "--listen-address=127.0.0.1";
	argv[n++] = "--bind-interfaces";
	argv[n++] = "--no-resolv";
	argv[n++] = "--no-hosts";
	argv[n++] = "--conf-file=/dev/null";
	argv[n++] = "--pid-file=";
	argv[n++] = "--user=";
	argv[n++] = "--local=/test/";
	argv[n++] = "--local-ttl=300";
	argv[n++] = "--log-facility=/dev/null";
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		argv[n++] = records[i];
	argv[n] = NULL;
	execv(DNSMASQ_BIN, (char *const *)argv);
	_exit(127);
}

int dnsmasq_start(struct dnsmasq *m)
{
	struct timespec t0, t;
	int st, err;

	memset(m, 0, sizeof(*m));
	if (access(DNSMASQ_BIN, X_OK) != 0) {
		fprintf(stderr, "dns tests need %s: apt-get install dnsmasq-base\n",
			DNSMASQ_BIN);
		return -ENOENT;
	}
	err = free_port(&m->port);
	if (err)
		return err;
	snprintf(m->servers, sizeof(m->servers), "127.0.0.1:%u", m->port);
	m->pid = fork();
	if (m->pid < 0)
		return -errno;
	if (m->pid == 0)
		run_child(m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (probe(m->port))
			return 0;
		if (waitpid(m->pid, &st, WNOHANG) == m->pid) {
			m->pid = 0;
			return -ECHILD;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10) {   /* safety net, not a check */
			dnsmasq_stop(m);
			return -ETIMEDOUT;
		}
	}
}

void dnsmasq_stop(struct dnsmasq *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		waitpid(m->pid, NULL, 0);
		m->pid = 0;
	}
}
