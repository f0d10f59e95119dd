/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: where the RPC commands and statistics are found. The
 * modules' tables come from their descriptors (read from the module
 * registry when asked); the core's own tables (node, database, logging,
 * transports) are registered here by the subsystem that owns them, so no
 * lower layer reaches up into the node. Registration happens on the main
 * thread before the admin API starts; lookups are thread-safe. */
#ifndef TDM_RPC_REGISTRY_H
#define TDM_RPC_REGISTRY_H

#include <stdbool.h>
#include <tandem/module.h>
#include <tandem/rpc.h>
#include <tandem/stats.h>

/* Most core tables of each kind. */
#define TDM_RPC_CORE_TABLES 16

/* Adds a core table (TDM_RPC_END / TDM_STAT_END-terminated, static
 * storage). `owner` ("core", "db") is shown in listings. Adding the same
 * table twice is a no-op. 0, -ENOSPC, -EINVAL (a malformed entry: the
 * same rules as a module's table: tdm_mod_check_rpc and
 * tdm_mod_check_stat in core/module/mod.h). */
int tdm_rpc_add_core_table(const char *owner, const struct tdm_rpc_def *defs);
int tdm_stats_add_core_table(const char *owner,
			     const struct tdm_stat_def *defs);
/* Removes every core table (shutdown, tests). */
void tdm_rpc_clear_core_tables(void);

/* Calls fn for every command: the core's tables, then each loaded
 * module's, in load order. Stops when fn returns non-zero (returned). */
typedef int tdm_rpc_each_fn(const char *owner, const struct tdm_rpc_def *d,
			    void *arg);
int tdm_rpc_foreach(tdm_rpc_each_fn *fn, void *arg);
/* The command called `method` (owner set too), or NULL. */
const struct tdm_rpc_def *tdm_rpc_find(const char *method, const char **owner);

/* Same for statistics. */
typedef int tdm_stats_each_fn(const char *owner, const struct tdm_stat_def *d,
			      void *arg);
int tdm_stats_foreach(tdm_stats_each_fn *fn, void *arg);

/* Calls and scrapes hold the registry open: tdm_rpc_enter() returns
 * false once it is closed (then answer "stopping"), else pair it with
 * tdm_rpc_leave(). tdm_rpc_close(true) waits for the calls in progress
 * and turns new ones away — before the modules unload, so that no
 * command or read function runs on a module being freed (the admin API
 * may outlive them in the unload order). tdm_rpc_close(false) reopens. */
bool tdm_rpc_enter(void);
void tdm_rpc_leave(void);
void tdm_rpc_close(bool close);

#endif
