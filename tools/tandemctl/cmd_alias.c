/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl alias ...: other names that reach a subscriber (Kamailio's
 * dbaliases): a second SIP URI, or a telephone number in the
 * subscriber's domain. An alias lives in a served domain and never
 * shadows a subscriber. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <tandem/tandem.h>
#include "ctl.h"

const char ctl_alias_add_details[] =
	"Makes ALIAS reach the subscriber LOGIN@DOMAIN. ALIAS is one of\n"
	"  sip:USER@DOM, sips:USER@DOM or USER@DOM   a name in domain DOM\n"
	"  tel:+49-30-1234 (visual separators - . ( ) are dropped)\n"
	"  USER or NUMBER                            a name in DOMAIN\n"
	"USER follows the login rule (see tandemctl user add --help). The\n"
	"alias's domain must be served (tandemctl domain add), and the alias\n"
	"must not be a subscriber or another alias already.\n" CTL_DB_HELP;
const char ctl_alias_list_details[] =
	"Lists the aliases (of LOGIN@DOMAIN when given): ALIAS, USER, CREATED\n"
	"(UTC). --json prints an array of {alias, user, created_at}.\n"
	CTL_DB_HELP;
const char ctl_alias_rm_details[] =
	"Removes ALIAS (written as for tandemctl alias add). Without a domain\n"
	"it must name one alias only.\n" CTL_DB_HELP;

struct alias_spec {
	char user[CTL_LOGIN_MAX + 1];
	char domain[CTL_DOMAIN_MAX + 1];   /* "" when the argument has none */
	char *tlogin, *tdomain;            /* alias add: the subscriber */
};

/* Parses the ALIAS argument (forms in ctl_alias_add_details). */
static int parse_alias(const char *arg, struct alias_spec *a, char *err,
		       size_t errlen)
{
	char buf[CTL_AOR_MAX], *login, *domain;
	size_t n = 0;

	a->domain[0] = '\0';
	if (!strncasecmp(arg, "tel:", 4)) {
		for (const char *p = arg + 4; *p; p++) {
			if (strchr("-.()", *p))
				continue;
			if (!(isdigit((unsigned char)*p) || (*p == '+' && !n)) ||
			    n >= CTL_LOGIN_MAX) {
				snprintf(err, errlen, "invalid telephone number "
					 "'%.80s': only a leading + and digits (and "
					 "the separators - . ( )) are allowed", arg);
				return -EINVAL;
			}
			a->user[n++] = *p;
		}
		a->user[n] = '\0';
		if (!n || !strcmp(a->user, "+")) {
			snprintf(err, errlen, "invalid telephone number '%.80s'", arg);
			return -EINVAL;
		}
		return 0;
	}
	if (!strncasecmp(arg, "sip:", 4) || !strncasecmp(arg, "sips:", 5)) {
		arg = strchr(arg, ':') + 1;
		if (!strchr(arg, '@')) {
			snprintf(err, errlen, "invalid alias URI: '%.80s' has no "
				 "USER@DOMAIN", arg);
			return -EINVAL;
		}
	}
	if (strchr(arg, '@')) {
		if (ctl_copy_aor(arg, buf, &login, &domain, err, errlen))
			return -EINVAL;
		snprintf(a->user, sizeof(a->user), "%s", login);
		snprintf(a->domain, sizeof(a->domain), "%s", domain);
		return 0;
	}
	if (ctl_check_login(arg, err, errlen))
		return -EINVAL;
	snprintf(a->user, sizeof(a->user), "%s", arg);
	return 0;
}

/* ---- alias add ----------------------------------------------------------- */

static int add(struct tdm_db *db, void *arg)
{
	struct alias_spec *a = arg;
	struct tdm_db_val p[] = {
		TDM_DB_TEXT_C(a->user), TDM_DB_TEXT_C(a->domain),
		TDM_DB_TEXT_C(a->tlogin), TDM_DB_TEXT_C(a->tdomain),
	};
	int64_t n;
	int rc;

	if ((rc = ctl_query_int(db, "SELECT count(*) FROM subscriber WHERE "
				"username = $1 AND domain = $2", p + 2, 2, &n)))
		return ctl_db_fail(db, "cannot read the subscribers", rc);
	if (!n)
		return ctl_fail("no user %s@%s", a->tlogin, a->tdomain);
	if ((rc = ctl_query_int(db, "SELECT count(*) FROM domain WHERE "
				"domain = $1", p + 1, 1, &n)))
		return ctl_db_fail(db, "cannot read the domains", rc);
	if (!n)
		return ctl_fail("unknown domain %s (add it first with tandemctl "
				"domain add %s)", a->domain, a->domain);
	if ((rc = ctl_query_int(db, "SELECT count(*) FROM subscriber WHERE "
				"username = $1 AND domain = $2", p, 2, &n)))
		return ctl_db_fail(db, "cannot read the subscribers", rc);
	if (n)
		return ctl_fail("%s@%s is a user: it cannot be an alias", a->user,
				a->domain);
	rc = ctl_query(db, "INSERT INTO alias (alias_username, alias_domain, "
		       "username, domain) VALUES ($1, $2, $3, $4)", p, 4, NULL,
		       NULL);
	if (rc == -EEXIST)
		return ctl_fail("alias %s@%s already exists", a->user, a->domain);
	return rc ? ctl_db_fail(db, "cannot add the alias", rc) : CTL_OK;
}

