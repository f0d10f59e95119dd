/* SPDX-License-Identifier: GPL-2.0-or-later
 * Compiling a script: settings, transaction variables and module loads
 * first (the routes depend on them), then the route types of named routes
 * from who calls them (a named route is checked against every route type
 * it can run in; a route that calls itself, directly or not, is an
 * error), then every route body. Also the program's lifetime and the
 * entry point that runs a route. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "module/mod.h"
#include "script/compile.h"
#include "script/script.h"

#define ERR(c, pos, ...) tdm_scr_diag_error((c)->d, (pos), __VA_ARGS__)


static const char *const top_names[4] = { "request", "reply", "failure", "branch" };

struct tdm_str comp_str(struct comp *c, const struct tdm_str *s)
{
	char *p = s->len ? tdm_arena_memdup(c->a, s->s, s->len) : NULL;

	if (s->len && !p)
		c->d->err = -ENOMEM;
	return (struct tdm_str){ p, p ? s->len : 0 };
}

const char *comp_file(struct comp *c, const char *file)
{
	struct tdm_str f;

	if (!file || file == c->file_in)
		return file ? c->file_out : NULL;
	f = tdm_str_c(file);
	c->file_in = file;
	c->file_out = tdm_arena_strdup(c->a, &f);
	return c->file_out;
}

struct tdm_scr_node *comp_node(struct comp *c, tdm_scr_node_fn *fn,
			       const char *op, const struct tdm_scr_pos *pos)
{
	struct tdm_scr_node *n = tdm_arena_zalloc(c->a, sizeof(*n));

	if (!n) {
		c->d->err = -ENOMEM;
		return NULL;
	}
	n->fn = fn;
	n->op = op;
	n->pos = *pos;
	n->pos.file = comp_file(c, pos->file);
	return n;
}

const char *comp_missing_route(unsigned have, unsigned need)
{
	for (unsigned i = 0; i < 4; i++)
		if ((need & (1u << i)) && !(have & (1u << i)))
			return top_names[i];
	return "?";
}

struct tdm_scr_route *comp_find_route(struct comp *c, const struct tdm_str *name)
{
	for (struct tdm_scr_route *r = c->p->routes; r; r = r->next)
		if (tdm_str_eq(&r->name, name))
			return r;
	return NULL;
}

/* ---- settings, transaction, load ---------------------------------------- */

static bool list_of_str(const struct tdm_value *v)
{
	if (v->type != TDM_T_LIST)
		return false;
	for (unsigned i = 0; i < v->u.list.count; i++)
		if (v->u.list.items[i].type != TDM_T_STR)
			return false;
	return true;
}

/* Checks one setting against the table of conf/settings.def and keeps
 * its value; the five the compiler itself uses get their own fields. */
static void c_setting(struct comp *c, const struct tdm_scr_setting *s)
{
	struct tdm_scr_settings *st = &c->p->settings;
	const struct tdm_setting_def *d;
	enum tdm_setting_id id;
	struct tdm_value v;
	const struct tdm_str *n = &s->name;

	d = tdm_setting_find(n, &id);
	if (!d) {
		ERR(c, &s->pos, "unknown setting '%.*s' (docs/settings.md lists them)",
		    TDM_STR_FMT(n));
		return;
	}
	if (comp_const(c, s->value, &v))
		return;
	switch (d->type) {
	case TDM_SET_LIST:
		if (!list_of_str(&v)) {
			ERR(c, &s->value->pos, "%s must be a list of strings", d->name);
			return;
		}
		break;
	case TDM_SET_INT:
		if (v.type != TDM_T_INT || v.u.i < d->min || v.u.i > d->max) {
			ERR(c, &s->value->pos, "%s must be an int from %lld to %lld",
			    d->name, (long long)d->min, (long long)d->max);
			return;
		}
		break;
	case TDM_SET_BOOL:
		if (v.type != TDM_T_BOOL) {
			ERR(c, &s->value->pos, "%s must be true or false", d->name);
			return;
		}
		break;
	case TDM_SET_STR:
		if (v.type != TDM_T_STR) {
			ERR(c, &s->value->pos, "%s must be a str", d->name);
			return;
		}
		break;
	}
	st->value[id] = v;
	st->given[id] = true;
	if (id == TDM_SETTING_LISTEN)
		st->listen = v;
	else if (id == TDM_SETTING_DOMAINS)
		st->domains = v;
	else if (id == TDM_SETTING_MODULE_PATH)
		st->module_path = v;
	else if (id == TDM_SETTING_WORKERS)
		st->workers = v.u.i;
	else if (id == TDM_SETTING_DATABASE)
		st->database = v.u.s;
}

