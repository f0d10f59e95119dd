/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: the client side of the node's admin API (docs/admin-api.md),
 * shared by the runtime commands (status, reload, stats, reg, log, rpc).
 * Which node (--api, $TANDEM_API, the http module of -f SCRIPT, the
 * default) and which token is ctl_api_opts.c; one HTTP/1.1 exchange over a
 * Unix socket or TCP and the JSON-RPC call on top of it is ctl_api.c.
 * Every failure is reported on stderr in one line that says what to do. */
#ifndef TANDEM_CTL_API_H
#define TANDEM_CTL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>
#include <jansson.h>

/* Where the API is when nothing names it (the http module's default). */
#define CTL_API_DEFAULT "http://127.0.0.1:8060"
/* Seconds an exchange may take, unless --timeout says otherwise. */
#define CTL_API_TIMEOUT 10
/* Largest answer accepted (a registrar listing of many AORs fits). */
#define CTL_API_MAX_ANSWER (256u << 20)

/* The options every runtime command takes. */
struct ctl_apiopts {
	const char *api;      /* --api TARGET */
	const char *token;    /* --token T */
	const char *timeout;  /* --timeout S */
	const char *script;   /* -f SCRIPT: its http module's params */
	bool json;            /* --json */
};

/* A node to talk to, resolved from the options. */
struct ctl_api {
	char target[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
			      /* in messages: the socket path or http://H:P */
	bool local;           /* a Unix socket (path), else TCP (host, port) */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char host[256];       /* without the brackets of an IPv6 address */
	char port[8];
	char *token;          /* tdm_malloc'd, or NULL: none */
	int timeout_ms;
};

/* A JSON-RPC call answered with an error object (not an exit status:
 * ctl_api_call() returns it, ctl_api_run() reports it). */
#define CTL_API_RPC_ERROR 3

/* Parses argv[1..] of a runtime command (cmd for messages, "reg show"):
 * --api, --token, --timeout, -f, --module-path, --json (when json_ok), and
 * between min and max positional arguments into pos[]. CTL_OK, or
 * CTL_USAGE after printing the problem. */
int ctl_api_args(int argc, char **argv, const char *cmd, bool json_ok,
		 struct ctl_apiopts *o, const char **pos, int min, int max);

/* Resolves the options into api: the target (--api, $TANDEM_API, the
 * `http` module's socket, else listen, of -f SCRIPT, else
 * CTL_API_DEFAULT), the token (--token, $TANDEM_API_TOKEN, the module's
 * token or token_file) and the timeout. CTL_OK, CTL_USAGE (a malformed
 * --api or --timeout) or CTL_FAIL (the script cannot be read), reported.
 * ctl_api_close() frees what it holds, in every case. */
int ctl_api_open(const struct ctl_apiopts *o, struct ctl_api *api);
void ctl_api_close(struct ctl_api *api);

/* Sets api's target from text: a Unix socket path ("unix:PATH" too), or
 * http://HOST:PORT (HOST an IP address, [IPv6] or a name; a bare
 * HOST:PORT is taken as one too). 0, or -EINVAL with the reason in err. */
int ctl_api_target(struct ctl_api *api, const char *text, char *err,
		   size_t errlen);

/* An HTTP answer: status code, reason phrase, body (NUL-terminated,
 * tdm_malloc'd; chunked transfer decoded). */
struct ctl_http_answer {
	int status;
	char reason[64];
	char *body;
	size_t len;
};

/* One request to the node: METHOD PATH with body (may be NULL), the
 * token as a bearer credential when there is one, Connection: close; the
 * whole answer read within the timeout. CTL_OK with *ans filled (free it
 * with ctl_http_answer_free), or CTL_FAIL reported (unreachable, timed
 * out, malformed answer). */
int ctl_api_http(const struct ctl_api *api, const char *method,
		 const char *path, const char *body, size_t len,
		 struct ctl_http_answer *ans);
void ctl_http_answer_free(struct ctl_http_answer *ans);

/* Calls a JSON-RPC method with params (an array or object, borrowed; NULL
 * for none). CTL_OK with *result (a new reference, may be JSON null),
 * CTL_API_RPC_ERROR with *error (the error object, a new reference), or
 * CTL_FAIL reported (transport, HTTP status, not JSON-RPC). */
int ctl_api_call(const struct ctl_api *api, const char *method,
		 json_t *params, json_t **result, json_t **error);

/* Reports a JSON-RPC error: "tandemctl: METHOD: MESSAGE" on stderr (and,
 * when json, the error object on stdout). Returns CTL_FAIL. */
int ctl_api_rpc_fail(const char *method, json_t *error, bool json);

/* The whole of a simple runtime command: resolves the options, calls
 * method, reports any failure. CTL_OK with *result (a new reference), or
 * the exit status after reporting. */
int ctl_api_run(const struct ctl_apiopts *o, const char *method,
		json_t *params, json_t **result);

/* Prints a JSON value (any, scalars too) pretty on stdout. */
int ctl_api_print_json(json_t *j);

/* A scalar as text: strings as they are, numbers in decimal, true /
 * false, "-" for null, a missing value (v NULL) or a container. buf
 * holds the digits. */
const char *ctl_json_text(json_t *v, char *buf, size_t n);

/* The help paragraph shared by every runtime command. */
#define CTL_API_HELP \
	"\nThe node: --api TARGET (a Unix socket path, or http://HOST:PORT),\n" \
	"else $TANDEM_API, else the `http` module's socket (else listen) in\n" \
	"the routing script given with -f SCRIPT (--module-path DIR helps find\n" \
	"its modules), else " CTL_API_DEFAULT ". Token: --token T, else\n" \
	"$TANDEM_API_TOKEN, else the script's token / token_file. --timeout S:\n" \
	"seconds to wait for the answer (default 10).\n" \
	"Exit status: 0 done, 1 the node is unreachable or the command failed,\n" \
	"2 bad command line.\n"

#endif
