/* SPDX-License-Identifier: GPL-2.0-or-later
 * <tandem/node.h>: what a module may ask of the running node from any
 * thread — settings, listen addresses, sending on the node's sockets and
 * connections, connection-closed listeners. The node publishes its
 * configuration (before the modules start) and itself (once its workers
 * run) here; a read-write lock keeps a module thread from using a node
 * that is stopping. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/node.h>
#include "net/conn_table.h"
#include "net/stream.h"
#include "node/node.h"
#include "node/worker.h"

static pthread_rwlock_t api_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t text_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tdm_node_cfg *api_cfg;     /* settings, NULL: no node */
static char *api_text[TDM_SETTING__COUNT]; /* settings as text, on demand */
static struct tdm_node *api_node;        /* listens, workers */
static char (*api_bound)[TDM_ADDR_STRLEN + 8]; /* "ip:port" per listen */
static atomic_bool api_running;          /* workers run: sends allowed */
static atomic_uint api_rr;               /* worker for the next send */
static _Atomic int api_state = TDM_NODE_STARTING;

static void text_free(void)
{
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++) {
		tdm_free(api_text[i]);
		api_text[i] = NULL;
	}
}

void tdm_node_api_cfg(struct tdm_node_cfg *cfg)
{
	pthread_rwlock_wrlock(&api_lock);
	api_cfg = cfg;
	text_free();
	pthread_rwlock_unlock(&api_lock);
}

void tdm_node_api_publish(struct tdm_node *n)
{
	pthread_rwlock_wrlock(&api_lock);
	tdm_free(api_bound);
	api_bound = NULL;
	api_node = n;
	if (n && n->nlisten && (api_bound = tdm_calloc(n->nlisten, sizeof(*api_bound))))
		for (unsigned i = 0; i < n->nlisten; i++)
			tdm_addr_format(&n->listens[i].addr, api_bound[i],
					sizeof(api_bound[i]));
	if (!n)
		atomic_store(&api_running, false);
	pthread_rwlock_unlock(&api_lock);
}

void tdm_node_api_running(bool on)
{
	atomic_store(&api_running, on);
}

void tdm_node_api_state(enum tdm_node_state st)
{
	atomic_store(&api_state, (int)st);
}

enum tdm_node_state tdm_node_state(void)
{
	return (enum tdm_node_state)atomic_load(&api_state);
}

struct tdm_node *tdm_node_api_acquire(void)
{
	pthread_rwlock_rdlock(&api_lock);
	if (api_node)
		return api_node;
	pthread_rwlock_unlock(&api_lock);
	return NULL;
}

void tdm_node_api_release(void)
{
	pthread_rwlock_unlock(&api_lock);
}

/* The value of a setting as text, made once (under text_lock). */
static char *setting_text(const struct tdm_setting_val *v, enum tdm_setting_type t)
{
	struct tdm_buf b = { 0 };
	char *s;

	switch (t) {
	case TDM_SET_INT:
		tdm_buf_printf(&b, "%lld", (long long)v->i);
		break;
	case TDM_SET_BOOL:
		tdm_buf_append_c(&b, v->i ? "yes" : "no");
		break;
	case TDM_SET_STR:
		tdm_buf_append_str(&b, &v->s);
		break;
	case TDM_SET_LIST:
		for (unsigned i = 0; i < v->count; i++) {
			if (i)
				tdm_buf_append_c(&b, ", ");
			tdm_buf_append_str(&b, &v->list[i]);
		}
		break;
	}
	s = b.err ? NULL : tdm_malloc(b.len + 1);
	if (s) {
		if (b.len)
			memcpy(s, b.data, b.len);
		s[b.len] = 0;
	}
	tdm_buf_free(&b);
	return s;
}

const char *tdm_node_setting(const char *name)
{
	enum tdm_setting_id id;
	const char *out = NULL;

	if (!name || !tdm_setting_find(&(struct tdm_str){ name, strlen(name) }, &id))
		return NULL;
	pthread_rwlock_rdlock(&api_lock);
	if (api_cfg) {
		pthread_mutex_lock(&text_lock);
		if (!api_text[id])
			api_text[id] = setting_text(&api_cfg->v[id], tdm_settings[id].type);
		out = api_text[id];
		pthread_mutex_unlock(&text_lock);
	}
	pthread_rwlock_unlock(&api_lock);
	return out;
}

int tdm_node_listen_get(unsigned index, struct tdm_node_listen *out)
{
	int rc = -ENOENT;

	if (!out)
		return -EINVAL;
	pthread_rwlock_rdlock(&api_lock);
	if (api_node && index < api_node->nlisten && api_bound) {
		const struct tdm_listen *l = &api_node->listens[index];

		*out = (struct tdm_node_listen){ .proto = l->proto, .host = l->host,
						 .port = l->port,
						 .bound = api_bound[index] };
		rc = 0;
	}
	pthread_rwlock_unlock(&api_lock);
	return rc;
}

/* d as the transports take it; -EINVAL when it cannot be sent. */
static int to_dest(const struct tdm_node *n, const struct tdm_node_dest *d,
		   struct tdm_dest *out)
{
	memset(out, 0, sizeof(*out));
	out->proto = d->proto;
	out->addr = d->addr;
	if (d->proto == TDM_PROTO_UDP) {
		if (!d->addr.len)
			return -EINVAL;
		if (d->listen_index >= 0) {
			if ((unsigned)d->listen_index >= n->nlisten ||
			    n->listens[d->listen_index].proto != TDM_PROTO_UDP ||
			    tdm_addr_family(&n->listens[d->listen_index].addr) !=
				    tdm_addr_family(&d->addr))
				return -EINVAL;
			out->listen = &n->listens[d->listen_index];
		}
		return 0;
	}
	if (d->proto < TDM_PROTO_TCP || d->proto > TDM_PROTO_WSS)
		return -EINVAL;
	if (!d->conn_id && !d->addr.len)
		return -EINVAL;
	if (!n->have[d->proto])
		return -EINVAL;
	out->conn_id = d->conn_id;
	out->no_connect = d->no_connect;
	if (d->no_connect && d->conn_id && !tdm_stream_conn_alive(d->conn_id))
		return -ENOTCONN;
	return 0;
}

int tdm_node_send(const struct tdm_node_dest *d, const void *buf, size_t len)
{
	struct tdm_dest dest;
	int rc;

	if (!d || !buf || !len)
		return -EINVAL;
	pthread_rwlock_rdlock(&api_lock);
	if (!api_node || !atomic_load(&api_running) || !api_node->nworkers) {
		rc = -EAGAIN;
	} else if (!(rc = to_dest(api_node, d, &dest))) {
		unsigned w = atomic_fetch_add(&api_rr, 1) % api_node->nworkers;

		rc = tdm_worker_post_send(api_node->workers[w], &dest, buf, len);
	}
	pthread_rwlock_unlock(&api_lock);
	return rc;
}

bool tdm_node_conn_open(uint64_t conn_id)
{
	return tdm_stream_conn_alive(conn_id);
}

int tdm_node_on_conn_closed(tdm_node_conn_closed_fn *fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	return tdm_conn_on_closed(fn, arg);
}
