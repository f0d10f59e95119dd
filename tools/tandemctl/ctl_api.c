/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: a minimal HTTP/1.1 client for the node's admin API, and the
 * JSON-RPC 2.0 call on top of it. One request per connection
 * (Connection: close), over a Unix socket or TCP, with one deadline for
 * the whole exchange (connect, send, read): a node that hangs cannot hang
 * tandemctl. The answer is read whole (Content-Length, chunked, or up to
 * the end of the connection) before anything is printed. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

/* ---- Connection ------------------------------------------------------------ */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for ev or the deadline passes: 0, -ETIMEDOUT,
 * -errno. */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = ev };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* A non-blocking connect to one address, finished within the deadline.
 * The socket, or -errno. */
static int connect_addr(int family, const struct sockaddr *sa, socklen_t len,
			int64_t deadline)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int rc = 0, soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		rc = -errno;
		if (rc == -EINPROGRESS || (family == AF_UNIX && rc == -EAGAIN)) {
			rc = wait_fd(fd, POLLOUT, deadline);
			if (!rc && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
				rc = -errno;
			else if (!rc && soerr)
				rc = -soerr;
		}
	}
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

/* Connects to the API. The socket, or CTL_FAIL reported. */
static int api_connect(const struct ctl_api *api, int64_t deadline)
{
	int fd = -ENOENT;

	if (api->local) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		memcpy(sun.sun_path, api->path, strlen(api->path) + 1);
		fd = connect_addr(AF_UNIX, (struct sockaddr *)&sun, sizeof(sun),
				  deadline);
	} else {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
					  .ai_flags = AI_NUMERICSERV };
		struct addrinfo *res = NULL, *ai;
		int g = getaddrinfo(api->host, api->port, &hints, &res);

		if (g) {
			ctl_fail("cannot reach the node at %s: %s", api->target,
				 g == EAI_SYSTEM ? strerror(errno) : gai_strerror(g));
			return -1;
		}
		for (ai = res; ai; ai = ai->ai_next) {
			fd = connect_addr(ai->ai_family, ai->ai_addr, ai->ai_addrlen,
					  deadline);
			if (fd >= 0 || fd == -ETIMEDOUT)
				break;
		}
		freeaddrinfo(res);
	}
	if (fd == -ETIMEDOUT)
		ctl_fail("cannot reach the node at %s: no answer within %g s "
			 "(--timeout S waits longer)", api->target,
			 api->timeout_ms / 1000.0);
	else if (fd < 0)
		ctl_fail("cannot reach the node at %s: %s (is tandemd running "
			 "with the http module loaded?)", api->target,
			 tdm_strerror(fd));
	return fd < 0 ? -1 : fd;
}

/* ---- Exchange -------------------------------------------------------------- */

static int send_all(int fd, const char *p, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		int rc = wait_fd(fd, POLLOUT, deadline);
		if (rc)
			return rc;
	}
	return 0;
}

/* Where the header block ends (just past the blank line), or 0. */
static size_t header_end(const char *p, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			return i + 4;
	return 0;
}

/* The value of header `name` in the block [p, p+len), copied into out;
 * false when absent. */
static bool header_value(const char *p, size_t len, const char *name,
			 char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *end = p + len, *line = memchr(p, '\n', len);

	while (line && ++line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t l = eol ? (size_t)(eol - line) : (size_t)(end - line);

		if (l > nlen && !strncasecmp(line, name, nlen) && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			const char *ve = line + l;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && strchr(" \t\r", ve[-1]))
				ve--;
			snprintf(out, outlen, "%.*s", (int)(ve - v), v);
			return true;
		}
		line = eol;
	}
	return false;
}

/* Decodes a chunked body in place (RFC 9112 §7.1, extensions and
 * trailers skipped). The decoded length, or -EPROTO. */
static ssize_t dechunk(char *body, size_t len)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long n;
		const char *eol = memchr(body + in, '\n', len - in);

		if (!eol)
			return -EPROTO;
		errno = 0;
		n = strtoul(body + in, &end, 16);
		if (errno || end == body + in || n > len)
			return -EPROTO;
		in = (size_t)(eol - body) + 1;
		if (!n)
			return (ssize_t)out;
		if (len - in < n + 2)
			return -EPROTO;
		memmove(body + out, body + in, n);
		out += n;
		in += n + 2; /* the data's CRLF */
	}
}

