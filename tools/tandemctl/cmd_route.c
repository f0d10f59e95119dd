/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route ...: routing scripts without tandemd. "route check"
 * compiles a script as tandemd --check does; "route test" runs the cases
 * of case files through it (docs/routing-tests.md) so that engineers can
 * test their routing logic in CI with no network and no server. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "module/mod.h"
#include "route_cases.h"
#include "route_run.h"
#include "script/program.h"

const char ctl_route_check_details[] =
	"Compiles SCRIPT the way tandemd does at start-up (parse, load the\n"
	"modules it names, set their parameters, check, compile, run the\n"
	"modules' load hooks) without opening any socket. Prints the\n"
	"diagnostics to stderr and \"SCRIPT: ok (N warnings, sha256 HASH)\" on\n"
	"success. Exits 0 when the script compiles, 1 when it does not.\n"
	"--module-path DIR adds a directory to search for modules (repeatable).\n";

const char ctl_route_test_details[] =
	"Compiles SCRIPT once (diagnostics to stderr, exit 1 if it does not\n"
	"compile), then runs every case of every CASES file through it with no\n"
	"network: each case gives a message, where it came from, and the\n"
	"decision the script must take (see docs/routing-tests.md). Prints\n"
	"  ok - NAME\n"
	"or\n"
	"  FAIL - NAME\n"
	"      FILE:LINE: expected WHAT THE CASE SAYS\n"
	"                 got      WHAT THE SCRIPT DID\n"
	"per case, then \"N passed, N failed\".\n"
	"Exit status: 0 every case passed, 1 a case failed (or the script does\n"
	"not compile), 2 a case file has errors (printed as FILE:LINE: message;\n"
	"no case runs) or bad usage.\n"
	"Options:\n"
	"  --module-path DIR  also search DIR for modules (repeatable)\n"
	"  -v, --verbose      write the log lines of the runs to stderr as they\n"
	"                     happen (by default they are kept, and shown under a\n"
	"                     case that stopped with a run-time error)\n";

/* Options shared by both commands; positional arguments stay in argv. */
struct opts {
	bool verbose;
	char **args;
	int nargs;
};

static int parse_opts(int argc, char **argv, const char *cmd, struct opts *o)
{
	o->verbose = false;
	o->args = argv + 1;
	o->nargs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--module-path")) {
			if (i + 1 >= argc || tdm_mod_path_add(argv[++i])) {
				fprintf(stderr, "tandemctl route %s: --module-path needs "
					"a directory\n", cmd);
				return CTL_USAGE;
			}
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			o->verbose = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "tandemctl route %s: unknown option '%s'\n",
				cmd, argv[i]);
			return CTL_USAGE;
		} else {
			o->args[o->nargs++] = argv[i];
		}
	}
	return CTL_OK;
}

/* Compiles the script and starts its modules; diagnostics to stderr.
 * 0 with *out, or -1 (reported). */
