/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd --dump-program: the compiled closure tree, one node a line,
 * indented by depth, with what the compiler resolved (slots, fields,
 * functions, constants) and the source line of each statement. */
#include <inttypes.h>
#include "script/program.h"
#include "script/value.h"

static void dump_node(const struct tdm_scr_node *n, struct tdm_buf *out,
		      unsigned depth, struct tdm_arena *a);

static void dump_list(const struct tdm_scr_node *n, struct tdm_buf *out,
		      unsigned depth, struct tdm_arena *a)
{
	for (; n; n = n->next)
		dump_node(n, out, depth, a);
}

static void dump_detail(const struct tdm_scr_node *n, struct tdm_buf *out,
			struct tdm_arena *a)
{
	struct tdm_str s;

	if (n->fn == tdm_scr_vm_const && n->op_kind == 0) {
		tdm_scr_value_format(a, &n->u.k, &s);
		tdm_buf_printf(out, n->u.k.type == TDM_T_STR ? " \"%.*s\"" : " %.*s",
			       TDM_STR_FMT(&s));
	} else if (n->fn == tdm_scr_vm_local || n->fn == tdm_scr_vm_let ||
		   n->fn == tdm_scr_vm_txn || n->fn == tdm_scr_vm_set_txn) {
		tdm_buf_printf(out, " #%u", n->u.slot);
	} else if (n->fn == tdm_scr_vm_call_route) {
		tdm_buf_printf(out, " %.*s", TDM_STR_FMT(&n->u.route->name));
	}
}

static void dump_node(const struct tdm_scr_node *n, struct tdm_buf *out,
		      unsigned depth, struct tdm_arena *a)
{
	tdm_buf_printf(out, "%*s%s", (int)(2 * depth), "", n->op);
	dump_detail(n, out, a);
	tdm_buf_printf(out, "  @%u:%u\n", n->pos.line, n->pos.col);
	if (n->fn == tdm_scr_vm_call_route)
		return; /* the route is printed on its own */
	if (n->fn == tdm_scr_vm_if || n->fn == tdm_scr_vm_switch ||
	    n->fn == tdm_scr_vm_block || n->fn == tdm_scr_vm_interp ||
	    n->fn == tdm_scr_vm_list || n->fn == tdm_scr_vm_builtin ||
	    n->fn == tdm_scr_vm_modcall) {
		dump_list(n->a, out, depth + 1, a);
		if (n->b) {
			if (n->fn == tdm_scr_vm_if)
				tdm_buf_printf(out, "%*sthen\n", (int)(2 * depth + 2), "");
			dump_list(n->b, out, depth + 1, a);
		}
		if (n->c) {
			tdm_buf_printf(out, "%*selse\n", (int)(2 * depth + 2), "");
			dump_list(n->c, out, depth + 1, a);
		}
		return;
	}
	if (n->a)
		dump_node(n->a, out, depth + 1, a);
	if (n->b)
		dump_node(n->b, out, depth + 1, a);
}

void tdm_scr_program_dump(const struct tdm_scr_program *p, struct tdm_buf *out)
{
	struct tdm_arena *a;

	if (tdm_arena_new(&a, 4096))
		return;
	tdm_buf_printf(out, "program sha256=%s locals=%u txn=%u\n", p->hash,
		       p->nlocals, p->ntxn);
	for (unsigned i = 0; i < p->ntxn; i++) {
		struct tdm_str s;
		tdm_scr_value_format(a, &p->txn[i].def, &s);
		tdm_buf_printf(out, "txn #%u %.*s = %.*s\n", i,
			       TDM_STR_FMT(&p->txn[i].name), TDM_STR_FMT(&s));
	}
	for (const struct tdm_scr_route *r = p->routes; r; r = r->next) {
		tdm_buf_printf(out, "route %.*s  @%u:%u\n", TDM_STR_FMT(&r->name),
			       r->pos.line, r->pos.col);
		dump_list(r->body, out, 1, a);
	}
	tdm_arena_free(a);
}