static void c_transaction(struct comp *c, const struct tdm_scr_item *it)
{
	unsigned n = 0, i = c->p->ntxn;
	struct tdm_scr_txnvar *v;

	for (const struct tdm_scr_setting *s = it->u.settings; s; s = s->next)
		n++;
	v = tdm_arena_zalloc(c->a, (i + n + 1) * sizeof(*v));
	if (!v)
		return;
	if (i)
		memcpy(v, c->p->txn, i * sizeof(*v));
	for (const struct tdm_scr_setting *s = it->u.settings; s; s = s->next) {
		for (unsigned k = 0; k < i; k++)
			if (tdm_str_eq(&v[k].name, &s->name))
				ERR(c, &s->pos, "transaction variable '%.*s' is declared twice",
				    TDM_STR_FMT(&s->name));
		v[i].name = comp_str(c, &s->name);
		if (comp_const(c, s->value, &v[i].def))
			v[i].def = (struct tdm_value){ .type = TDM_T_STR };
		i++;
	}
	c->p->txn = v;
	c->p->ntxn = i;
}

/* load "name" { params }: loads the module unless it is already loaded
 * (a reload keeps the modules of the running program). */
static void c_load(struct comp *c, const struct tdm_scr_item *it)
{
	const struct tdm_str *name = &it->u.load.name;
	struct tdm_mod *m = tdm_mod_find(name);
	char err[512];

	if (m) {
		if (tdm_mod_started())
			return; /* reload: parameters take effect at restart */
		ERR(c, &it->u.load.name_pos, "module \"%.*s\" is loaded twice",
		    TDM_STR_FMT(name));
		return;
	}
	if (tdm_mod_load(name, NULL, &m, err, sizeof(err))) {
		ERR(c, &it->u.load.name_pos, "%s", err);
		return;
	}
	for (const struct tdm_scr_setting *s = it->u.load.params; s; s = s->next) {
		struct tdm_value v;
		if (comp_const(c, s->value, &v))
			continue;
		if (tdm_mod_set_param(m, &s->name, &v, NULL, err, sizeof(err)))
			ERR(c, &s->pos, "%s", err);
	}
	if (tdm_mod_params_done(m, err, sizeof(err)))
		ERR(c, &it->u.load.name_pos, "%s", err);
}

/* ---- routes -------------------------------------------------------------- */

static int top_index(const struct tdm_str *name)
{
	for (int i = 0; i < 4; i++)
		if (tdm_str_eq_c(name, top_names[i]))
			return i;
	return -1;
}

static void c_declare_route(struct comp *c, const struct tdm_scr_item *it,
			    struct tdm_scr_route ***tail)
{
	struct tdm_scr_route *r = comp_find_route(c, &it->u.route.name);
	int top = top_index(&it->u.route.name);

	if (r) {
		ERR(c, &it->u.route.name_pos, "route '%.*s' is defined twice (first at line %u)",
		    TDM_STR_FMT(&it->u.route.name), r->pos.line);
		return;
	}
	r = tdm_arena_zalloc(c->a, sizeof(*r));
	if (!r)
		return;
	r->name = comp_str(c, &it->u.route.name);
	r->pos = it->u.route.name_pos;
	r->pos.file = comp_file(c, r->pos.file);
	r->ast = it->u.route.body;
	r->mask = top >= 0 ? 1u << top : 0;
	if (top >= 0)
		c->p->top[top] = r;
	**tail = r;
	*tail = &r->next;
}

