/* SPDX-License-Identifier: GPL-2.0-or-later
 * lookup(): the live bindings of an AOR turned into proxy targets, in
 * the order the branches are created: q descending (a binding without q
 * counts as 1.0), then the most recently refreshed first. A NATed UDP
 * binding is reached at its source address (dst), a stream binding over
 * its connection (conn_id, RFC 5626 flow); Path values become Route
 * headers (RFC 3327). The copy is made under the AOR's lock into the
 * message's arena, so nothing is shared with the store afterwards. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/arena.h>
#include "reg.h"

struct lk_ctx {
	const struct tdm_str *gr;
	int64_t now;
	struct tdm_arena *arena;
	unsigned n, cap;
	struct tdm_scr_target *t;
	int64_t *mod;              /* last_modified per target, for sorting */
	int err;
};

/* "udp:1.2.3.4:5060" -> "sip:1.2.3.4:5060;transport=udp" in the arena. */
static struct tdm_str received_uri(struct tdm_arena *a, const struct tdm_str *r)
{
	long c = tdm_str_chr(r, ':');
	size_t n;
	char *p;

	if (c <= 0)
		return TDM_STR_NULL;
	n = r->len + 32;
	p = tdm_arena_alloc(a, n);
	if (!p)
		return TDM_STR_NULL;
	n = (size_t)snprintf(p, n, "sip:%.*s;transport=%.*s",
			     (int)(r->len - (size_t)c - 1), r->s + c + 1, (int)c,
			     r->s);
	return (struct tdm_str){ p, n };
}

static int copy_str(struct tdm_arena *a, const struct tdm_str *in,
		    struct tdm_str *out)
{
	if (!in->len) {
		*out = TDM_STR_NULL;
		return 0;
	}
	out->s = tdm_arena_memdup(a, in->s, in->len);
	out->len = in->len;
	return out->s ? 0 : -ENOMEM;
}

static int collect(const struct reg_ul_binding *b, void *arg)
{
	struct lk_ctx *x = arg;
	struct tdm_scr_target *t;

	if (b->expires <= x->now)
		return 0;
	if (x->gr->len && !tdm_str_eq(&b->instance, x->gr))
		return 0;
	if (x->n >= x->cap)
		return 0; /* cannot happen: cap >= max_contacts */
	t = &x->t[x->n];
	x->mod[x->n++] = b->last_modified;
	if (copy_str(x->arena, &b->contact, &t->uri) ||
	    copy_str(x->arena, &b->path, &t->path)) {
		x->err = -ENOMEM;
		return 1;
	}
	if ((b->flags & REG_UL_NAT) && !(b->flags & REG_UL_STREAM) &&
	    b->received.len) {
		t->dst = received_uri(x->arena, &b->received);
		if (!t->dst.s) {
			x->err = -ENOMEM;
			return 1;
		}
	}
	t->conn_id = (b->flags & REG_UL_STREAM) ? b->conn_id : 0;
	t->q = b->q;
	return 0;
}

static int qkey(int q)
{
	return q < 0 ? 1000 : q;
}

int reg_lookup_aor(struct reg_ul *ul, const struct tdm_str *aor,
		   const struct tdm_str *gr, int64_t now, struct tdm_arena *a,
		   struct reg_targets *out)
{
	struct lk_ctx x = { .gr = gr, .now = now, .arena = a };
	unsigned n;
	int rc;

	out->n = 0;
	out->t = NULL;
	x.cap = reg_ul_max_contacts(ul); /* bindings per AOR never exceed it */
	x.t = tdm_arena_zalloc(a, x.cap * sizeof(*x.t));
	x.mod = tdm_arena_zalloc(a, x.cap * sizeof(*x.mod));
	if (!x.t || !x.mod)
		return -ENOMEM;
	rc = reg_ul_aor_walk(ul, aor, collect, &x);
	if (rc == -ENOENT)
		return REG_NO_AOR;
	if (x.err)
		return x.err;
	n = x.n;
	if (!n)
		return REG_NO_CONTACT;
	/* insertion sort: a handful of entries */
	for (unsigned i = 1; i < n; i++) {
		struct tdm_scr_target t = x.t[i];
		int64_t m = x.mod[i];
		unsigned j = i;
		while (j > 0 && (qkey(x.t[j - 1].q) < qkey(t.q) ||
				 (qkey(x.t[j - 1].q) == qkey(t.q) &&
				  x.mod[j - 1] < m))) {
			x.t[j] = x.t[j - 1];
			x.mod[j] = x.mod[j - 1];
			j--;
		}
		x.t[j] = t;
		x.mod[j] = m;
	}
	out->n = n;
	out->t = x.t;
	return REG_FOUND;
}
