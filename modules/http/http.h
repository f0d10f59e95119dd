/* SPDX-License-Identifier: GPL-2.0-or-later
 * modules/http: the admin API (docs/admin-api.md). Private header shared
 * by the module's files: http.c (descriptor, parameters, load/unload),
 * listen.c (the sockets it listens on) and serve.c (the libmicrohttpd
 * request handler: routes, token, limits). */
#ifndef TANDEM_MODULES_HTTP_H
#define TANDEM_MODULES_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tandem/tandem.h>

/* The module parameters, written by the loader before load(). */
struct http_cfg {
	const char *listen;     /* "IP:PORT", "[IPv6]:PORT" or "" */
	const char *socket;     /* Unix socket path or "" */
	const char *token;      /* bearer token or "" */
	const char *token_file; /* file holding the token, or "" */
	int64_t max_body;       /* bytes of a request body */
	int64_t timeout;        /* seconds a connection may idle/trickle */
	int64_t max_connections;
	int64_t threads;
};
extern struct http_cfg http_cfg;

/* The token every TCP request must carry, or NULL when none is set
 * (fixed between load and unload). */
extern const char *http_token;

extern struct tdm_log_subsys http_log;

/* ---- listen.c ---------------------------------------------------------- */

/* Parses cfg `listen` into *out; true when it is a loopback address
 * (127.0.0.0/8, ::1). 0 or -EINVAL (logged, naming the problem). */
int http_listen_parse(const char *text, struct tdm_addr *out, bool *loopback);
/* A bound, listening, non-blocking TCP socket on a: the fd, or -errno
 * (logged with the address and the reason). */
int http_listen_tcp(const struct tdm_addr *a, const char *text);
/* A listening Unix socket at path, mode 0660. A socket file nobody
 * answers on is removed first; a live one or a file that is not a socket
 * is refused. Fills *dev and *ino with the created file so that the unload
 * removes only our own. The fd, or -errno (logged). */
int http_listen_unix(const char *path, dev_t *dev, ino_t *ino);
/* Removes path if it is still the socket file (dev, ino) we created. */
void http_unlink_unix(const char *path, dev_t dev, ino_t ino);

/* ---- serve.c ----------------------------------------------------------- */

/* Starts a libmicrohttpd daemon (its own thread pool) on listening
 * socket fd; is_unix: requests on it need no token and log "unix" as
 * their caller. Returns the daemon (void * to keep <microhttpd.h> out of
 * this header) or NULL (logged). On failure fd is left as it is: whether
 * libmicrohttpd already closed it is not documented, and a second close
 * could hit another thread's new fd; the node stops anyway. */
void *http_serve_start(int fd, bool is_unix);
/* Stops it: waits for requests in flight, closes its socket. */
void http_serve_stop(void *daemon);

/* The statistics table (tandem_http_requests_total{code}). */
extern const struct tdm_stat_def http_stats[];

#endif
