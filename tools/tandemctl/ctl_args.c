/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: the one command-line parser every command uses —
 * positional arguments, "--", --json, --module-path, and a command's
 * options as tables (flags and "--name VALUE" / "--name=VALUE"), with the
 * same messages and exit status for every mistake. */
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "module/mod.h"

/* "--name VALUE" or "--name=VALUE": 1 taken, 0 not this option, -1 no
 * value. */
static int opt_value(int argc, char **argv, int *i, const char *name,
		     const char **val)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (strcmp(argv[*i], name))
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

/* Option argv[*i] among the tables: 1 taken, 0 unknown, -1 no value. */
static int one_option(int argc, char **argv, int *i,
		      const struct ctl_opt *const *tables, unsigned ntables)
{
	const char *mpath;
	int r;

	if ((r = opt_value(argc, argv, i, "--module-path", &mpath)))
		return r > 0 && tdm_mod_path_add(mpath) ? -1 : r;
	for (unsigned t = 0; t < ntables; t++)
		for (const struct ctl_opt *p = tables[t]; p && p->name; p++) {
			if (p->flag && !strcmp(argv[*i], p->name)) {
				*p->flag = true;
				return 1;
			}
			if (p->val && (r = opt_value(argc, argv, i, p->name, p->val)))
				return r;
		}
	return 0;
}

int ctl_parse(int argc, char **argv, const char *cmd,
	      const struct ctl_opt *const *tables, unsigned ntables,
	      bool *json, const char **pos, int min, int max)
{
	bool dashdash = false;
	int npos = 0, r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (npos >= max) {
				fprintf(stderr, "tandemctl %s: unexpected argument "
					"'%s' (see tandemctl %s --help)\n", cmd, a, cmd);
				return CTL_USAGE;
			}
			pos[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (json && !strcmp(a, "--json")) {
			*json = true;
			continue;
		}
		if (!(r = one_option(argc, argv, &i, tables, ntables))) {
			fprintf(stderr, "tandemctl %s: unknown option '%s' (see "
				"tandemctl %s --help)\n", cmd, a, cmd);
			return CTL_USAGE;
		}
		if (r < 0) {
			fprintf(stderr, "tandemctl %s: %s needs a value\n", cmd, a);
			return CTL_USAGE;
		}
	}
	if (npos < min) {
		fprintf(stderr, "tandemctl %s: missing argument (see tandemctl %s "
			"--help)\n", cmd, cmd);
		return CTL_USAGE;
	}
	for (int i = npos; i < max; i++)
		pos[i] = NULL;
	return CTL_OK;
}