static void calls_in_stmts(struct comp *c, const struct tdm_scr_stmt *s,
			   struct tdm_scr_route *from, bool *changed);

/* Walks an expression for route(name) calls (they are statements, but a
 * misuse inside an expression is still an edge to follow). */
static void calls_in_expr(struct comp *c, const struct tdm_scr_expr *e,
			  struct tdm_scr_route *from, bool *changed)
{
	struct tdm_scr_route *to;

	if (!e || e->kind != TDM_SCR_E_CALL || !tdm_str_eq_c(&e->u.call.callee, "route") ||
	    e->u.call.nargs != 1 || e->u.call.args->kind != TDM_SCR_E_NAME)
		return;
	to = comp_find_route(c, &e->u.call.args->u.name);
	if (to && top_index(&to->name) < 0 && (to->mask | from->mask) != to->mask) {
		to->mask |= from->mask;
		*changed = true;
	}
}

static void calls_in_stmts(struct comp *c, const struct tdm_scr_stmt *s,
			   struct tdm_scr_route *from, bool *changed)
{
	for (; s; s = s->next) {
		switch (s->kind) {
		case TDM_SCR_S_CALL:
			calls_in_expr(c, s->u.call, from, changed);
			break;
		case TDM_SCR_S_IF:
			calls_in_stmts(c, s->u.if_.then, from, changed);
			calls_in_stmts(c, s->u.if_.els, from, changed);
			break;
		case TDM_SCR_S_MATCH:
			for (const struct tdm_scr_arm *a = s->u.match.arms; a; a = a->next)
				calls_in_stmts(c, a->body, from, changed);
			break;
		case TDM_SCR_S_BLOCK:
			calls_in_stmts(c, s->u.block.first, from, changed);
			break;
		default:
			break;
		}
	}
}

/* Route types of named routes: the union of their callers', to a fixed
 * point. */
static void propagate_masks(struct comp *c)
{
	bool changed = true;

	for (unsigned round = 0; changed && round < 64; round++) {
		changed = false;
		for (struct tdm_scr_route *r = c->p->routes; r; r = r->next)
			if (r->mask)
				calls_in_stmts(c, r->ast, r, &changed);
	}
}

/* Depth-first search for route(name) cycles. */
static bool find_cycle(struct comp *c, struct tdm_scr_route *r,
		       const struct tdm_scr_stmt *s);

static bool cycle_in_expr(struct comp *c, struct tdm_scr_route *from,
			  const struct tdm_scr_expr *e)
{
	struct tdm_scr_route *to;

	if (!e || e->kind != TDM_SCR_E_CALL || !tdm_str_eq_c(&e->u.call.callee, "route") ||
	    e->u.call.nargs != 1 || e->u.call.args->kind != TDM_SCR_E_NAME)
		return false;
	to = comp_find_route(c, &e->u.call.args->u.name);
	if (!to)
		return false;
	if (to->visiting) {
		ERR(c, &e->pos, "route '%.*s' calls itself through route '%.*s'",
		    TDM_STR_FMT(&to->name), TDM_STR_FMT(&from->name));
		return true;
	}
	if (to->acyclic)
		return false; /* already known to be acyclic */
	to->visiting = true;
	bool found = find_cycle(c, to, to->ast);
	to->visiting = false;
	to->acyclic = true;
	return found;
}

static bool find_cycle(struct comp *c, struct tdm_scr_route *r,
		       const struct tdm_scr_stmt *s)
{
	for (; s; s = s->next) {
		bool f = false;
		switch (s->kind) {
		case TDM_SCR_S_CALL: f = cycle_in_expr(c, r, s->u.call); break;
		case TDM_SCR_S_IF:
			f = find_cycle(c, r, s->u.if_.then) || find_cycle(c, r, s->u.if_.els);
			break;
		case TDM_SCR_S_MATCH:
			for (const struct tdm_scr_arm *a = s->u.match.arms; a && !f; a = a->next)
				f = find_cycle(c, r, a->body);
			break;
		case TDM_SCR_S_BLOCK: f = find_cycle(c, r, s->u.block.first); break;
		default: break;
		}
		if (f)
			return true;
	}
	return false;
}

