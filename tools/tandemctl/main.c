/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: provisioning and control CLI. Commands are two words (a family
 * and an action, "sip parse") or one ("status"); each is one row of the
 * table below, so a new command is a handler in cmd_<family>.c plus one
 * row. */
#include <config.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "ctl_api.h"

static const struct ctl_cmd cmds[] = {
	{ "sip", "parse", "FILE|- [--json] [--compact]",
	  "parse one SIP message, print it as JSON",
	  ctl_sip_parse_details, ctl_sip_parse },
	{ "route", "check", "SCRIPT",
	  "compile a routing script (tandemd --check, without tandemd)",
	  ctl_route_check_details, ctl_route_check },
	{ "route", "test", "SCRIPT CASES...",
	  "run the test cases of CASES files through a routing script",
	  ctl_route_test_details, ctl_route_test },
	{ "db", "migrate", "[--db URL | -f SCRIPT]",
	  "apply the database migrations this build has",
	  ctl_db_migrate_details, ctl_db_migrate },
	{ "db", "status", "[--json] [--db URL | -f SCRIPT]",
	  "applied and missing migrations (exit 1 when behind)",
	  ctl_db_status_details, ctl_db_status },
	{ "domain", "add", "DOMAIN",
	  "add a served domain",
	  ctl_domain_add_details, ctl_domain_add },
	{ "domain", "list", "[--json]",
	  "list the domains",
	  ctl_domain_list_details, ctl_domain_list },
	{ "domain", "rm", "DOMAIN",
	  "remove a domain without users or aliases",
	  ctl_domain_rm_details, ctl_domain_rm },
	{ "user", "add", "LOGIN@DOMAIN --password P|--password-stdin [--display NAME]",
	  "add a subscriber",
	  ctl_user_add_details, ctl_user_add },
	{ "user", "passwd", "LOGIN@DOMAIN --password P|--password-stdin",
	  "set a subscriber's password",
	  ctl_user_passwd_details, ctl_user_passwd },
	{ "user", "list", "[--domain D] [--json]",
	  "list the subscribers",
	  ctl_user_list_details, ctl_user_list },
	{ "user", "show", "LOGIN@DOMAIN [--json]",
	  "show one subscriber and its aliases",
	  ctl_user_show_details, ctl_user_show },
	{ "user", "rm", "LOGIN@DOMAIN",
	  "remove a subscriber and its aliases",
	  ctl_user_rm_details, ctl_user_rm },
	{ "user", "disable", "LOGIN@DOMAIN",
	  "stop a subscriber from authenticating",
	  ctl_user_disable_details, ctl_user_disable },
	{ "user", "enable", "LOGIN@DOMAIN",
	  "let a disabled subscriber authenticate again",
	  ctl_user_enable_details, ctl_user_enable },
	{ "alias", "add", "ALIAS_URI_OR_NUMBER LOGIN@DOMAIN",
	  "make another URI or number reach a subscriber",
	  ctl_alias_add_details, ctl_alias_add },
	{ "alias", "list", "[LOGIN@DOMAIN] [--json]",
	  "list the aliases",
	  ctl_alias_list_details, ctl_alias_list },
	{ "alias", "rm", "ALIAS",
	  "remove an alias",
	  ctl_alias_rm_details, ctl_alias_rm },
	{ "address", "add", "IP[/MASK] [--port P] [--group G] [--tag T]",
	  "add a trusted source address",
	  ctl_address_add_details, ctl_address_add },
	{ "address", "list", "[--group G] [--json]",
	  "list the trusted addresses",
	  ctl_address_list_details, ctl_address_list },
	{ "address", "rm", "IP[/MASK] [--port P] [--group G]",
	  "remove a trusted address",
	  ctl_address_rm_details, ctl_address_rm },
	{ "status", NULL, "[--json]",
	  "the running node: version, uptime, script",
	  ctl_status_details, ctl_status },
	{ "reload", NULL, "[--json]",
	  "reload the routing script (errors: exit 1)",
	  ctl_reload_details, ctl_reload },
	{ "stats", NULL, "[PREFIX] [--json]",
	  "the node's statistics",
	  ctl_stats_details, ctl_stats },
	{ "reg", "show", "[AOR] [--json]",
	  "registered bindings, all or of one AOR",
	  ctl_reg_show_details, ctl_reg_show },
	{ "reg", "rm", "AOR [CONTACT]",
	  "remove an AOR's bindings, or one",
	  ctl_reg_rm_details, ctl_reg_rm },
	{ "log", "level", "[SUBSYSTEM LEVEL]",
	  "set a log level (alone: list them)",
	  ctl_log_level_details, ctl_log_level },
	{ "log", "list", "[--json]",
	  "every subsystem's log level",
	  ctl_log_list_details, ctl_log_list },
	{ "rpc", NULL, "METHOD [JSON_PARAMS] [--json]",
	  "call any admin API method",
	  ctl_rpc_details, ctl_rpc },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemctl COMMAND SUBCOMMAND [ARGS...]\n"
		   "       tandemctl COMMAND SUBCOMMAND --help\n"
		   "       tandemctl --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < TDM_ARRAY_SIZE(cmds); i++) {
		int n = fprintf(f, "  %s%s%s %s", cmds[i].name,
				cmds[i].sub ? " " : "", cmds[i].sub ? cmds[i].sub : "",
				cmds[i].args);

		if (n >= 40) /* a long synopsis: the summary on its own line */
			n = fprintf(f, "\n") - 1;
		fprintf(f, "%*s %s\n", 40 - n, "", cmds[i].summary);
	}
	fprintf(f, "\nThe db, domain, user, alias and address commands take --db URL;\n"
		   "without it $TANDEM_DB, else the database setting of -f SCRIPT,\n"
		   "else sqlite:tandem.db.\n");
	fprintf(f, "\nThe status, reload, stats, reg, log and rpc commands talk to the\n"
		   "running node's admin API: --api TARGET (socket path or\n"
		   "http://HOST:PORT), else $TANDEM_API, else the http module of\n"
		   "-f SCRIPT, else " CTL_API_DEFAULT "; --token T (else\n"
		   "$TANDEM_API_TOKEN), --timeout S.\n");
	fprintf(f, "\nexit status: 0 ok, 1 the command failed, 2 bad usage.\n"
		   "See docs/tandemctl.md for the output formats.\n");
}