/* Parses a whole answer in buf (taken over by ans). 0 or -EPROTO. */
static int parse_answer(char *buf, size_t len, struct ctl_http_answer *ans)
{
	size_t hend = header_end(buf, len);
	int maj, min, st, off = 0;

	if (!hend || sscanf(buf, "HTTP/%d.%d %d %n", &maj, &min, &st, &off) < 3 ||
	    st < 100 || st > 999)
		return -EPROTO;
	ans->status = st;
	if (off > 0) {
		const char *r = buf + off;
		size_t rl = strcspn(r, "\r\n");

		snprintf(ans->reason, sizeof(ans->reason), "%.*s", (int)rl, r);
	}
	ans->len = len - hend;
	memmove(buf, buf + hend, ans->len);
	buf[ans->len] = '\0';
	ans->body = buf;
	return 0;
}

/* Reads until the answer is complete: the header block, then
 * Content-Length bytes, or (chunked, or no length) the end of the
 * connection. Returns the bytes read into *buf (tdm_malloc'd), -ETIMEDOUT,
 * -EPROTO, -EMSGSIZE, -errno. Sets *chunked. */
static ssize_t read_answer(int fd, int64_t deadline, char **out, bool *chunked)
{
	size_t len = 0, cap = 8192, hend = 0, want = (size_t)-1;
	char *buf = tdm_malloc(cap + 1), v[64];

	*chunked = false;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= CTL_API_MAX_ANSWER) {
				tdm_free(buf);
				return -EMSGSIZE;
			}
			nb = tdm_realloc(buf, cap * 2 + 1);
			if (!nb) {
				tdm_free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			if (!hend && (hend = header_end(buf, len))) {
				int st = 0;

				if (header_value(buf, hend, "Transfer-Encoding", v,
						 sizeof(v)) && strcasestr(v, "chunked"))
					*chunked = true;
				else if (header_value(buf, hend, "Content-Length", v,
						      sizeof(v)))
					want = hend + strtoull(v, NULL, 10);
				if (sscanf(buf, "HTTP/%*d.%*d %d", &st) == 1 &&
				    (st == 204 || st == 304))
					want = hend; /* no body */
			}
			if (hend && len >= want) {
				len = want;
				break;
			}
			continue;
		}
		if (n == 0)
			break; /* the end of the connection */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			int e = -errno;

			tdm_free(buf);
			return e;
		}
		int rc = wait_fd(fd, POLLIN, deadline);
		if (rc) {
			tdm_free(buf);
			return rc;
		}
	}
	if (!hend || (want != (size_t)-1 && len < want)) {
		tdm_free(buf);
		return -EPROTO; /* closed before the end */
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

int ctl_api_http(const struct ctl_api *api, const char *method,
		 const char *path, const char *body, size_t len,
		 struct ctl_http_answer *ans)
{
	int64_t deadline = now_ms() + api->timeout_ms;
	struct tdm_buf req = TDM_BUF_INIT;
	char *buf = NULL;
	bool chunked = false;
	ssize_t n;
	int fd, rc;

	memset(ans, 0, sizeof(*ans));
	tdm_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n"
		       "User-Agent: tandemctl/%s\r\nAccept: application/json\r\n"
		       "Connection: close\r\n", method, path,
		       api->local ? "localhost" : api->target + 7, PACKAGE_VERSION);
	if (api->token)
		tdm_buf_printf(&req, "Authorization: Bearer %s\r\n", api->token);
	if (body)
		tdm_buf_printf(&req, "Content-Type: application/json\r\n"
			       "Content-Length: %zu\r\n", len);
	tdm_buf_append_c(&req, "\r\n");
	if (body)
		tdm_buf_append(&req, body, len);
	if (req.err) {
		tdm_buf_free(&req);
		return ctl_fail("out of memory");
	}
	if ((fd = api_connect(api, deadline)) < 0) {
		tdm_buf_free(&req);
		return CTL_FAIL;
	}
	rc = send_all(fd, req.data, req.len, deadline);
	tdm_buf_free(&req);
	/* a node that refuses early (401, 413) may close before reading all:
	 * its answer is still worth reading */
	n = rc && rc != -EPIPE && rc != -ECONNRESET ? rc :
		read_answer(fd, deadline, &buf, &chunked);
	close(fd);
	if (n == -ETIMEDOUT)
		return ctl_fail("the node at %s did not answer within %g s "
				"(--timeout S waits longer)", api->target,
				api->timeout_ms / 1000.0);
	if (n == -EMSGSIZE)
		return ctl_fail("the answer of the node at %s is larger than "
				"%u MiB", api->target, CTL_API_MAX_ANSWER >> 20);
	if (n == -EPROTO)
		return ctl_fail("the node at %s closed the connection before "
				"answering in full", api->target);
	if (n < 0)
		return ctl_fail("lost the connection to the node at %s: %s",
				api->target, tdm_strerror((int)n));
	if (parse_answer(buf, (size_t)n, ans)) {
		tdm_free(buf);
		return ctl_fail("the node at %s answered with something that is "
				"not HTTP", api->target);
	}
	if (chunked) {
		ssize_t d = dechunk(ans->body, ans->len);

		if (d < 0) {
			ctl_http_answer_free(ans);
			return ctl_fail("the node at %s sent a malformed chunked "
					"answer", api->target);
		}
		ans->len = (size_t)d;
		ans->body[d] = '\0';
	}
	return CTL_OK;
}

