/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: declarations shared by the dispatcher (main.c), the command
 * families (cmd_*.c) and their helpers (sip_json.c). */
#ifndef TANDEM_CTL_H
#define TANDEM_CTL_H

#include <stdio.h>
#include <jansson.h>
#include <tandem/sip.h>

/* Exit statuses of every command. */
enum {
	CTL_OK = 0,
	CTL_FAIL = 1,  /* the command ran and failed (bad input, I/O error) */
	CTL_USAGE = 2, /* bad command line */
};

/* A command handler gets the arguments after "COMMAND SUBCOMMAND"
 * (argv[0] is the subcommand) and returns an exit status. */
typedef int ctl_cmd_fn(int argc, char **argv);

/* One row of the command table in main.c. */
struct ctl_cmd {
	const char *name;    /* "sip" */
	const char *sub;     /* "parse" */
	const char *args;    /* "FILE|- [--compact]" */
	const char *summary; /* one line for tandemctl --help */
	const char *details; /* printed by tandemctl NAME SUB --help, or NULL */
	ctl_cmd_fn *fn;
};

/* Prints the usage line and details of one command. */
void ctl_cmd_help(FILE *f, const struct ctl_cmd *c);

/* cmd_sip.c */
int ctl_sip_parse(int argc, char **argv);
extern const char ctl_sip_parse_details[];

/* cmd_route.c */
int ctl_route_check(int argc, char **argv);
int ctl_route_test(int argc, char **argv);
extern const char ctl_route_check_details[];
extern const char ctl_route_test_details[];

/* sip_json.c: the JSON document of a parsed message (see
 * docs/tandemctl.md), or NULL when out of memory. The accessors it calls
 * cache their results in m. */
json_t *ctl_sip_msg_json(struct tdm_sip_msg *m);

#endif
