/* SPDX-License-Identifier: GPL-2.0-or-later
 * The per-worker transaction engine: its tables, configuration, branch
 * identifiers and counters. The state machines are in server.c and
 * client.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "txn/txn_impl.h"

TDM_LOG_SUBSYS(tdm_log_txn, "txn");

int tdm_txns_new(struct tdm_txns **out, struct tdm_loop *loop, unsigned worker,
		 const struct tdm_txn_cfg *cfg, tdm_txn_send_fn *send,
		 void *send_arg, const struct tdm_txn_user *user, void *user_arg)
{
	struct tdm_txns *t = tdm_calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->loop = loop;
	t->worker = worker;
	t->cfg = *cfg;
	if (!t->cfg.timer_b)
		t->cfg.timer_b = 64 * cfg->t1;
	if (!t->cfg.timer_f)
		t->cfg.timer_f = 64 * cfg->t1;
	t->send = send;
	t->send_arg = send_arg;
	t->user = *user;
	t->user_arg = user_arg;
	t->next_id = 1;
	if (tdm_hash_init(&t->srv, 1024, 0) || tdm_hash_init(&t->cli, 1024, 0) ||
	    tdm_hash_init(&t->cli_cookie, 1024, 0)) {
		tdm_hash_free(&t->srv);
		tdm_hash_free(&t->cli);
		tdm_free(t);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

void tdm_txns_free(struct tdm_txns *t)
{
	struct tdm_hash_node *n, *tmp;

	if (!t)
		return;
	TDM_HASH_FOREACH_SAFE(&t->cli, n, tmp)
		tdm_cli_free(tdm_container_of(n, struct tdm_cli, hn));
	TDM_HASH_FOREACH_SAFE(&t->srv, n, tmp)
		tdm_srv_free(tdm_container_of(n, struct tdm_srv, hn));
	tdm_hash_free(&t->srv);
	tdm_hash_free(&t->cli);
	tdm_hash_free(&t->cli_cookie);
	tdm_buf_free(&t->scratch);
	tdm_free(t);
}

unsigned tdm_txns_worker(const struct tdm_txns *t)
{
	return t->worker;
}

const struct tdm_txn_cfg *tdm_txns_cfg(const struct tdm_txns *t)
{
	return &t->cfg;
}

struct tdm_loop *tdm_txns_loop(const struct tdm_txns *t)
{
	return t->loop;
}

void tdm_txns_stats(const struct tdm_txns *t, struct tdm_txn_stats *out)
{
	*out = t->st;
	out->server = tdm_hash_count(&t->srv);
	out->client = tdm_hash_count(&t->cli);
	out->active = t->active;
}

int tdm_txns_send(struct tdm_txns *t, const struct tdm_dest *d,
		  const char *data, size_t len)
{
	return t->send(t->send_arg, d, data, len, 0);
}

/* ---- branches ------------------------------------------------------------
 * "z9hG4bKT" <worker, 2 base-36 digits> <loop hash, 8 hex> "." <suffix>:
 * the worker lets any worker post a response to the right engine (up to
 * 1296 workers), the loop hash recognises our own requests coming back
 * (§16.3 step 4). */

#define OURS "z9hG4bKT"
#define OURS_LEN (sizeof(OURS) - 1)
#define HASH_AT (OURS_LEN + 2)
#define DOT_AT (HASH_AT + 8)

static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static const char hex[] = "0123456789abcdef";

/* Written by hand, not with snprintf: a branch is made for every request
 * relayed, and formatting cost more than the rest of the branch. */
size_t tdm_txn_branch_prefix(unsigned worker, uint32_t loop_hash, char *buf)
{
	memcpy(buf, OURS, OURS_LEN);
	buf[OURS_LEN] = b36[worker / 36 % 36];
	buf[OURS_LEN + 1] = b36[worker % 36];
	for (unsigned i = 0; i < 8; i++)
		buf[HASH_AT + i] = hex[loop_hash >> (28 - 4 * i) & 0xf];
	buf[DOT_AT] = '\0';
	return DOT_AT;
}

size_t tdm_txn_hex(char *buf, uint64_t v)
{
	char d[16];
	size_t n = 0, k = 0;

	do
		d[n++] = hex[v & 0xf];
	while ((v >>= 4));
	while (n)
		buf[k++] = d[--n];
	buf[k] = '\0';
	return k;
}

size_t tdm_txn_branch(struct tdm_txns *t, uint32_t loop_hash, char *buf)
{
	size_t n = tdm_txn_branch_prefix(t->worker, loop_hash, buf);

	buf[n++] = '.';
	return n + tdm_txn_hex(buf + n, t->next_id++);
}

static bool ours(const struct tdm_str *b)
{
	return b->len > DOT_AT && !memcmp(b->s, OURS, OURS_LEN) &&
	       b->s[DOT_AT] == '.';
}

static int digit36(char c)
{
	const char *p = memchr(b36, tdm_lower(c), 36);

	return p ? (int)(p - b36) : -1;
}

int tdm_txn_branch_worker(const struct tdm_str *b)
{
	int hi, lo;

	if (!ours(b) || (hi = digit36(b->s[OURS_LEN])) < 0 ||
	    (lo = digit36(b->s[OURS_LEN + 1])) < 0)
		return -1;
	return hi * 36 + lo;
}

bool tdm_txn_branch_loop_hash(const struct tdm_str *b, uint32_t *hash)
{
	uint32_t h = 0;

	if (!ours(b))
		return false;
	for (size_t i = HASH_AT; i < DOT_AT; i++) {
		char c = tdm_lower(b->s[i]);
		if (c >= '0' && c <= '9')
			h = h << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			h = h << 4 | (uint32_t)(c - 'a' + 10);
		else
			return false;
	}
	*hash = h;
	return true;
}
