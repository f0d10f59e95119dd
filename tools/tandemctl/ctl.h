/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: declarations shared by the dispatcher (main.c), the command
 * families (cmd_*.c) and their helpers (sip_json.c). */
#ifndef TANDEM_CTL_H
#define TANDEM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include <tandem/db.h>
#include <tandem/sip.h>

/* Exit statuses of every command. */
enum {
	CTL_OK = 0,
	CTL_FAIL = 1,  /* the command ran and failed (bad input, I/O error) */
	CTL_USAGE = 2, /* bad command line */
};

/* A command handler gets the arguments after "COMMAND SUBCOMMAND"
 * (argv[0] is the subcommand; for a one-word command, the command) and
 * returns an exit status. */
typedef int ctl_cmd_fn(int argc, char **argv);

/* One row of the command table in main.c. */
struct ctl_cmd {
	const char *name;    /* "sip" */
	const char *sub;     /* "parse"; NULL: a one-word command ("status") */
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

/* cmd_db.c, cmd_domain.c, cmd_user.c, cmd_alias.c, cmd_address.c: the
 * provisioning commands (docs/tandemctl.md, "Provisioning"). */
int ctl_db_migrate(int argc, char **argv);
int ctl_db_status(int argc, char **argv);
int ctl_domain_add(int argc, char **argv);
int ctl_domain_list(int argc, char **argv);
int ctl_domain_rm(int argc, char **argv);
int ctl_user_add(int argc, char **argv);
int ctl_user_passwd(int argc, char **argv);
int ctl_user_list(int argc, char **argv);
int ctl_user_show(int argc, char **argv);
int ctl_user_rm(int argc, char **argv);
int ctl_user_disable(int argc, char **argv);
int ctl_user_enable(int argc, char **argv);
int ctl_alias_add(int argc, char **argv);
int ctl_alias_list(int argc, char **argv);
int ctl_alias_rm(int argc, char **argv);
int ctl_address_add(int argc, char **argv);
int ctl_address_list(int argc, char **argv);
int ctl_address_rm(int argc, char **argv);
extern const char ctl_db_migrate_details[], ctl_db_status_details[];
extern const char ctl_domain_add_details[], ctl_domain_list_details[],
	ctl_domain_rm_details[];
extern const char ctl_user_add_details[], ctl_user_passwd_details[],
	ctl_user_list_details[], ctl_user_show_details[], ctl_user_rm_details[],
	ctl_user_disable_details[], ctl_user_enable_details[];
extern const char ctl_alias_add_details[], ctl_alias_list_details[],
	ctl_alias_rm_details[];
extern const char ctl_address_add_details[], ctl_address_list_details[],
	ctl_address_rm_details[];

/* cmd_node.c, cmd_reg.c, cmd_log.c, cmd_rpc.c: the runtime commands,
 * clients of the node's admin API (ctl_api.h; docs/tandemctl.md,
 * "Runtime commands"). */
int ctl_status(int argc, char **argv);
int ctl_reload(int argc, char **argv);
int ctl_stats(int argc, char **argv);
int ctl_reg_show(int argc, char **argv);
int ctl_reg_rm(int argc, char **argv);
int ctl_log_level(int argc, char **argv);
int ctl_log_list(int argc, char **argv);
int ctl_rpc(int argc, char **argv);
extern const char ctl_status_details[], ctl_reload_details[],
	ctl_stats_details[];
extern const char ctl_reg_show_details[], ctl_reg_rm_details[];
extern const char ctl_log_level_details[], ctl_log_list_details[];
extern const char ctl_rpc_details[];

/* ---- ctl_db.c: options, the database, output ---------------------------- */

/* The options every provisioning command takes. */
struct ctl_dbopts {
	const char *url;     /* --db URL */
	const char *script;  /* -f FILE: its `database` setting */
	bool json;           /* --json (listings and show only) */
};

/* One option of a command: a flag (flag set) or one taking a value (val
 * set). */
struct ctl_opt {
	const char *name;    /* "--password" */
	const char **val;
	bool *flag;
};

/* ctl_db.c: compiles the routing script at path as tandemd does (its
 * modules loaded and their parameters set, not started), printing its
 * diagnostics; CTL_OK with *p, or CTL_FAIL reported as "PATH: cannot
 * read its WHAT (why)". ctl_script_close() releases the program and the
 * modules (NULL is fine). */
struct tdm_scr_program;
int ctl_script_open(const char *path, const char *what,
		    struct tdm_scr_program **p);
void ctl_script_close(struct tdm_scr_program *p);

/* ctl_args.c: parses argv[1..] ("user add" is cmd, for messages):
 * positional arguments (between min and max, into pos[], the rest set
 * NULL), "--", --json when json is not NULL, --module-path, and the
 * options of the tables (each ended by a NULL name, may be NULL).
 * Prints the problem and returns CTL_USAGE, else CTL_OK. */
int ctl_parse(int argc, char **argv, const char *cmd,
	      const struct ctl_opt *const *tables, unsigned ntables,
	      bool *json, const char **pos, int min, int max);

/* Parses argv[1..] ("user add" is cmd, for messages): --db, -f,
 * --module-path, --json (only when json_ok), the command's opts
 * (NULL-terminated by name, may be NULL), and between min and max
 * positional arguments into pos[]. Prints the problem and returns
 * CTL_USAGE, else CTL_OK. */
int ctl_args(int argc, char **argv, const char *cmd, const struct ctl_opt *opts,
	     bool json_ok, struct ctl_dbopts *o, const char **pos, int min,
	     int max);

/* The help paragraph shared by every provisioning command (which
 * database, exit statuses). */
#define CTL_DB_HELP \
	"\nDatabase: --db URL, else $TANDEM_DB, else the `database` setting of\n" \
	"the routing script given with -f FILE (read as tandemd reads it;\n" \
	"--module-path DIR helps it find the script's modules), else the\n" \
	"setting's default, sqlite:tandem.db (in the current folder).\n" \
	"Exit status: 0 done, 1 refused or failed (nothing changed), 2 bad\n" \
	"command line.\n"

/* Opens the database the options name. With schema, also checks that
 * every migration of this build is applied (else tells the user to run
 * `tandemctl db migrate`). CTL_OK with *db, or CTL_FAIL (reported). */
int ctl_db_open(const struct ctl_dbopts *o, bool schema, struct tdm_db **db);
void ctl_db_close(struct tdm_db *db);
/* cmd_db.c: CTL_OK when every migration of this build is applied to db,
 * else CTL_FAIL after telling the user to run `tandemctl db migrate` (or
 * that the schema is newer than this build). */
int ctl_schema_check(struct tdm_db *db);

/* Reports a failed database call ("tandemctl: WHAT: reason") and returns
 * CTL_FAIL. */
int ctl_db_fail(struct tdm_db *db, const char *what, int rc);
/* Prints "tandemctl: " + the message to stderr; returns CTL_FAIL. */
int ctl_fail(const char *fmt, ...) TDM_PRINTF(1, 2);

/* Expands the dialect-neutral SQL template tpl into out: {now} is the
 * current time, {ts:COL} a timestamp column as ISO 8601 UTC text, {ip:COL}
 * an address column as text. Only fixed text of the caller goes in;
 * values are always bound. */
const char *ctl_sql(struct tdm_db *db, const char *tpl, char *out, size_t n);
/* tdm_db_query() of a template. */
int ctl_query(struct tdm_db *db, const char *tpl, const struct tdm_db_val *p,
	      unsigned n, tdm_db_row_fn *fn, void *arg);
/* The single integer a query returns (count(*)...), or -errno. */
int ctl_query_int(struct tdm_db *db, const char *tpl,
		  const struct tdm_db_val *p, unsigned n, int64_t *out);

/* Runs one mutating command: begin, fn, commit; rolls back when fn
 * returns anything but CTL_OK (or the commit fails). */
int ctl_db_tx(struct tdm_db *db, int (*fn)(struct tdm_db *db, void *arg),
	      void *arg);
/* A whole mutating command: opens the database of o (schema checked), runs
 * fn in one transaction (ctl_db_tx) and, when it succeeded, prints the
 * line fmt says. Returns the exit status. */
int ctl_db_change(const struct ctl_dbopts *o,
		  int (*fn)(struct tdm_db *db, void *arg), void *arg,
		  const char *fmt, ...) TDM_PRINTF(4, 5);

/* A listing: columns, then rows gathered from queries, printed as aligned
 * text under a header line or as a JSON array of objects. */
enum ctl_col_type { CTL_COL_TEXT, CTL_COL_INT, CTL_COL_BOOL };
struct ctl_col {
	const char *head;   /* "LOGIN" */
	const char *key;    /* "login" */
	enum ctl_col_type type;
};
struct ctl_table {
	const struct ctl_col *cols;
	unsigned ncols;
	json_t *rows;       /* array of objects */
};
int ctl_table_init(struct ctl_table *t, const struct ctl_col *cols,
		   unsigned ncols);
/* A tdm_db_row_fn appending a row (columns in the table's order). */
int ctl_table_row(void *table, const struct tdm_db_row *row);
/* Prints the table (json: a pretty JSON array) and frees it. */
int ctl_table_print(struct ctl_table *t, bool json);
void ctl_table_free(struct ctl_table *t);
/* A JSON value of a row's column (strings copied). */
json_t *ctl_json_col(const struct tdm_db_row *row, unsigned col,
		     enum ctl_col_type type);
/* Prints a JSON document (pretty) to stdout; CTL_OK or CTL_FAIL. */
int ctl_json_print(json_t *j);

/* ---- ctl_validate.c: what the provisioning commands accept -------------- */

/* Every check returns 0 or -EINVAL with a sentence in err. */
#define CTL_LOGIN_MAX 64
#define CTL_DOMAIN_MAX 253
#define CTL_PASSWORD_MIN 8
#define CTL_PASSWORD_MAX 1024
/* 1-64 letters, digits and . _ - + ~, starting with a letter, a digit or
 * + (telephone numbers are logins too). */
int ctl_check_login(const char *s, char *err, size_t errlen);
/* A host name (labels of letters, digits and -, not starting or ending
 * with -, dot-separated, at most 253 characters), an IPv4 address, or an
 * IPv6 address in brackets. Lower-cases s in place. */
int ctl_check_domain(char *s, char *err, size_t errlen);
/* Copies arg into out (CTL_DOMAIN_MAX + 1 bytes) and checks it. */
int ctl_copy_domain(const char *arg, char *out, char *err, size_t errlen);
/* LOGIN@DOMAIN copied into out (CTL_AOR_MAX bytes), split at the last @
 * and both parts checked. */
#define CTL_AOR_MAX (CTL_LOGIN_MAX + CTL_DOMAIN_MAX + 2)
int ctl_copy_aor(const char *arg, char *out, char **login, char **domain,
		 char *err, size_t errlen);
/* LOGIN@DOMAIN, split in place at the last @ and both checked. */
int ctl_parse_aor(char *s, char **login, char **domain, char *err,
		  size_t errlen);
/* The password rule of docs/tandemctl.md. */
int ctl_check_password(const char *pw, const char *login, char *err,
		       size_t errlen);
/* Free text (display name, tag): at most max bytes, no control
 * characters. */
int ctl_check_text(const char *s, size_t max, const char *what, char *err,
		   size_t errlen);
/* IP[/MASK] into its canonical text form (at most 46 bytes with the NUL)
 * and mask (default 32 or 128); refuses host bits set under the mask. */
#define CTL_IP_MAX 46
int ctl_parse_address(const char *s, char *ip, unsigned *mask, char *err,
		      size_t errlen);
/* A decimal number from 0 to max. */
int ctl_parse_uint(const char *s, unsigned max, unsigned *out);

/* sip_json.c: the JSON document of a parsed message (see
 * docs/tandemctl.md), or NULL when out of memory. The accessors it calls
 * cache their results in m. */
json_t *ctl_sip_msg_json(struct tdm_sip_msg *m);

#endif
