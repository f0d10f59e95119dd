/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: which node a runtime command talks to, and with which token.
 * The command line wins, then the environment, then what the routing
 * script tells: the script is compiled as tandemd compiles it (its
 * modules loaded, their parameters set, defaults included), and the
 * parameters of its `http` module are read from the module registry, so
 * tandemctl finds the API exactly where the node opens it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"
#include "module/mod.h"
#include "script/program.h"

/* ---- Options ------------------------------------------------------------- */

int ctl_api_args(int argc, char **argv, const char *cmd, bool json_ok,
		 struct ctl_apiopts *o, const char **pos, int min, int max)
{
	const struct ctl_opt opts[] = {
		{ "--api", &o->api, NULL }, { "--token", &o->token, NULL },
		{ "--timeout", &o->timeout, NULL }, { "-f", &o->script, NULL },
		{ NULL, NULL, NULL }
	};
	const struct ctl_opt *tables[] = { opts };

	memset(o, 0, sizeof(*o));
	return ctl_parse(argc, argv, cmd, tables, 1, json_ok ? &o->json : NULL,
			 pos, min, max);
}

/* ---- Targets ------------------------------------------------------------- */

/* HOST:PORT (HOST may be [IPv6]) into api's host and port. */
static int host_port(struct ctl_api *api, const char *s, char *err,
		     size_t errlen)
{
	const char *colon, *host = s;
	size_t hlen;

	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':') {
			snprintf(err, errlen, "'%s' is not [IPv6]:PORT", s);
			return -EINVAL;
		}
		host = s + 1;
		hlen = (size_t)(end - host);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s))) {
			snprintf(err, errlen, "'%s' is not HOST:PORT", s);
			return -EINVAL;
		}
		hlen = (size_t)(colon - s);
	}
	if (!hlen || hlen >= sizeof(api->host)) {
		snprintf(err, errlen, "'%s' has no host", s);
		return -EINVAL;
	}
	if (ctl_parse_uint(colon + 1, 65535, &(unsigned){ 0 }) ||
	    !colon[1] || strlen(colon + 1) >= sizeof(api->port) ||
	    !strcmp(colon + 1, "0")) {
		snprintf(err, errlen, "'%s' has no valid port", s);
		return -EINVAL;
	}
	memcpy(api->host, host, hlen);
	api->host[hlen] = '\0';
	/* a wildcard listen address is reached over loopback */
	if (!strcmp(api->host, "0.0.0.0"))
		strcpy(api->host, "127.0.0.1");
	else if (!strcmp(api->host, "::"))
		strcpy(api->host, "::1");
	strcpy(api->port, colon + 1);
	api->local = false;
	snprintf(api->target, sizeof(api->target),
		 strchr(api->host, ':') ? "http://[%s]:%s" : "http://%s:%s",
		 api->host, api->port);
	return 0;
}

/* True for "HOST:PORT" without a slash (not a socket file name). */
static bool looks_tcp(const char *s)
{
	const char *colon = strrchr(s, ':');

	if (strchr(s, '/') || !colon || !colon[1])
		return false;
	return strspn(colon + 1, "0123456789") == strlen(colon + 1);
}

int ctl_api_target(struct ctl_api *api, const char *text, char *err,
		   size_t errlen)
{
	if (!strncmp(text, "http://", 7)) {
		char hp[300];
		size_t n = strcspn(text + 7, "/");

		if (text[7 + n] && strcmp(text + 7 + n, "/")) {
			snprintf(err, errlen, "'%s': give http://HOST:PORT "
				 "without a path", text);
			return -EINVAL;
		}
		if (n >= sizeof(hp)) {
			snprintf(err, errlen, "'%s' is too long", text);
			return -EINVAL;
		}
		memcpy(hp, text + 7, n);
		hp[n] = '\0';
		return host_port(api, hp, err, errlen);
	}
	if (!strncmp(text, "https://", 8)) {
		snprintf(err, errlen, "'%s': the admin API speaks plain HTTP "
			 "(on loopback or a Unix socket), not HTTPS", text);
		return -EINVAL;
	}
	if (looks_tcp(text))
		return host_port(api, text, err, errlen);
	if (!strncmp(text, "unix:", 5))
		text += 5;
	if (!*text) {
		snprintf(err, errlen, "the API target is empty");
		return -EINVAL;
	}
	if (strlen(text) >= sizeof(api->path)) {
		snprintf(err, errlen, "socket path '%s' is too long (at most "
			 "%zu bytes)", text, sizeof(api->path) - 1);
		return -EINVAL;
	}
	api->local = true;
	strcpy(api->path, text);
	snprintf(api->target, sizeof(api->target), "%s", text);
	return 0;
}

/* ---- The script's http module --------------------------------------------- */

/* What the script says about the API. Strings tdm_malloc'd. */
struct script_api {
	char *socket, *listen, *token, *token_file;
};