static void compile_routes(struct comp *c)
{
	for (struct tdm_scr_route *r = c->p->routes; r; r = r->next) {
		if (!r->acyclic) {
			r->visiting = true;
			find_cycle(c, r, r->ast);
			r->visiting = false;
			r->acyclic = true;
		}
	}
	for (struct tdm_scr_route *r = c->p->routes; r; r = r->next) {
		if (!r->mask && top_index(&r->name) < 0)
			tdm_scr_diag_warning(c->d, &r->pos, "route '%.*s' is never called",
					     TDM_STR_FMT(&r->name));
		c->mask = r->mask;
		c->route = r;
		r->body = comp_block(c, r->ast ? r->ast->u.block.first : NULL);
		r->ast = NULL;
	}
	c->p->nlocals = c->nslots;
}

/* ---- the whole script ----------------------------------------------------- */

static void apply_defaults(struct tdm_scr_program *p)
{
	static const struct tdm_value listen_default[] = {
		{ .type = TDM_T_STR, .u.s = TDM_STR("udp:127.0.0.1:5060") } };

	p->settings.listen = (struct tdm_value){ .type = TDM_T_LIST,
		.u.list = { 1, listen_default } };
	p->settings.domains = (struct tdm_value){ .type = TDM_T_LIST };
	p->settings.module_path = (struct tdm_value){ .type = TDM_T_LIST };
	p->settings.database = TDM_STR("sqlite:tandem.db");
}

/* SHA-256 over every source file, for "which version is running". */
static void hash_sources(struct tdm_scr_program *p, const struct tdm_scr_diag *d)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	p->hash[0] = '\0';
	if (!ctx)
		return;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (unsigned i = 0; i < d->nsrcs; i++)
		EVP_DigestUpdate(ctx, d->srcs[i].text, d->srcs[i].len);
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(p->hash + 2 * i, 3, "%02x", md[i]);
}

static void compile_items(struct comp *c, const struct tdm_scr_ast *ast)
{
	struct tdm_scr_route **tail = &c->p->routes;
	const struct tdm_scr_item *it;

	/* settings first: module_path decides where load looks */
	for (it = ast->items; it; it = it->next)
		if (it->kind == TDM_SCR_I_SETTINGS)
			for (const struct tdm_scr_setting *s = it->u.settings; s; s = s->next)
				c_setting(c, s);
	for (unsigned i = 0; i < c->p->settings.module_path.u.list.count; i++) {
		const struct tdm_str *dir = &c->p->settings.module_path.u.list.items[i].u.s;
		char *z = tdm_arena_strdup(c->a, dir);
		if (z)
			tdm_mod_path_add(z);
	}
	for (it = ast->items; it; it = it->next) {
		if (it->kind == TDM_SCR_I_TRANSACTION)
			c_transaction(c, it);
		else if (it->kind == TDM_SCR_I_LOAD)
			c_load(c, it);
		else if (it->kind == TDM_SCR_I_ROUTE)
			c_declare_route(c, it, &tail);
	}
	propagate_masks(c);
	compile_routes(c);
}

int tdm_scr_compile(const struct tdm_scr_ast *ast, struct tdm_scr_diag *d,
		    struct tdm_scr_program **out)
{
	struct tdm_scr_program *p = tdm_calloc(1, sizeof(*p));
	struct comp c = { .d = d };

	if (!p || tdm_arena_new(&p->arena, 16384)) {
		tdm_free(p);
		return -ENOMEM;
	}
	atomic_init(&p->refs, 1);
	tdm_log_subsys_register(&tdm_scr_log);
	apply_defaults(p);
	c.p = p;
	c.a = p->arena;
	compile_items(&c, ast);
	hash_sources(p, d);
	p->loaded_at = (int64_t)time(NULL);
	if (d->err == -ENOMEM || tdm_scr_diag_errors(d)) {
		int rc = d->err == -ENOMEM ? -ENOMEM : -EBADMSG;
		tdm_scr_program_unref(p);
		return rc;
	}
	*out = p;
	return 0;
}