int ctl_alias_add(int argc, char **argv)
{
	struct alias_spec a;
	struct ctl_dbopts o;
	const char *pos[2];
	char buf[CTL_AOR_MAX], err[256];
	int rc = ctl_args(argc, argv, "alias add", NULL, false, &o, pos, 2, 2);

	if (rc)
		return rc;
	if (parse_alias(pos[0], &a, err, sizeof(err)) ||
	    ctl_copy_aor(pos[1], buf, &a.tlogin, &a.tdomain, err, sizeof(err)))
		return ctl_fail("%s", err);
	if (!a.domain[0])
		snprintf(a.domain, sizeof(a.domain), "%s", a.tdomain);
	return ctl_db_change(&o, add, &a, "added alias %s@%s of %s@%s", a.user,
			     a.domain, a.tlogin, a.tdomain);
}

/* ---- alias list ---------------------------------------------------------- */

static const struct ctl_col alias_cols[] = {
	{ "ALIAS", "alias", CTL_COL_TEXT },
	{ "USER", "user", CTL_COL_TEXT },
	{ "CREATED", "created_at", CTL_COL_TEXT },
};

#define ALIAS_SELECT \
	"SELECT alias_username || '@' || alias_domain, username || '@' || " \
	"domain, {ts:created_at} FROM alias "

int ctl_alias_list(int argc, char **argv)
{
	struct ctl_table t;
	struct ctl_dbopts o;
	struct tdm_db *db;
	const char *pos[1] = { NULL };
	char buf[CTL_AOR_MAX], err[256], *login, *domain;
	int rc = ctl_args(argc, argv, "alias list", NULL, true, &o, pos, 0, 1);

	if (rc)
		return rc;
	if (pos[0] && ctl_copy_aor(pos[0], buf, &login, &domain, err, sizeof(err)))
		return ctl_fail("%s", err);
	if (ctl_db_open(&o, true, &db))
		return CTL_FAIL;
	if (ctl_table_init(&t, alias_cols, TDM_ARRAY_SIZE(alias_cols))) {
		ctl_db_close(db);
		return ctl_fail("out of memory");
	}
	if (pos[0]) {
		struct tdm_db_val p[] = { TDM_DB_TEXT_C(login), TDM_DB_TEXT_C(domain) };
		int64_t n = 0;

		rc = ctl_query_int(db, "SELECT count(*) FROM subscriber WHERE "
				   "username = $1 AND domain = $2", p, 2, &n);
		if (!rc && !n) {
			ctl_table_free(&t);
			ctl_db_close(db);
			return ctl_fail("no user %s@%s", login, domain);
		}
		if (!rc)
			rc = ctl_query(db, ALIAS_SELECT "WHERE username = $1 AND "
				       "domain = $2 ORDER BY alias_domain, "
				       "alias_username", p, 2, ctl_table_row, &t);
	} else {
		rc = ctl_query(db, ALIAS_SELECT "ORDER BY alias_domain, "
			       "alias_username", NULL, 0, ctl_table_row, &t);
	}
	if (rc) {
		ctl_table_free(&t);
		rc = ctl_db_fail(db, "cannot list the aliases", rc);
	} else {
		rc = ctl_table_print(&t, o.json);
	}
	ctl_db_close(db);
	return rc;
}

/* ---- alias rm ------------------------------------------------------------ */

/* Keeps the domain of the only alias found. */
static int domain_row(void *arg, const struct tdm_db_row *row)
{
	struct alias_spec *a = arg;
	size_t len;
	const char *d = tdm_db_row_text(row, 0, &len);

	snprintf(a->domain, sizeof(a->domain), "%.*s", (int)len, d);
	return 0;
}

static int rm(struct tdm_db *db, void *arg)
{
	struct alias_spec *a = arg;
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(a->user), TDM_DB_TEXT_C(a->domain) };
	int64_t n;
	int rc;

	if (!a->domain[0]) {
		if ((rc = ctl_query_int(db, "SELECT count(*) FROM alias WHERE "
					"alias_username = $1", p, 1, &n)))
			return ctl_db_fail(db, "cannot read the aliases", rc);
		if (n > 1)
			return ctl_fail("%s is an alias in %lld domains: name one "
					"(%s@DOMAIN)", a->user, (long long)n,
					a->user);
		if (!n)
			return ctl_fail("no alias %s", a->user);
		if ((rc = ctl_query(db, "SELECT alias_domain FROM alias WHERE "
			     "alias_username = $1", p, 1, domain_row, a)))
			return ctl_db_fail(db, "cannot read the aliases", rc);
		p[1] = TDM_DB_TEXT_C(a->domain);
	}
	rc = ctl_query(db, "DELETE FROM alias WHERE alias_username = $1 AND "
		       "alias_domain = $2", p, 2, NULL, NULL);
	if (rc)
		return ctl_db_fail(db, "cannot remove the alias", rc);
	return tdm_db_changes(db) ? CTL_OK :
	       ctl_fail("no alias %s@%s", a->user, a->domain);
}

int ctl_alias_rm(int argc, char **argv)
{
	struct alias_spec a;
	struct ctl_dbopts o;
	const char *pos[1];
	char err[256];
	int rc = ctl_args(argc, argv, "alias rm", NULL, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (parse_alias(pos[0], &a, err, sizeof(err)))
		return ctl_fail("%s", err);
	return ctl_db_change(&o, rm, &a, "removed alias %s@%s", a.user,
			     a.domain);
}
