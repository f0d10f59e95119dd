/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the RPC tables of core/rpc (builtin.c, db_rpc.c). */
#ifndef TDM_RPC_BUILTIN_H
#define TDM_RPC_BUILTIN_H

#include <tandem/module.h>

/* Registers rpc.list, module.list, log.*, core.stats and db.status.
 * 0 or -errno. */
int tdm_rpc_builtin_register(void);

/* db_rpc.c */
const struct tdm_rpc_def *tdm_rpc_db_table(void);

#endif
