/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl user ...: subscribers. The password never reaches the
 * database or the output: it is turned into the three digest HA1s (MD5,
 * SHA-256, SHA-512/256 of login:domain:password, the domain being the
 * realm) that the authentication module checks responses against. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include <tandem/digest.h>
#include "ctl.h"

#define PASSWORD_HELP \
	"The password comes from --password P (visible to other local users\n" \
	"in the process list: prefer --password-stdin) or --password-stdin\n" \
	"(one line; the line end is stripped, an empty line refused). It must\n" \
	"have 8 to 1024 characters, not be digits only or one repeated\n" \
	"character, not contain the login (when the login has 3 or more\n" \
	"characters, ignoring case), not be one of a built-in list of common\n" \
	"passwords, and have no control characters. Only its HA1s (MD5,\n" \
	"SHA-256, SHA-512/256 of LOGIN:DOMAIN:PASSWORD) are stored.\n"

const char ctl_user_add_details[] =
	"Adds the subscriber LOGIN@DOMAIN. LOGIN has 1 to 64 letters, digits\n"
	"and . _ - + ~, starting with a letter, a digit or + (telephone\n"
	"numbers are fine); DOMAIN must have been added with tandemctl domain\n"
	"add. --display NAME sets the display name (at most 128 bytes).\n"
	PASSWORD_HELP CTL_DB_HELP;
const char ctl_user_passwd_details[] =
	"Sets a new password of LOGIN@DOMAIN (its three HA1s).\n"
	PASSWORD_HELP CTL_DB_HELP;
const char ctl_user_list_details[] =
	"Lists the subscribers (of domain D with --domain D): LOGIN, DOMAIN,\n"
	"DISPLAY NAME, ENABLED, CREATED, MODIFIED (UTC). --json prints an array\n"
	"of {login, domain, display_name, enabled, created_at, last_modified}.\n"
	CTL_DB_HELP;
const char ctl_user_show_details[] =
	"Shows one subscriber: login, domain, display name, enabled, created,\n"
	"modified and its aliases (never the HA1s). --json prints an object\n"
	"{login, domain, display_name, enabled, created_at, last_modified,\n"
	"aliases: [\"ALIAS@DOMAIN\", ...]}.\n" CTL_DB_HELP;
const char ctl_user_rm_details[] =
	"Removes LOGIN@DOMAIN with its aliases and stored registrations.\n"
	CTL_DB_HELP;
const char ctl_user_disable_details[] =
	"Disables LOGIN@DOMAIN: the nodes refuse to authenticate it; it keeps\n"
	"its password and aliases. tandemctl user enable undoes it.\n"
	CTL_DB_HELP;
const char ctl_user_enable_details[] =
	"Enables LOGIN@DOMAIN again (see tandemctl user disable).\n" CTL_DB_HELP;

/* What a mutating command works on. */
struct user_op {
	char *login, *domain;
	const char *display;
	char ha1[3][TDM_DIGEST_HEX_MAX];
	bool enable;
};

/* ---- Passwords ----------------------------------------------------------- */

/* One line of stdin into buf, the line end stripped. */
static int read_password_line(char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, stdin))
		return ctl_fail("--password-stdin: no password on standard input");
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == n - 1 && !feof(stdin))
		return ctl_fail("--password-stdin: the password is longer than %d "
				"characters", CTL_PASSWORD_MAX);
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return CTL_OK;
}

/* The password from --password or --password-stdin, checked, into the
 * three HA1s of op. Returns CTL_OK, CTL_USAGE or CTL_FAIL (reported). */
static int password_ha1s(const char *cmd, const char *pw, bool from_stdin,
			 struct user_op *op)
{
	static const enum tdm_digest_alg algs[3] = {
		TDM_DIGEST_MD5, TDM_DIGEST_SHA256, TDM_DIGEST_SHA512_256,
	};
	char line[CTL_PASSWORD_MAX + 3], err[256];
	struct tdm_str u, r, p;
	int rc = CTL_OK;

	if (!pw == !from_stdin) {
		fprintf(stderr, "tandemctl %s: give the password with either "
			"--password P or --password-stdin\n", cmd);
		return CTL_USAGE;
	}
	if (from_stdin) {
		if (read_password_line(line, sizeof(line)))
			return CTL_FAIL;
		pw = line;
	}
	if (ctl_check_password(pw, op->login, err, sizeof(err))) {
		rc = ctl_fail("%s", err);
		goto out;
	}
	u = (struct tdm_str){ op->login, strlen(op->login) };
	r = (struct tdm_str){ op->domain, strlen(op->domain) };
	p = (struct tdm_str){ pw, strlen(pw) };
	for (int i = 0; i < 3; i++)
		if (tdm_digest_ha1(algs[i], &u, &r, &p, op->ha1[i])) {
			rc = ctl_fail("cannot compute the %s HA1",
				      tdm_digest_alg_name(algs[i]));
			break;
		}
out:
	memset(line, 0, sizeof(line));
	return rc;
}

