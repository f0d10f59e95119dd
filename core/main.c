/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd: the Tandem node. `tandemd -f FILE` runs the node with that
 * routing script (foreground, logs on stderr); --check only checks the
 * script; --load tries loading a module. */
#include <config.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "check.h"
#include "conf/settings.h"
#include "serve.h"
#include "module/mod.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemd [--version] [--help] [--module-path DIR]... "
		   "-f FILE [--listen PROTO:IP:PORT]... [--set KEY=VALUE]... "
		   "[--check | --dump-program]\n"
		   "       tandemd [--module-path DIR]... --load NAME...\n"
		   "  -f FILE            run the node with this routing script "
		   "(*.route)\n"
		   "  --listen ADDR      listen on PROTO:IP:PORT (udp, tcp, tls, "
		   "ws, wss); repeatable, replaces the script's listen setting\n"
		   "  --set KEY=VALUE    override a setting (docs/settings.md)\n"
		   "  --settings         print every setting as a Markdown table\n"
		   "  --check            load and check the script (modules "
		   "included), open no socket, exit 0 or 1\n"
		   "  --dump-program     the same, then print the compiled "
		   "program\n"
		   "  --module-path DIR  search DIR for modules (before "
		   "$TANDEM_MODULE_PATH and %s)\n"
		   "  --load NAME        load module NAME, run its load hook, "
		   "report it and exit\n"
		   "Signals: SIGHUP reloads the script, SIGTERM stops "
		   "gracefully.\n", TDM_MODULE_DIR);
}

static int print_module(struct tdm_mod *m, void *arg)
{
	(void)arg;
	printf("loaded %s: %s (%s)\n", m->desc->name, m->desc->description,
	       m->path ? m->path : "built in");
	return 0;
}

/* Loads names[0..n), runs the load hooks, lists the modules and unloads
 * them again. Returns the exit status. */
static int load_modules(char **names, int n)
{
	char err[512];
	int rc = 0;

	for (int i = 0; i < n && !rc; i++)
		rc = tdm_mod_load(&(struct tdm_str){ names[i], strlen(names[i]) },
				  NULL, NULL, err, sizeof(err));
	if (!rc)
		rc = tdm_mod_start_all(err, sizeof(err));
	if (rc)
		fprintf(stderr, "tandemd: %s\n", err);
	else
		tdm_mod_foreach(print_module, NULL);
	tdm_mod_unload_all();
	tdm_mod_path_clear();
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	char **loads = argv; /* --load names, gathered in place */
	static char *sets[64], *listens[64];
	int nloads = 0, nsets = 0, nlistens = 0;
	const char *file = NULL;
	bool check = false, dump = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("tandemd %s (abi %d)\n", PACKAGE_VERSION,
			       TDM_ABI_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--settings")) {
			tdm_settings_markdown(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--check") || !strcmp(argv[i], "--dump-program")) {
			check = true;
			dump = dump || argv[i][2] == 'd';
			continue;
		}
		if ((!strcmp(argv[i], "--module-path") || !strcmp(argv[i], "-f") ||
		     !strcmp(argv[i], "--load") || !strcmp(argv[i], "--set") ||
		     !strcmp(argv[i], "--listen")) && i + 1 >= argc) {
			fprintf(stderr, "tandemd: %s needs an argument\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--module-path")) {
			if (tdm_mod_path_add(argv[++i])) {
				fprintf(stderr, "tandemd: bad module path '%s'\n",
					argv[i]);
				return 2;
			}
			continue;
		}
		if (!strcmp(argv[i], "-f")) {
			file = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--load")) {
			loads[nloads++] = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--set") || !strcmp(argv[i], "--listen")) {
			bool set = argv[i][2] == 's';
			if ((set ? nsets : nlistens) == 64) {
				fprintf(stderr, "tandemd: more than 64 %s\n", argv[i]);
				return 2;
			}
			if (set)
				sets[nsets++] = argv[++i];
			else
				listens[nlistens++] = argv[++i];
			continue;
		}
		fprintf(stderr, "tandemd: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (check) {
		if (!file) {
			fprintf(stderr, "tandemd: --check needs -f FILE\n");
			return 2;
		}
		return tdm_main_check(file, dump);
	}
	if (nloads)
		return load_modules(loads, nloads);
	if (file)
		return tdm_main_serve(file, sets, nsets, listens, nlistens);
	tdm_mod_path_clear();
	usage(stderr);
	return 2;
}