void ctl_http_answer_free(struct ctl_http_answer *ans)
{
	tdm_free(ans->body);
	ans->body = NULL;
	ans->len = 0;
}

/* ---- JSON-RPC ---------------------------------------------------------------- */

/* The first line of a body, for a message (at most 200 bytes). */
static int first_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");

	return n > 200 ? 200 : (int)n;
}

int ctl_api_call(const struct ctl_api *api, const char *method,
		 json_t *params, json_t **result, json_t **error)
{
	struct ctl_http_answer ans;
	json_t *req, *res, *v;
	json_error_t je;
	char *body;
	int rc;

	*result = *error = NULL;
	req = json_pack("{s:s, s:s, s:i}", "jsonrpc", "2.0", "method", method,
			"id", 1);
	if (!req || (params && json_object_set(req, "params", params))) {
		json_decref(req);
		return ctl_fail("out of memory");
	}
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!body)
		return ctl_fail("out of memory");
	rc = ctl_api_http(api, "POST", "/rpc", body, strlen(body), &ans);
	free(body);
	if (rc)
		return rc;
	if (ans.status == 401) {
		ctl_http_answer_free(&ans);
		return ctl_fail("the node refused the token%s (set --token or "
				"$TANDEM_API_TOKEN)", api->token ? "" :
				": none was sent");
	}
	res = json_loadb(ans.body, ans.len, 0, &je);
	/* A JSON-RPC answer may come with an HTTP error status (a parse
	 * error as 400): the JSON inside tells more than the status. */
	if (!json_is_object(res) ||
	    (!json_object_get(res, "result") && !json_object_get(res, "error"))) {
		if (ans.status != 200)
			ctl_fail("the node at %s answered %d %s%s%.*s", api->target,
				 ans.status, ans.reason, ans.len ? ": " : "",
				 first_line(ans.body), ans.body);
		else
			ctl_fail("the node at %s answered with something that is "
				 "not JSON-RPC%s%s", api->target, res ? "" : ": ",
				 res ? "" : je.text);
		json_decref(res);
		ctl_http_answer_free(&ans);
		return CTL_FAIL;
	}
	ctl_http_answer_free(&ans);
	if ((v = json_object_get(res, "error")) && !json_is_null(v)) {
		*error = json_incref(v);
		json_decref(res);
		return CTL_API_RPC_ERROR;
	}
	*result = json_incref(json_object_get(res, "result"));
	json_decref(res);
	return CTL_OK;
}

int ctl_api_print_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			    JSON_ENCODE_ANY);

	putchar('\n');
	return rc || fflush(stdout) ? CTL_FAIL : CTL_OK;
}

int ctl_api_rpc_fail(const char *method, json_t *error, bool json)
{
	const char *msg = json_string_value(json_object_get(error, "message"));
	json_t *data = json_object_get(error, "data");

	if (json)
		ctl_api_print_json(error);
	if (json_is_string(data))
		return ctl_fail("%s: %s (%s)", method, msg ? msg : "error",
				json_string_value(data));
	return ctl_fail("%s: %s", method, msg ? msg : "error");
}

int ctl_api_run(const struct ctl_apiopts *o, const char *method,
		json_t *params, json_t **result)
{
	struct ctl_api api;
	json_t *error = NULL;
	int rc = ctl_api_open(o, &api);

	*result = NULL;
	if (!rc)
		rc = ctl_api_call(&api, method, params, result, &error);
	ctl_api_close(&api);
	if (rc == CTL_API_RPC_ERROR) {
		rc = ctl_api_rpc_fail(method, error, o->json);
		json_decref(error);
	}
	return rc;
}

const char *ctl_json_text(json_t *v, char *buf, size_t n)
{
	if (!v)
		return "-";
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, n, "%.15g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "-"; /* null, absent (NULL), a container */
	}
}