/* ---- Shared checks ------------------------------------------------------- */

/* CTL_OK when the subscriber exists, else reports it. */
static int need_user(struct tdm_db *db, const struct user_op *op)
{
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(op->login),
				  TDM_DB_TEXT_C(op->domain) };
	int64_t n;
	int rc = ctl_query_int(db, "SELECT count(*) FROM subscriber WHERE "
			       "username = $1 AND domain = $2", p, 2, &n);

	if (rc)
		return ctl_db_fail(db, "cannot read the subscribers", rc);
	return n ? CTL_OK : ctl_fail("no user %s@%s", op->login, op->domain);
}

/* The AOR argument into op (buf holds it). */
static int aor_arg(const char *arg, char *buf, struct user_op *op)
{
	char err[256];

	if (ctl_copy_aor(arg, buf, &op->login, &op->domain, err, sizeof(err)))
		return ctl_fail("%s", err);
	return CTL_OK;
}

/* ---- user add ------------------------------------------------------------ */

static int add(struct tdm_db *db, void *arg)
{
	struct user_op *op = arg;
	struct tdm_db_val p[] = {
		TDM_DB_TEXT_C(op->login), TDM_DB_TEXT_C(op->domain),
		TDM_DB_TEXT_C(op->display), TDM_DB_TEXT_C(op->ha1[0]),
		TDM_DB_TEXT_C(op->ha1[1]), TDM_DB_TEXT_C(op->ha1[2]),
	};
	int64_t n;
	int rc;

	if ((rc = ctl_query_int(db, "SELECT count(*) FROM domain WHERE "
				"domain = $1", p + 1, 1, &n)))
		return ctl_db_fail(db, "cannot read the domains", rc);
	if (!n)
		return ctl_fail("unknown domain %s (add it first with tandemctl "
				"domain add %s)", op->domain, op->domain);
	if ((rc = ctl_query_int(db, "SELECT count(*) FROM alias WHERE "
				"alias_username = $1 AND alias_domain = $2", p, 2,
				&n)))
		return ctl_db_fail(db, "cannot read the aliases", rc);
	if (n)
		return ctl_fail("%s@%s already exists as an alias", op->login,
				op->domain);
	rc = ctl_query(db, "INSERT INTO subscriber (username, domain, "
		       "display_name, ha1, ha1_sha256, ha1_sha512t256) VALUES "
		       "($1, $2, $3, $4, $5, $6)", p, 6, NULL, NULL);
	if (rc == -EEXIST)
		return ctl_fail("user %s@%s already exists", op->login, op->domain);
	return rc ? ctl_db_fail(db, "cannot add the user", rc) : CTL_OK;
}