void ctl_cmd_help(FILE *f, const struct ctl_cmd *c)
{
	fprintf(f, "usage: tandemctl %s%s%s %s\n%s.\n", c->name,
		c->sub ? " " : "", c->sub ? c->sub : "", c->args, c->summary);
	if (c->details)
		fprintf(f, "\n%s", c->details);
}

/* Lists the subcommands of one family (after "tandemctl sip" alone). */
static void usage_family(FILE *f, const char *name)
{
	fprintf(f, "usage:\n");
	for (size_t i = 0; i < TDM_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name) && cmds[i].sub)
			fprintf(f, "  tandemctl %s %s %s\n", cmds[i].name,
				cmds[i].sub, cmds[i].args);
}

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h") || !strcmp(s, "help");
}

/* Runs command c on its arguments (argv[0] its last word), or prints its
 * help when one of them (before "--") is --help or -h. */
static int run(const struct ctl_cmd *c, int argc, char **argv)
{
	for (int j = 1; j < argc; j++) {
		if (!strcmp(argv[j], "--"))
			break;
		if (is_help(argv[j]) && strcmp(argv[j], "help")) {
			ctl_cmd_help(stdout, c);
			return CTL_OK;
		}
	}
	return c->fn(argc, argv);
}

int main(int argc, char **argv)
{
	bool family = false;

	if (argc < 2) {
		usage(stderr);
		return CTL_USAGE;
	}
	if (is_help(argv[1])) {
		usage(stdout);
		return CTL_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tandemctl %s (abi %d)\n", PACKAGE_VERSION, TDM_ABI_VERSION);
		return CTL_OK;
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(cmds); i++) {
		const struct ctl_cmd *c = &cmds[i];

		if (strcmp(c->name, argv[1]))
			continue;
		if (!c->sub) /* one word: "status" */
			return run(c, argc - 1, argv + 1);
		family = true;
		if (argc < 3 || strcmp(c->sub, argv[2]))
			continue;
		return run(c, argc - 2, argv + 2);
	}
	if (!family) {
		fprintf(stderr, "tandemctl: unknown command '%s' (tandemctl --help "
			"lists the commands)\n", argv[1]);
		return CTL_USAGE;
	}
	if (argc < 3 || is_help(argv[2])) {
		usage_family(argc < 3 ? stderr : stdout, argv[1]);
		return argc < 3 ? CTL_USAGE : CTL_OK;
	}
	fprintf(stderr, "tandemctl: unknown subcommand '%s %s'\n", argv[1], argv[2]);
	usage_family(stderr, argv[1]);
	return CTL_USAGE;
}
