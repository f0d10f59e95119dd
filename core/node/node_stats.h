/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the node's statistics (GET /metrics, core.stats) —
 * SIP traffic and transactions summed over the workers, transports,
 * resolver, script reloads, the node itself — and the database's
 * (core/db/db_stats.c), registered as core tables. */
#ifndef TDM_NODE_STATS_H
#define TDM_NODE_STATS_H

struct tdm_worker;

/* Registers the core's statistic tables (node, database) with the
 * registry (core/rpc/registry.h); the first call also records the start
 * time. Called by the node at start, on the main thread; calling it again
 * is harmless. */
void tdm_node_stats_register(void);

/* worker.c: a worker becomes readable by the statistics once its sockets
 * are open, and stops being read before it is freed (waiting for a
 * reader in progress). Detaching a worker never attached is a no-op. */
void tdm_node_stats_attach(struct tdm_worker *w);
void tdm_node_stats_detach(struct tdm_worker *w);

#endif