static int load_script(const char *path, struct tdm_scr_program **out,
		       unsigned *warnings)
{
	struct tdm_scr_diag d;
	char err[512];
	int rc;

	*out = NULL;
	tdm_scr_diag_init(&d);
	rc = tdm_scr_load_file(path, &d, out);
	tdm_scr_diag_print(&d, stderr);
	if (!rc && (rc = tdm_mod_start_all(err, sizeof(err))))
		fprintf(stderr, "%s: error: %s\n", path, err);
	else if (rc && d.errors)
		fprintf(stderr, "%s: %u error%s\n", path, d.errors,
			d.errors == 1 ? "" : "s");
	else if (rc)
		fprintf(stderr, "%s: %s\n", path, tdm_strerror(rc));
	*warnings = d.warnings;
	tdm_scr_diag_fini(&d);
	if (rc) {
		tdm_scr_program_unref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static void unload(struct tdm_scr_program *p)
{
	tdm_scr_program_unref(p);
	tdm_mod_unload_all();
	tdm_mod_path_clear();
}

int ctl_route_check(int argc, char **argv)
{
	struct tdm_scr_program *p;
	unsigned warnings;
	struct opts o;
	int rc = parse_opts(argc, argv, "check", &o);

	if (rc == CTL_OK && o.nargs != 1) {
		fprintf(stderr, "usage: tandemctl route check SCRIPT [--module-path DIR]\n");
		rc = CTL_USAGE;
	}
	if (rc != CTL_OK) {
		tdm_mod_path_clear();
		return rc;
	}
	if (load_script(o.args[0], &p, &warnings)) {
		unload(NULL);
		return CTL_FAIL;
	}
	printf("%s: ok (%u warning%s, sha256 %s)\n", o.args[0], warnings,
	       warnings == 1 ? "" : "s", p->hash);
	unload(p);
	return CTL_OK;
}

/* ---- route test ---------------------------------------------------------- */

/* The log lines of the runs go to a temporary file unless --verbose;
 * they are shown under a case that stopped with a run-time error. */
struct logcap {
	FILE *f;
};

static void logcap_start(struct logcap *l, bool verbose)
{
	l->f = verbose ? NULL : tmpfile();
	if (l->f)
		tdm_log_to_fd(fileno(l->f), TDM_LOG_TEXT, 0);
}

/* Prints what was logged since the last call (when show), then forgets it. */
static void logcap_flush(struct logcap *l, bool show)
{
	char line[TDM_LOG_LINE_MAX + 1];
	int fd;

	if (!l->f)
		return;
	fd = fileno(l->f);
	if (show && lseek(fd, 0, SEEK_SET) == 0) {
		FILE *in = fdopen(dup(fd), "r");

		while (in && fgets(line, sizeof(line), in))
			printf("    log: %s%s", line, strchr(line, '\n') ? "" : "\n");
		if (in)
			fclose(in);
	}
	if (ftruncate(fd, 0) == 0)
		(void)lseek(fd, 0, SEEK_SET);
}

static void logcap_stop(struct logcap *l)
{
	if (!l->f)
		return;
	tdm_log_to_fd(2, TDM_LOG_TEXT, 0);
	fclose(l->f);
}

/* Runs every case of f; adds to the counts. -ENOMEM stops. */
static int run_file(const struct rc_file *f, const struct tdm_scr_program *p,
		    struct logcap *lc, unsigned *passed, unsigned *failed)
{
	struct tdm_buf diff = TDM_BUF_INIT;
	bool run_error;
	int rc = 0;

	for (const struct rc_case *c = f->cases; c; c = c->next) {
		tdm_buf_reset(&diff);
		rc = rc_case_run(f, c, p, &diff, &run_error);
		if (rc < 0 || diff.err) {
			fprintf(stderr, "tandemctl: %s: case '%s': %s\n", f->path,
				c->name, tdm_strerror(rc < 0 ? rc : -ENOMEM));
			rc = -ENOMEM;
			break;
		}
		printf("%s - %s\n", rc ? "ok" : "FAIL", c->name);
		if (!rc)
			fwrite(diff.data, 1, diff.len, stdout);
		logcap_flush(lc, !rc && run_error);
		*passed += rc == 1;
		*failed += rc == 0;
		rc = 0;
	}
	tdm_buf_free(&diff);
	return rc;
}

/* Reads every case file; all their errors are printed. */
static int load_cases(char **paths, int n, struct rc_file **files)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int rc = rc_file_load(paths[i], stderr, &files[i]);

		if (rc == -ENOMEM) {
			fprintf(stderr, "tandemctl: out of memory\n");
			return CTL_FAIL;
		}
		bad += rc != 0;
	}
	return bad ? CTL_USAGE : CTL_OK;
}

int ctl_route_test(int argc, char **argv)
{
	struct tdm_scr_program *p = NULL;
	struct rc_file **files = NULL;
	unsigned passed = 0, failed = 0, warnings, bad = 0;
	struct logcap lc = { NULL };
	struct opts o;
	int rc = parse_opts(argc, argv, "test", &o);

	if (rc == CTL_OK && o.nargs < 2) {
		fprintf(stderr, "usage: tandemctl route test SCRIPT CASES... "
			"[--module-path DIR] [-v]\n");
		rc = CTL_USAGE;
	}
	if (rc == CTL_OK && !(files = calloc((size_t)o.nargs, sizeof(*files))))
		rc = CTL_FAIL;
	if (rc == CTL_OK)
		rc = load_cases(o.args + 1, o.nargs - 1, files);
	if (rc == CTL_OK && load_script(o.args[0], &p, &warnings))
		rc = CTL_FAIL;
	for (int i = 0; rc == CTL_OK && i < o.nargs - 1; i++)
		bad += rc_file_check(files[i], p, stderr);
	if (rc == CTL_OK && bad)
		rc = CTL_USAGE;
	if (rc == CTL_OK) {
		logcap_start(&lc, o.verbose);
		for (int i = 0; !rc && i < o.nargs - 1; i++)
			rc = run_file(files[i], p, &lc, &passed, &failed);
		logcap_stop(&lc);
		printf("%u passed, %u failed\n", passed, failed);
		rc = rc || failed ? CTL_FAIL : CTL_OK;
	}
	for (int i = 0; files && i < o.nargs - 1; i++)
		rc_file_free(files[i]);
	free(files);
	unload(p);
	return rc;
}