static void script_api_free(struct script_api *s)
{
	tdm_free(s->socket);
	tdm_free(s->listen);
	tdm_free(s->token);
	tdm_free(s->token_file);
}

/* The current value of a str parameter of a loaded module (defaults
 * included), copied; NULL when the module has no such parameter. */
static char *mod_param(const struct tdm_mod *m, const char *name)
{
	const struct tdm_module *d = m->desc;

	for (const struct tdm_param_def *p = d->params; p && p->name; p++) {
		const char *v;

		if (strcmp(p->name, name) || p->type != TDM_T_STR || !d->config)
			continue;
		v = *(const char *const *)((const char *)d->config + p->offset);
		return tdm_strndup(v ? v : "", v ? strlen(v) : 0);
	}
	return NULL;
}

/* Compiles the script (as tandemd does) and reads its http module's
 * parameters. CTL_OK, or CTL_FAIL reported. */
static int script_api(const char *path, struct script_api *s)
{
	static const struct tdm_str http = TDM_STR("http");
	struct tdm_scr_program *p;
	struct tdm_mod *m;

	memset(s, 0, sizeof(*s));
	if (ctl_script_open(path, "http module's settings", &p))
		return CTL_FAIL;
	m = tdm_mod_find(&http);
	if (m) {
		s->socket = mod_param(m, "socket");
		s->listen = mod_param(m, "listen");
		s->token = mod_param(m, "token");
		s->token_file = mod_param(m, "token_file");
	}
	ctl_script_close(p);
	if (!m)
		return ctl_fail("%s does not load the http module: the node has "
				"no admin API (load \"http\" { }, or use --api)",
				path);
	return CTL_OK;
}

/* The token in a token file: its first line, as the http module reads it
 * (up to the first CR or LF). tdm_malloc'd, or NULL after reporting. */
static char *read_token_file(const char *path)
{
	char line[4096];
	size_t len;
	FILE *f = fopen(path, "r");

	if (!f) {
		ctl_fail("cannot read the token file %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	len = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[len] = '\0';
	len = strcspn(line, "\r\n");
	if (!len) {
		ctl_fail("the token file %s is empty", path);
		return NULL;
	}
	return tdm_strndup(line, len);
}

/* ---- Resolving ------------------------------------------------------------- */

static int parse_timeout(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400)
		return -EINVAL;
	*ms = (int)(v * 1000);
	if (*ms < 1)
		*ms = 1;
	return 0;
}

int ctl_api_open(const struct ctl_apiopts *o, struct ctl_api *api)
{
	const char *env_api = getenv("TANDEM_API");
	const char *env_token = getenv("TANDEM_API_TOKEN");
	const char *target = NULL, *from = NULL;
	struct script_api s = { 0 };
	bool from_script = false;
	char err[512];
	int rc = CTL_OK;

	memset(api, 0, sizeof(*api));
	api->timeout_ms = CTL_API_TIMEOUT * 1000;
	if (o->timeout && parse_timeout(o->timeout, &api->timeout_ms)) {
		fprintf(stderr, "tandemctl: --timeout '%s': give a number of "
			"seconds (more than 0)\n", o->timeout);
		return CTL_USAGE;
	}
	if (o->api) {
		target = o->api;
		from = "--api";
	} else if (env_api && *env_api) {
		target = env_api;
		from = "$TANDEM_API";
	}
	if (!o->token && !(env_token && *env_token) && o->script)
		from_script = true;
	if (!target && o->script)
		from_script = true;
	if (from_script && script_api(o->script, &s))
		return CTL_FAIL;
	if (!target && o->script) {
		from = o->script;
		if (s.socket && *s.socket)
			target = s.socket;
		else if (s.listen && *s.listen)
			target = s.listen;
		else
			rc = ctl_fail("%s: its http module has neither socket nor "
				      "listen", o->script);
	}
	if (!rc && !target) {
		target = CTL_API_DEFAULT;
		from = "the default";
	}
	if (!rc && ctl_api_target(api, target, err, sizeof(err))) {
		fprintf(stderr, "tandemctl: %s (from %s)\n", err, from);
		rc = !strcmp(from, "--api") ? CTL_USAGE : CTL_FAIL;
	}
	if (!rc) {
		if (o->token)
			api->token = tdm_strndup(o->token, strlen(o->token));
		else if (env_token && *env_token)
			api->token = tdm_strndup(env_token, strlen(env_token));
		else if (s.token && *s.token)
			api->token = tdm_strndup(s.token, strlen(s.token));
		else if (s.token_file && *s.token_file &&
			 !(api->token = read_token_file(s.token_file)))
			rc = CTL_FAIL;
	}
	script_api_free(&s);
	return rc;
}

void ctl_api_close(struct ctl_api *api)
{
	tdm_free(api->token);
	api->token = NULL;
	tdm_mod_path_clear();
}
