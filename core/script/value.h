/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/script: operations on script values that the VM and the
 * built-ins share — text formatting (for "${...}" and str()), equality
 * and ordering. */
#ifndef TANDEM_SCRIPT_VALUE_H
#define TANDEM_SCRIPT_VALUE_H

#include <tandem/arena.h>
#include <tandem/script.h>

/* v as text, in the arena when it has to be built: "true"/"false",
 * decimal ints, strings as they are, lists as "[a, b]". 0 or -ENOMEM. */
int tdm_scr_value_format(struct tdm_arena *a, const struct tdm_value *v,
			 struct tdm_str *out);
/* a == b for values of the same type (the checker guarantees it);
 * strings compare byte for byte. */
bool tdm_scr_value_eq(const struct tdm_value *a, const struct tdm_value *b);
/* <0, 0, >0 for ints (numerically) and strings (bytewise). */
int tdm_scr_value_cmp(const struct tdm_value *a, const struct tdm_value *b);
/* Whether v equals one of the list's items (the `in` operator). */
bool tdm_scr_value_in(const struct tdm_value *v, const struct tdm_value_list *l);

#endif
