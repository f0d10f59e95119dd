/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the running node — settings, listen addresses,
 * workers, signals (SIGHUP reloads, SIGTERM/SIGINT stop gracefully) and
 * systemd readiness. */
#ifndef TDM_NODE_H
#define TDM_NODE_H

#include "conf/settings.h"
#include "net/tport.h"
#include "proxy/proxy.h"
#include <tandem/node.h>

struct tdm_worker;

struct tdm_node {
	struct tdm_node_cfg *cfg;
	const char *script;            /* path, for reloads */
	struct tdm_listen *listens;
	unsigned nlisten;
	struct tdm_str *domains;
	unsigned ndomains;
	unsigned nworkers;
	struct tdm_worker **workers;
	struct tdm_proxy_cfg proxy_cfg;
	bool have[TDM_PROTO_WSS + 1];  /* transports listened on */
};

/* Runs the node with the compiled program (a reference is taken) until
 * SIGTERM or SIGINT. Returns the exit status. */
int tdm_node_run(struct tdm_node_cfg *cfg, const char *script,
		 struct tdm_scr_program *prog);

/* Fills n->listens from the listen and advertise settings. 0 or -errno
 * with a message in err. */
int tdm_node_listens(struct tdm_node *n, char *err, size_t errlen);

/* api.c, <tandem/node.h> for modules: the settings (before the modules
 * start; NULL when the node is gone), the node (once its listens are
 * known; NULL before it stops) and whether its workers run (sends are
 * refused with -EAGAIN otherwise). */
void tdm_node_api_cfg(struct tdm_node_cfg *cfg);
void tdm_node_api_publish(struct tdm_node *n);
void tdm_node_api_running(bool on);
/* tdm_node_state() as the node goes through its life. */
void tdm_node_api_state(enum tdm_node_state st);
/* The published node with the publication held (it cannot stop under
 * the caller), or NULL; release with tdm_node_api_release() when not
 * NULL. For the admin commands, from any thread. */
struct tdm_node *tdm_node_api_acquire(void);
void tdm_node_api_release(void);

/* Reloads the script (SIGHUP, core.reload), one reload at a time: on
 * success every worker gets the new program. Diagnostics go into d
 * (initialised by the caller) and a text report into report. 0,
 * -EBADMSG (the running script stays) or -ENOMEM. */
struct tdm_scr_diag;
int tdm_node_reload(struct tdm_node *n, struct tdm_scr_diag *d,
		    struct tdm_buf *report);
/* Unix time the node started (the process's main thread entered
 * tdm_node_run), 0 before. */
int64_t tdm_node_started_at(void);

/* log_setup.c: applies the log_* settings; `final` the second time,
 * after the modules started (their subsystems exist then). 0 or -errno
 * with the message in err. */
int tdm_node_log_setup(struct tdm_node_cfg *c, bool final, char *err,
		       size_t errlen);

/* node_rpc.c: registers the core's RPC table (core.*). */
void tdm_node_rpc_register(void);

/* systemd's sd_notify(3) without libsystemd: a datagram to
 * $NOTIFY_SOCKET. Does nothing when it is not set. */
void tdm_node_notify(const char *state);

#endif
