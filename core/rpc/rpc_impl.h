/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/rpc: one request being answered. Its answer is a
 * jansson tree; struct tdm_rpc_val is a json_t in disguise, so the public
 * header needs no jansson. */
#ifndef TDM_RPC_IMPL_H
#define TDM_RPC_IMPL_H

#include <jansson.h>
#include <tandem/rpc.h>
#include "module/mod.h"

struct tdm_rpc {
	const struct tdm_rpc_def *def;
	struct tdm_rpc_param spec[TDM_RPC_MAX_PARAMS];
	unsigned nspec;
	json_t *params[TDM_RPC_MAX_PARAMS]; /* borrowed from the request */
	char *any_text[TDM_RPC_MAX_PARAMS]; /* `any` params as JSON text */
	json_t *result;                     /* owned */
	json_t *error;                      /* owned: {"code","message"} */
	bool oom;
};

#define RPC_VAL(j) ((struct tdm_rpc_val *)(j))
#define RPC_JSON(v) ((json_t *)(v))

/* A JSON string from bytes that may not be UTF-8 (invalid bytes become
 * U+FFFD); NULL when out of memory. */
json_t *tdm_rpc_json_string(const char *s, size_t len);

/* Binds the request's params (array, object or absent) to r->spec.
 * 0, or -EINVAL with r->error set (-32602). */
int tdm_rpc_bind_params(struct tdm_rpc *r, json_t *params);

/* Frees what r owns. */
void tdm_rpc_release(struct tdm_rpc *r);

/* Marks the rpc running on this thread as out of memory (the value
 * calls know no rpc). */
void tdm_rpc_note_oom(void);
void tdm_rpc_set_current(struct tdm_rpc *r);

#endif