int ctl_user_add(int argc, char **argv)
{
	const char *pw = NULL, *display = "", *pos[1];
	bool from_stdin = false;
	const struct ctl_opt opts[] = {
		{ "--password", &pw, NULL },
		{ "--password-stdin", NULL, &from_stdin },
		{ "--display", &display, NULL },
		{ NULL, NULL, NULL },
	};
	struct user_op op = { 0 };
	struct ctl_dbopts o;
	char buf[CTL_AOR_MAX], err[256];
	int rc = ctl_args(argc, argv, "user add", opts, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (aor_arg(pos[0], buf, &op))
		return CTL_FAIL;
	if (ctl_check_text(display, 128, "display name", err, sizeof(err)))
		return ctl_fail("%s", err);
	op.display = display;
	if ((rc = password_ha1s("user add", pw, from_stdin, &op)))
		return rc;
	return ctl_db_change(&o, add, &op, "added user %s@%s", op.login,
			     op.domain);
}

/* ---- user passwd --------------------------------------------------------- */

static int passwd(struct tdm_db *db, void *arg)
{
	struct user_op *op = arg;
	struct tdm_db_val p[] = {
		TDM_DB_TEXT_C(op->login), TDM_DB_TEXT_C(op->domain),
		TDM_DB_TEXT_C(op->ha1[0]), TDM_DB_TEXT_C(op->ha1[1]),
		TDM_DB_TEXT_C(op->ha1[2]),
	};
	int rc = ctl_query(db, "UPDATE subscriber SET ha1 = $3, ha1_sha256 = $4, "
			   "ha1_sha512t256 = $5, last_modified = {now} WHERE "
			   "username = $1 AND domain = $2", p, 5, NULL, NULL);

	if (rc)
		return ctl_db_fail(db, "cannot set the password", rc);
	return tdm_db_changes(db) ? CTL_OK :
	       ctl_fail("no user %s@%s", op->login, op->domain);
}

int ctl_user_passwd(int argc, char **argv)
{
	const char *pw = NULL, *pos[1];
	bool from_stdin = false;
	const struct ctl_opt opts[] = {
		{ "--password", &pw, NULL },
		{ "--password-stdin", NULL, &from_stdin },
		{ NULL, NULL, NULL },
	};
	struct user_op op = { 0 };
	struct ctl_dbopts o;
	char buf[CTL_AOR_MAX];
	int rc = ctl_args(argc, argv, "user passwd", opts, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (aor_arg(pos[0], buf, &op))
		return CTL_FAIL;
	if ((rc = password_ha1s("user passwd", pw, from_stdin, &op)))
		return rc;
	return ctl_db_change(&o, passwd, &op, "changed the password of %s@%s",
			     op.login, op.domain);
}

/* ---- user list / show ---------------------------------------------------- */

static const struct ctl_col user_cols[] = {
	{ "LOGIN", "login", CTL_COL_TEXT },
	{ "DOMAIN", "domain", CTL_COL_TEXT },
	{ "DISPLAY NAME", "display_name", CTL_COL_TEXT },
	{ "ENABLED", "enabled", CTL_COL_BOOL },
	{ "CREATED", "created_at", CTL_COL_TEXT },
	{ "MODIFIED", "last_modified", CTL_COL_TEXT },
};

#define USER_SELECT \
	"SELECT username, domain, display_name, CASE WHEN enabled THEN 1 " \
	"ELSE 0 END, {ts:created_at}, {ts:last_modified} FROM subscriber "

int ctl_user_list(int argc, char **argv)
{
	const char *dom = NULL;
	const struct ctl_opt opts[] = {
		{ "--domain", &dom, NULL },
		{ NULL, NULL, NULL },
	};
	struct ctl_table t;
	struct ctl_dbopts o;
	struct tdm_db *db;
	char d[CTL_DOMAIN_MAX + 1], err[256];
	int rc = ctl_args(argc, argv, "user list", opts, true, &o, NULL, 0, 0);

	if (rc)
		return rc;
	if (dom && ctl_copy_domain(dom, d, err, sizeof(err)))
		return ctl_fail("%s", err);
	if (ctl_db_open(&o, true, &db))
		return CTL_FAIL;
	if (ctl_table_init(&t, user_cols, TDM_ARRAY_SIZE(user_cols))) {
		ctl_db_close(db);
		return ctl_fail("out of memory");
	}
	if (dom) {
		struct tdm_db_val p[] = { TDM_DB_TEXT_C(d) };
		int64_t n = 0;

		rc = ctl_query_int(db, "SELECT count(*) FROM domain WHERE domain = $1",
				   p, 1, &n);
		if (!rc && !n) {
			ctl_table_free(&t);
			ctl_db_close(db);
			return ctl_fail("no domain %s", d);
		}
		if (!rc)
			rc = ctl_query(db, USER_SELECT "WHERE domain = $1 ORDER BY "
				       "username", p, 1, ctl_table_row, &t);
	} else {
		rc = ctl_query(db, USER_SELECT "ORDER BY domain, username", NULL, 0,
			       ctl_table_row, &t);
	}
	if (rc) {
		ctl_table_free(&t);
		rc = ctl_db_fail(db, "cannot list the users", rc);
	} else {
		rc = ctl_table_print(&t, o.json);
	}
	ctl_db_close(db);
	return rc;
}

/* Collects "ALIAS@DOMAIN" strings into a JSON array. */
static int alias_row(void *arg, const struct tdm_db_row *row)
{
	size_t ul, dl;
	const char *u = tdm_db_row_text(row, 0, &ul);
	const char *d = tdm_db_row_text(row, 1, &dl);
	char buf[CTL_AOR_MAX + 16];

	snprintf(buf, sizeof(buf), "%.*s@%.*s", (int)ul, u, (int)dl, d);
	return json_array_append_new(arg, json_string(buf)) ? -ENOMEM : 0;
}

/* Fills the subscriber object from its row. */
static int show_row(void *arg, const struct tdm_db_row *row)
{
	for (unsigned i = 0; i < TDM_ARRAY_SIZE(user_cols); i++)
		if (json_object_set_new(arg, user_cols[i].key,
					ctl_json_col(row, i, user_cols[i].type)))
			return -ENOMEM;
	return 0;
}

static void show_text(json_t *u)
{
	static const char *const label[] = {
		"login", "domain", "display name", "enabled", "created", "modified",
	};
	json_t *a, *v;
	size_t i;

	for (i = 0; i < TDM_ARRAY_SIZE(user_cols); i++) {
		v = json_object_get(u, user_cols[i].key);
		printf("%-13s %s\n", label[i], json_is_string(v) ?
		       json_string_value(v) : json_is_true(v) ? "yes" : "no");
	}
	printf("%-13s", "aliases");
	a = json_object_get(u, "aliases");
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : " ", json_string_value(v));
	printf("\n");
}

int ctl_user_show(int argc, char **argv)
{
	struct user_op op = { 0 };
	struct ctl_dbopts o;
	struct tdm_db *db;
	const char *pos[1];
	char buf[CTL_AOR_MAX];
	json_t *u, *aliases;
	int rc = ctl_args(argc, argv, "user show", NULL, true, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (aor_arg(pos[0], buf, &op))
		return CTL_FAIL;
	if (ctl_db_open(&o, true, &db))
		return CTL_FAIL;
	u = json_object();
	aliases = json_array();
	if (!u || !aliases) {
		rc = ctl_fail("out of memory");
	} else {
		struct tdm_db_val p[] = { TDM_DB_TEXT_C(op.login),
					  TDM_DB_TEXT_C(op.domain) };

		rc = ctl_query(db, USER_SELECT "WHERE username = $1 AND domain = $2",
			       p, 2, show_row, u);
		if (rc)
			rc = ctl_db_fail(db, "cannot read the user", rc);
		else if (!json_object_get(u, "login"))
			rc = ctl_fail("no user %s@%s", op.login, op.domain);
		else if ((rc = ctl_query(db, "SELECT alias_username, alias_domain "
					 "FROM alias WHERE username = $1 AND "
					 "domain = $2 ORDER BY alias_domain, "
					 "alias_username", p, 2, alias_row,
					 aliases)))
			rc = ctl_db_fail(db, "cannot read the aliases", rc);
		else if (json_object_set(u, "aliases", aliases))
			rc = ctl_fail("out of memory");
		else if (o.json)
			rc = ctl_json_print(u);
		else
			show_text(u);
	}
	json_decref(aliases);
	json_decref(u);
	ctl_db_close(db);
	return rc;
}

/* ---- user rm / disable / enable ------------------------------------------ */

static int rm(struct tdm_db *db, void *arg)
{
	struct user_op *op = arg;
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(op->login),
				  TDM_DB_TEXT_C(op->domain) };
	int rc;

	if ((rc = need_user(db, op)))
		return rc;
	/* The aliases go by ON DELETE CASCADE; registrations have no key. */
	if ((rc = ctl_query(db, "DELETE FROM alias WHERE username = $1 AND "
			    "domain = $2", p, 2, NULL, NULL)) ||
	    (rc = ctl_query(db, "DELETE FROM location WHERE username = $1 AND "
			    "domain = $2", p, 2, NULL, NULL)) ||
	    (rc = ctl_query(db, "DELETE FROM subscriber WHERE username = $1 AND "
			    "domain = $2", p, 2, NULL, NULL)))
		return ctl_db_fail(db, "cannot remove the user", rc);
	return CTL_OK;
}

int ctl_user_rm(int argc, char **argv)
{
	struct user_op op = { 0 };
	struct ctl_dbopts o;
	const char *pos[1];
	char buf[CTL_AOR_MAX];
	int rc = ctl_args(argc, argv, "user rm", NULL, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (aor_arg(pos[0], buf, &op))
		return CTL_FAIL;
	return ctl_db_change(&o, rm, &op, "removed user %s@%s", op.login,
			     op.domain);
}

static int set_enabled(struct tdm_db *db, void *arg)
{
	struct user_op *op = arg;
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(op->login),
				  TDM_DB_TEXT_C(op->domain) };
	/* TRUE and FALSE are keywords of both dialects (SQLite 3.23+). */
	int rc = ctl_query(db, op->enable ?
			   "UPDATE subscriber SET enabled = TRUE, last_modified = "
			   "{now} WHERE username = $1 AND domain = $2" :
			   "UPDATE subscriber SET enabled = FALSE, last_modified = "
			   "{now} WHERE username = $1 AND domain = $2",
			   p, 2, NULL, NULL);

	if (rc)
		return ctl_db_fail(db, "cannot change the user", rc);
	return tdm_db_changes(db) ? CTL_OK :
	       ctl_fail("no user %s@%s", op->login, op->domain);
}

static int enable_cmd(int argc, char **argv, bool enable)
{
	const char *cmd = enable ? "user enable" : "user disable", *pos[1];
	struct user_op op = { .enable = enable };
	struct ctl_dbopts o;
	char buf[CTL_AOR_MAX];
	int rc = ctl_args(argc, argv, cmd, NULL, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (aor_arg(pos[0], buf, &op))
		return CTL_FAIL;
	return ctl_db_change(&o, set_enabled, &op, "%s user %s@%s",
			     enable ? "enabled" : "disabled", op.login,
			     op.domain);
}

int ctl_user_disable(int argc, char **argv)
{
	return enable_cmd(argc, argv, false);
}

int ctl_user_enable(int argc, char **argv)
{
	return enable_cmd(argc, argv, true);
}
