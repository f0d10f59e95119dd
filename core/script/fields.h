/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/script: the message fields a script reads and writes by
 * name (request.uri.user, from.tag, source.ip ...). One table row per
 * field gives its type, the route types where it may be read or written,
 * and its getter and setter; the checker and the VM both use the table,
 * and docs/routing-language.md lists the same rows. */
#ifndef TANDEM_SCRIPT_FIELDS_H
#define TANDEM_SCRIPT_FIELDS_H

#include <stddef.h>
#include <tandem/script.h>
#include "ctx.h"

/* Getters return 0, -EBADMSG when the header behind the field is
 * malformed (the VM answers 400 then), or -ENOMEM. */
typedef int tdm_scr_field_get(struct tdm_scr_ctx *x, struct tdm_value *out);
typedef int tdm_scr_field_set(struct tdm_scr_ctx *x, const struct tdm_value *v);

struct tdm_scr_field {
	const char *name;          /* dotted: "request.uri.user" */
	enum tdm_type type;
	unsigned read_routes;      /* enum tdm_route_type mask */
	unsigned write_routes;     /* 0: read-only */
	tdm_scr_field_get *get;
	tdm_scr_field_set *set;    /* NULL when read-only */
	const char *doc;
};

/* The field called `name` (len bytes), or NULL. */
const struct tdm_scr_field *tdm_scr_field_find(const char *name, size_t len);
/* Every field, ending with a row whose name is NULL (for docs and the
 * checker's "did you mean" hints). */
extern const struct tdm_scr_field tdm_scr_fields[];

#endif
