/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl domain ...: the domains the nodes serve. A subscriber belongs
 * to one, and its name is the digest realm of the subscriber's HA1s, so a
 * domain is removed only once nothing refers to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"

const char ctl_domain_add_details[] =
	"Adds DOMAIN (a host name, an IPv4 address or [IPv6]; stored in lower\n"
	"case) to the served domains. Refused when it exists already.\n"
	CTL_DB_HELP;
const char ctl_domain_list_details[] =
	"Lists the domains: DOMAIN, USERS (subscribers in it), CREATED (UTC).\n"
	"--json prints an array of {domain, users, created_at}.\n" CTL_DB_HELP;
const char ctl_domain_rm_details[] =
	"Removes DOMAIN. Refused while subscribers or aliases are in it (remove\n"
	"them first) and when there is no such domain.\n" CTL_DB_HELP;

static int add(struct tdm_db *db, void *arg)
{
	const char *d = arg;
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(d) };
	int rc = ctl_query(db, "INSERT INTO domain (domain) VALUES ($1)", p, 1,
			   NULL, NULL);

	if (rc == -EEXIST)
		return ctl_fail("domain %s already exists", d);
	return rc ? ctl_db_fail(db, "cannot add the domain", rc) : CTL_OK;
}

int ctl_domain_add(int argc, char **argv)
{
	struct ctl_dbopts o;
	const char *pos[1];
	char err[256], d[CTL_DOMAIN_MAX + 1];
	int rc = ctl_args(argc, argv, "domain add", NULL, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (ctl_copy_domain(pos[0], d, err, sizeof(err)))
		return ctl_fail("%s", err);
	return ctl_db_change(&o, add, d, "added domain %s", d);
}

static const struct ctl_col domain_cols[] = {
	{ "DOMAIN", "domain", CTL_COL_TEXT },
	{ "USERS", "users", CTL_COL_INT },
	{ "CREATED", "created_at", CTL_COL_TEXT },
};

int ctl_domain_list(int argc, char **argv)
{
	struct ctl_table t;
	struct ctl_dbopts o;
	struct tdm_db *db;
	int rc = ctl_args(argc, argv, "domain list", NULL, true, &o, NULL, 0, 0);

	if (rc)
		return rc;
	if (ctl_db_open(&o, true, &db))
		return CTL_FAIL;
	if (ctl_table_init(&t, domain_cols, TDM_ARRAY_SIZE(domain_cols))) {
		ctl_db_close(db);
		return ctl_fail("out of memory");
	}
	rc = ctl_query(db, "SELECT d.domain, (SELECT count(*) FROM subscriber s "
		       "WHERE s.domain = d.domain), {ts:d.created_at} FROM domain d "
		       "ORDER BY d.domain", NULL, 0, ctl_table_row, &t);
	if (rc) {
		ctl_table_free(&t);
		rc = ctl_db_fail(db, "cannot list the domains", rc);
	} else {
		rc = ctl_table_print(&t, o.json);
	}
	ctl_db_close(db);
	return rc;
}

static int rm(struct tdm_db *db, void *arg)
{
	const char *d = arg;
	struct tdm_db_val p[] = { TDM_DB_TEXT_C(d) };
	int64_t users, aliases;
	int rc;

	if ((rc = ctl_query_int(db, "SELECT count(*) FROM subscriber WHERE "
				"domain = $1", p, 1, &users)) ||
	    (rc = ctl_query_int(db, "SELECT count(*) FROM alias WHERE "
				"alias_domain = $1", p, 1, &aliases)))
		return ctl_db_fail(db, "cannot remove the domain", rc);
	if (users)
		return ctl_fail("domain %s still has %lld user%s (remove %s first "
				"with tandemctl user rm)", d, (long long)users,
				users == 1 ? "" : "s", users == 1 ? "it" : "them");
	if (aliases)
		return ctl_fail("domain %s still has %lld alias%s (remove %s "
				"first with tandemctl alias rm)", d,
				(long long)aliases, aliases == 1 ? "" : "es",
				aliases == 1 ? "it" : "them");
	rc = ctl_query(db, "DELETE FROM domain WHERE domain = $1", p, 1, NULL, NULL);
	if (rc)
		return ctl_db_fail(db, "cannot remove the domain", rc);
	if (tdm_db_changes(db) == 0)
		return ctl_fail("no domain %s", d);
	return CTL_OK;
}

int ctl_domain_rm(int argc, char **argv)
{
	struct ctl_dbopts o;
	const char *pos[1];
	char err[256], d[CTL_DOMAIN_MAX + 1];
	int rc = ctl_args(argc, argv, "domain rm", NULL, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (ctl_copy_domain(pos[0], d, err, sizeof(err)))
		return ctl_fail("%s", err);
	return ctl_db_change(&o, rm, d, "removed domain %s", d);
}
