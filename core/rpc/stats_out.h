/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the statistics as JSON, for the core.stats RPC. */
#ifndef TDM_RPC_STATS_OUT_H
#define TDM_RPC_STATS_OUT_H

#include <tandem/rpc.h>

/* Fills obj (an RPC result object) with every statistic whose name
 * starts with prefix (NULL: all): name -> number, [{"labels","value"}]
 * or {"count","sum"}. 0 or -ENOMEM. */
int tdm_stats_json(struct tdm_rpc_val *obj, const char *prefix);

#endif
