/* SPDX-License-Identifier: GPL-2.0-or-later
 * modules/http: the admin API (docs/admin-api.md) — JSON-RPC 2.0 at /rpc,
 * Prometheus metrics at /metrics, a health check at /health — served by
 * libmicrohttpd on its own threads, on 127.0.0.1:8060 and/or a Unix
 * socket. This file holds the descriptor, the parameters and the
 * load/unload hooks, where the token rule is enforced: an address other
 * than loopback is refused unless a token is set. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tandem/node.h>
#include "http.h"

struct http_cfg http_cfg;
const char *http_token;
TDM_LOG_SUBSYS(http_log, "http");

static const struct tdm_param_def http_params[] = {
	TDM_PARAM_STR("listen", struct http_cfg, listen, "127.0.0.1:8060",
		      "TCP address IP:PORT or [IPv6]:PORT, \"\" for none"),
	TDM_PARAM_STR("socket", struct http_cfg, socket, "",
		      "Unix socket path (mode 0660), \"\" for none"),
	TDM_PARAM_STR("token", struct http_cfg, token, "",
		      "Bearer token TCP requests must carry; required off loopback"),
	TDM_PARAM_STR("token_file", struct http_cfg, token_file, "",
		      "File holding the token (read at load; trailing newline ignored)"),
	TDM_PARAM_INT("max_body", struct http_cfg, max_body, "1048576", 64,
		      1073741824, "Largest request body in bytes (larger: 413)"),
	TDM_PARAM_INT("timeout", struct http_cfg, timeout, "10", 1, 3600,
		      "Seconds a connection may stay idle or trickle"),
	TDM_PARAM_INT("max_connections", struct http_cfg, max_connections, "64",
		      1, 65536, "Connections open at once, per listener"),
	TDM_PARAM_INT("threads", struct http_cfg, threads, "4", 1, 256,
		      "Threads serving requests, per listener"),
	TDM_PARAM_END
};

static void *tcp_daemon, *unix_daemon;
static char *token_buf;       /* token_file's content */
static dev_t unix_dev;        /* the socket file we created */
static ino_t unix_ino;
static bool unix_made;

/* Reads the token from token_file: the first line, without its
 * newline (and a \r before it). 0 or -errno (logged). */
static int read_token_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	size_t len;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "token_file = \"%s\": %s", path, tdm_strerror(rc));
		return rc;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0) {
		TDM_LOGE(&http_log, "token_file = \"%s\": %s", path, tdm_strerror(rc));
		return rc;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	if (len == 0) {
		TDM_LOGE(&http_log, "token_file = \"%s\" is empty", path);
		return -EINVAL;
	}
	token_buf = tdm_strndup(buf, len);
	explicit_bzero(buf, sizeof(buf));
	return token_buf ? 0 : -ENOMEM;
}

static void http_unload(void);

/* Checks the settings (the token rule), binds the sockets, starts the
 * servers. Any refusal is one log line naming the problem and -EINVAL
 * (or the bind error). */
static int http_load(void)
{
	const char *listen = http_cfg.listen ? http_cfg.listen : "";
	const char *sock = http_cfg.socket ? http_cfg.socket : "";
	struct tdm_addr addr;
	bool loopback = true;
	int fd, rc;

	tdm_log_subsys_register(&http_log);
	http_token = NULL;
	if (!*listen && !*sock) {
		TDM_LOGE(&http_log, "listen and socket are both empty: "
			 "nothing to serve the admin API on");
		rc = -EINVAL;
		goto fail;
	}
	if (*listen && http_listen_parse(listen, &addr, &loopback) < 0) {
		rc = -EINVAL;
		goto fail;
	}
	if (http_cfg.token && *http_cfg.token && http_cfg.token_file &&
	    *http_cfg.token_file) {
		TDM_LOGE(&http_log, "set token or token_file, not both");
		rc = -EINVAL;
		goto fail;
	}
	if (http_cfg.token_file && *http_cfg.token_file) {
		rc = read_token_file(http_cfg.token_file);
		if (rc < 0)
			goto fail;
		http_token = token_buf;
	} else if (http_cfg.token && *http_cfg.token) {
		http_token = http_cfg.token;
	}
	if (*listen && !loopback && !http_token) {
		TDM_LOGE(&http_log, "listen = \"%s\" is not a loopback address: "
			 "set a token (or token_file) so that requests must "
			 "carry Authorization: Bearer TOKEN", listen);
		rc = -EINVAL;
		goto fail;
	}
	/* tandemd --check and tandemctl load the module to check a script:
	 * everything above is checked, nothing is opened */
	if (!tdm_node_setting("listen")) {
		TDM_LOGD(&http_log, "no node runs here: the admin API stays closed");
		return 0;
	}
	if (*listen) {
		fd = http_listen_tcp(&addr, listen);
		if (fd < 0) {
			rc = fd;
			goto fail;
		}
		tcp_daemon = http_serve_start(fd, false);
		if (!tcp_daemon) {
			rc = -EIO;
			goto fail;
		}
	}
	if (*sock) {
		fd = http_listen_unix(sock, &unix_dev, &unix_ino);
		if (fd < 0) {
			rc = fd;
			goto fail;
		}
		unix_made = true;
		unix_daemon = http_serve_start(fd, true);
		if (!unix_daemon) {
			rc = -EIO;
			goto fail;
		}
	}
	TDM_LOGI(&http_log, "admin API on %s%s%s%s%s", *listen ? listen : "",
		 *listen && *sock ? " and " : "", *sock ? "unix:" : "", sock,
		 http_token ? " (token required over TCP)" : "");
	return 0;
fail:
	http_unload();
	return rc;
}

/* Stops both servers (requests in flight finish first), removes the
 * Unix socket we created, forgets the token. */
static void http_unload(void)
{
	http_serve_stop(tcp_daemon);
	http_serve_stop(unix_daemon);
	tcp_daemon = unix_daemon = NULL;
	if (unix_made && http_cfg.socket)
		http_unlink_unix(http_cfg.socket, unix_dev, unix_ino);
	unix_made = false;
	http_token = NULL;
	if (token_buf) {
		explicit_bzero(token_buf, strlen(token_buf));
		tdm_free(token_buf);
		token_buf = NULL;
	}
	tdm_log_subsys_unregister(&http_log);
}

TDM_MODULE_DESCRIPTOR(http) = {
	TDM_MODULE_HEADER,
	.name = "http",
	.description = "Admin API: JSON-RPC 2.0, Prometheus metrics, health check",
	.params = http_params,
	.config = &http_cfg,
	.stats = http_stats,
	.load = http_load,
	.unload = http_unload,
	.doc = "Serves /rpc, /metrics and /health over HTTP on a TCP address "
	       "and/or a Unix socket; see docs/admin-api.md.",
};
