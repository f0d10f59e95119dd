/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test fixture: a real DNS server (Debian's dnsmasq) on 127.0.0.1 and a
 * free port, serving the records the resolver tests expect. Started with
 * fork/exec, waited for by querying it, stopped by PID. */
#ifndef TDM_TEST_DNSMASQ_H
#define TDM_TEST_DNSMASQ_H

#include <stdint.h>
#include <sys/types.h>

#define DNSMASQ_BIN "/usr/sbin/dnsmasq"

struct dnsmasq {
	pid_t pid;
	uint16_t port;
	char servers[32];        /* "127.0.0.1:PORT" for tdm_dns_cfg */
};

/* Starts dnsmasq with the records listed in dnsmasq.c; returns 0 once it
 * answers, or -errno (the binary is missing, it exited, or it did not
 * answer within 10 s). */
int dnsmasq_start(struct dnsmasq *m);
/* Kills it by PID and reaps it. */
void dnsmasq_stop(struct dnsmasq *m);

#endif
