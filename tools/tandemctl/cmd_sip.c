/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl sip ...: commands on SIP messages. "sip parse" runs the core
 * parser (eager parse, then every lazy accessor) over one message and
 * prints what it decoded, to check a capture or a parser change by eye. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"

const char ctl_sip_parse_details[] =
	"Reads one message from FILE (or stdin for -), bytes as they are, at\n"
	"most the parser's limit (65535 bytes; a larger input is an error), and\n"
	"parses it with tdm_sip_msg_parse() then tdm_sip_msg_parse_all().\n"
	"On success prints a pretty JSON object (keys always in this order):\n"
	"  type           \"request\" or \"response\"\n"
	"  method, request_uri, request_uri_parsed   (requests)\n"
	"  status, reason                            (responses)\n"
	"  headers        array in wire order of\n"
	"                 {name, id, value, parsed}: id is the canonical name of\n"
	"                 a known header (null otherwise); parsed is what the\n"
	"                 accessor decoded from THIS header line (null when the\n"
	"                 core has no decoder for it): Via -> array of vias;\n"
	"                 Contact -> {star, contacts}; Route, Record-Route, Path\n"
	"                 and other address lists -> array of addresses;\n"
	"                 From/To -> address; token lists -> array of strings;\n"
	"                 auth headers -> {scheme, fields present}; CSeq ->\n"
	"                 {num, method}; single values -> {value}.\n"
	"  body_length    bytes of the body\n"
	"URIs are shown as text plus a *_parsed object (null when the URI does\n"
	"not parse). --compact prints the JSON on one line; --json (the default)\n"
	"pretty-prints it.\n"
	"On a parse error prints \"offset N: reason\" to stderr and exits 1.\n";

/* Reads all of f, refusing more than max bytes. 0, -EFBIG, -errno. */
static int read_all(FILE *f, size_t max, char **out, size_t *len)
{
	size_t cap = max + 1, n = 0, r;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			break;
	}
	if (ferror(f)) {
		int e = errno ? -errno : -EIO;

		free(buf);
		return e;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: tandemctl sip parse FILE|- [--json] [--compact]\n");
	return CTL_USAGE;
}

int ctl_sip_parse(int argc, char **argv)
{
	const char *path = NULL;
	size_t max = tdm_sip_default_limits.max_msg_size, len = 0;
	size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4);
	struct tdm_sip_error err = { 0, NULL };
	struct tdm_sip_msg *m = NULL;
	char *buf = NULL;
	FILE *f;
	json_t *doc;
	int rc, ret = CTL_FAIL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		if (!strcmp(argv[i], "--compact"))
			flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4);
		else if (argv[i][0] == '-' && argv[i][1] && !path) {
			fprintf(stderr, "tandemctl sip parse: unknown option '%s'\n", argv[i]);
			return usage();
		} else if (!path)
			path = argv[i];
		else
			return usage();
	}
	if (!path)
		return usage();

	f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "tandemctl: %s: %s\n", path, strerror(errno));
		return CTL_FAIL;
	}
	rc = read_all(f, max, &buf, &len);
	if (f != stdin)
		fclose(f);
	if (rc == -EFBIG) {
		fprintf(stderr, "tandemctl: %s: larger than %zu bytes (the parser's "
			"limit)\n", path, max);
		return CTL_FAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "tandemctl: %s: %s\n", path, strerror(-rc));
		return CTL_FAIL;
	}

	rc = tdm_sip_msg_parse(&m, NULL, buf, len, NULL, &err);
	if (rc == 0)
		rc = tdm_sip_msg_parse_all(m, &err);
	if (rc == -EBADMSG || rc == -EMSGSIZE) {
		fprintf(stderr, "offset %u: %s\n", err.offset,
			err.reason ? err.reason : strerror(-rc));
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "tandemctl: %s: %s\n", path, strerror(-rc));
		goto out;
	}
	doc = ctl_sip_msg_json(m);
	if (!doc) {
		fprintf(stderr, "tandemctl: out of memory\n");
		goto out;
	}
	if (json_dumpf(doc, stdout, flags) == 0 && fputc('\n', stdout) != EOF &&
	    fflush(stdout) == 0)
		ret = CTL_OK;
	else
		fprintf(stderr, "tandemctl: writing the output: %s\n", strerror(errno));
	json_decref(doc);
out:
	if (m)
		tdm_sip_msg_free(m);
	free(buf);
	return ret;
}