int tdm_scr_load_file(const char *path, struct tdm_scr_diag *d,
		      struct tdm_scr_program **out)
{
	struct tdm_arena *a;
	struct tdm_scr_ast *ast;
	int rc;

	if (tdm_arena_new(&a, 65536))
		return -ENOMEM;
	rc = tdm_scr_parse_file(path, d, a, &ast);
	if (!rc)
		rc = tdm_scr_compile(ast, d, out);
	tdm_arena_free(a); /* the program keeps nothing of the tree */
	return rc;
}

void tdm_scr_program_ref(struct tdm_scr_program *p)
{
	atomic_fetch_add(&p->refs, 1);
}

void tdm_scr_program_unref(struct tdm_scr_program *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	for (unsigned i = 0; i < p->npreps; i++)
		tdm_scr_prep_release(p->preps[i]);
	for (unsigned i = 0; i < p->nregexes; i++)
		tdm_scr_regex_free(p->regexes[i]);
	tdm_arena_free(p->arena);
	tdm_free(p);
}

/* ---- running ---------------------------------------------------------------- */

static int txn_defaults(const struct tdm_scr_program *p, struct tdm_scr_ctx *x)
{
	struct tdm_value *v;

	if (x->txn_vars || !p->ntxn)
		return 0;
	v = tdm_arena_alloc(x->arena, p->ntxn * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (unsigned i = 0; i < p->ntxn; i++)
		v[i] = p->txn[i].def;
	x->txn_vars = v;
	return 0;
}

/* A run-time error: logged with its position; in a request route that
 * has not answered yet, it becomes the answer. */
static void run_error(struct tdm_scr_run *r, enum tdm_route_type rt, int rc)
{
	struct tdm_scr_decision *d = &r->x->decision;
	struct tdm_log_rec rec;

	if (tdm_log_begin(&rec, &tdm_scr_log, TDM_LOG_ERROR, "route failed: %s",
			  tdm_strerror(rc))) {
		tdm_log_kv(&rec, "at", "%s:%u:%u", r->err_pos.file ? r->err_pos.file : "?",
			   r->err_pos.line, r->err_pos.col);
		tdm_log_str(&rec, "call_id", &r->x->request->call_id);
		tdm_log_end(&rec);
	}
	if (rt == TDM_ROUTE_REQUEST && d->action == TDM_SCR_ACT_NONE) {
		d->action = TDM_SCR_ACT_REPLY;
		d->code = rc == -EBADMSG ? 400 : 500;
		d->reason = tdm_str_c(tdm_sip_reason_phrase(d->code));
	}
}

int tdm_scr_run(const struct tdm_scr_program *p, enum tdm_route_type rt,
		struct tdm_scr_ctx *x)
{
	unsigned idx = rt == TDM_ROUTE_REQUEST ? 0 : rt == TDM_ROUTE_REPLY ? 1 :
		       rt == TDM_ROUTE_FAILURE ? 2 : 3;
	const struct tdm_scr_route *route = p->top[idx];
	struct tdm_scr_run r = { .p = p, .x = x };
	struct tdm_value unused;
	int rc;

	if (!route)
		return 0;
	if ((rc = txn_defaults(p, x)))
		return rc;
	r.txn = x->txn_vars;
	r.locals = tdm_arena_zalloc(x->arena, (p->nlocals + 1) * sizeof(*r.locals));
	if (!r.locals)
		return -ENOMEM;
	x->route = rt;
	rc = 0;
	if (x->request) /* module log lines name the call */
		tdm_log_context_call_id(x->request->call_id.s, x->request->call_id.len);
	for (const struct tdm_scr_node *s = route->body; s && !rc; s = s->next)
		rc = s->fn(s, &r, &unused);
	if (rc < 0)
		run_error(&r, rt, rc);
	tdm_log_context_call_id(NULL, 0);
	return rc < 0 ? rc : 0;
}
