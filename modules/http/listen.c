/* SPDX-License-Identifier: GPL-2.0-or-later
 * modules/http: the sockets the admin API listens on. The module creates
 * them itself (rather than letting libmicrohttpd bind) so that a refusal
 * at load says which address failed and why, and so that the Unix socket
 * gets its mode and its stale-file check before anyone can connect. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "http.h"

#define HTTP_BACKLOG 128

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (the same, v4-mapped). */
static bool is_loopback(const struct tdm_addr *a)
{
	if (tdm_addr_family(a) == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)&a->ss;

		return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
	}
	if (tdm_addr_family(a) == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&a->ss;

		return IN6_IS_ADDR_LOOPBACK(&s->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr) &&
			s->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

int http_listen_parse(const char *text, struct tdm_addr *out, bool *loopback)
{
	struct tdm_str in = { text, strlen(text) };
	const char *why = NULL;

	if (tdm_addr_parse(out, &in, &why) < 0) {
		TDM_LOGE(&http_log, "listen = \"%s\": %s (want IP:PORT or [IPv6]:PORT)",
			 text, why ? why : "bad address");
		return -EINVAL;
	}
	*loopback = is_loopback(out);
	return 0;
}

int http_listen_tcp(const struct tdm_addr *a, const char *text)
{
	int one = 1, fd, rc;

	fd = socket(tdm_addr_family(a), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "cannot create a socket for %s: %s", text,
			 tdm_strerror(rc));
		return rc;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (tdm_addr_family(a) == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 ||
	    listen(fd, HTTP_BACKLOG) < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "cannot listen on %s: %s", text,
			 tdm_strerror(rc));
		close(fd);
		return rc;
	}
	return fd;
}

/* An existing file at path: removed when it is a socket nobody answers
 * on (left by a node that crashed); a live socket or another kind of
 * file is refused. 0 or -errno (logged). */
static int clear_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		TDM_LOGE(&http_log, "socket = \"%s\": the file exists and is not a socket",
			 path);
		return -EEXIST;
	}
	/* non-blocking: a live server with a full backlog answers EAGAIN
	 * instead of making the load wait */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 ? -errno : 0;
	close(fd);
	if (rc == -ECONNREFUSED) {
		TDM_LOGN(&http_log, "removing the stale socket %s", path);
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	}
	if (rc == 0 || rc == -EAGAIN || rc == -EINPROGRESS) {
		TDM_LOGE(&http_log, "socket = \"%s\": another process listens on it "
			 "(is a node already running?)", path);
		return -EADDRINUSE;
	}
	TDM_LOGE(&http_log, "socket = \"%s\": cannot check the existing socket: %s",
		 path, tdm_strerror(rc));
	return rc;
}

int http_listen_unix(const char *path, dev_t *dev, ino_t *ino)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	struct stat st;
	int fd, rc;

	if (len >= sizeof(sun.sun_path)) {
		TDM_LOGE(&http_log, "socket = \"%s\": path longer than %zu bytes",
			 path, sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, len + 1);
	rc = clear_stale(path, &sun);
	if (rc < 0) {
		if (rc != -EEXIST && rc != -EADDRINUSE)
			TDM_LOGE(&http_log, "socket = \"%s\": %s", path,
				 tdm_strerror(rc));
		return rc;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "cannot create a Unix socket: %s", tdm_strerror(rc));
		return rc;
	}
	if (bind(fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "cannot bind the Unix socket %s: %s", path,
			 tdm_strerror(rc));
		close(fd);
		return rc;
	}
	/* the mode is set before listen(): nobody can connect in between */
	if (chmod(path, 0660) < 0 || stat(path, &st) < 0 ||
	    listen(fd, HTTP_BACKLOG) < 0) {
		rc = -errno;
		TDM_LOGE(&http_log, "cannot listen on the Unix socket %s: %s", path,
			 tdm_strerror(rc));
		close(fd);
		unlink(path);
		return rc;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	return fd;
}

void http_unlink_unix(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	/* another node may have replaced it (after removing ours as stale) */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev &&
	    st.st_ino == ino)
		unlink(path);
}
