/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl db ...: the database schema. "db migrate" applies the
 * migrations of db-schema/<dialect>/ the database lacks (the core's
 * runner, core/db/schema.h); "db status" says which are applied and which
 * are missing. Every other provisioning command first checks the schema
 * the same way (ctl_schema_check) and refuses to touch an old one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"
#include "db/schema.h"

#define SCHEMA_HELP \
	"The migrations come from $TANDEM_SCHEMA_DIR/<dialect>/ when set, else\n" \
	"the source tree's db-schema/<dialect>/ when tandemctl runs from the\n" \
	"build tree, else the installed db-schema/<dialect>/ folder.\n"

const char ctl_db_migrate_details[] =
	"Applies the migrations the database lacks, in order, each in its own\n"
	"transaction, and prints \"applied NAME\" for each (or \"database\n"
	"schema is up to date (version N)\"). A failure names the migration;\n"
	"the ones before it stay applied. Safe to run again.\n"
	SCHEMA_HELP CTL_DB_HELP;
const char ctl_db_status_details[] =
	"Prints the schema version, then one line per migration of this build:\n"
	"  applied  NNNN_name.sql  APPLIED_AT (UTC)\n"
	"  missing  NNNN_name.sql\n"
	"Exit status 0 when every migration is applied, 1 when some are\n"
	"missing (run tandemctl db migrate) or the database cannot be read or\n"
	"is newer than this build, 2 bad command line. --json prints {dialect,\n"
	"current, target, up_to_date, applied: [{version, name, applied_at}],\n"
	"missing: [{version, name}]}.\n" SCHEMA_HELP CTL_DB_HELP;

int ctl_schema_check(struct tdm_db *db)
{
	struct tdm_db_schema_status st;
	char err[512];
	int rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err));

	if (rc == -ENOTCONN)
		return ctl_fail("the database is unreachable: %s", err);
	if (rc)
		return ctl_fail("database schema: %s", err);
	if (st.plan.todo) {
		tdm_db_plan_describe(&st.ms, &st.plan, err, sizeof(err));
		ctl_fail("the database schema is behind: %s", err);
	}
	rc = st.plan.todo ? CTL_FAIL : CTL_OK;
	tdm_db_schema_status_free(&st);
	return rc;
}

/* ---- db migrate ---------------------------------------------------------- */

static void on_applied(void *arg, const struct tdm_db_migration *m)
{
	(void)arg;
	printf("applied %s\n", m->name);
}

int ctl_db_migrate(int argc, char **argv)
{
	struct tdm_db_schema_status st;
	struct ctl_dbopts o;
	struct tdm_db *db;
	char err[512];
	int rc = ctl_args(argc, argv, "db migrate", NULL, false, &o, NULL, 0, 0);

	if (rc)
		return rc;
	if (ctl_db_open(&o, false, &db))
		return CTL_FAIL;
	rc = tdm_db_schema_migrate(db, NULL, 0, on_applied, NULL, err, sizeof(err));
	if (rc < 0) {
		rc = ctl_fail("db migrate: %s", err);
	} else if ((rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err)))) {
		rc = ctl_fail("db migrate: %s", err);
	} else {
		tdm_db_plan_describe(&st.ms, &st.plan, err, sizeof(err));
		printf("%s\n", err);
		rc = st.plan.todo ? CTL_FAIL : CTL_OK;
		tdm_db_schema_status_free(&st);
	}
	ctl_db_close(db);
	return rc;
}

/* ---- db status ----------------------------------------------------------- */

/* The applied_at of each version, by version (the plan has the versions;
 * this adds the times). */
struct applied_at {
	json_t *by_version;   /* object: "N" -> "time" */
};

static int applied_row(void *arg, const struct tdm_db_row *row)
{
	struct applied_at *a = arg;
	char key[24];
	size_t len;
	const char *t = tdm_db_row_text(row, 1, &len);

	snprintf(key, sizeof(key), "%lld", (long long)tdm_db_row_int(row, 0));
	return json_object_set_new(a->by_version, key, json_stringn(t, len)) ?
	       -ENOMEM : 0;
}

/* The status document (see ctl_db_status_details). */
static json_t *status_json(struct tdm_db *db,
			   const struct tdm_db_schema_status *st,
			   const struct applied_at *at)
{
	json_t *j = json_object(), *ap = json_array(), *mi = json_array();
	char key[24];

	json_object_set_new(j, "dialect", json_string(tdm_db_dialect(db)));
	json_object_set_new(j, "current", json_integer(st->plan.current));
	json_object_set_new(j, "target", json_integer(st->plan.target));
	json_object_set_new(j, "up_to_date", json_boolean(!st->plan.todo));
	json_object_set_new(j, "applied", ap);
	json_object_set_new(j, "missing", mi);
	for (unsigned i = 0; i < st->ms.n; i++) {
		const struct tdm_db_migration *m = &st->ms.m[i];
		bool missing = i >= st->plan.first &&
			       i < st->plan.first + st->plan.todo;
		json_t *e = json_object(), *t;

		json_object_set_new(e, "version", json_integer(m->version));
		json_object_set_new(e, "name", json_string(m->name));
		if (!missing) {
			snprintf(key, sizeof(key), "%u", m->version);
			t = json_object_get(at->by_version, key);
			json_object_set_new(e, "applied_at",
					    t ? json_incref(t) : json_null());
		}
		json_array_append_new(missing ? mi : ap, e);
	}
	return j;
}

static void status_text(const json_t *j)
{
	json_t *e;
	size_t i;

	printf("schema version %lld of %lld (%s)\n",
	       (long long)json_integer_value(json_object_get(j, "current")),
	       (long long)json_integer_value(json_object_get(j, "target")),
	       json_string_value(json_object_get(j, "dialect")));
	json_array_foreach(json_object_get(j, "applied"), i, e) {
		json_t *t = json_object_get(e, "applied_at");

		printf("applied  %s  %s\n",
		       json_string_value(json_object_get(e, "name")),
		       json_is_string(t) ? json_string_value(t) : "");
	}
	json_array_foreach(json_object_get(j, "missing"), i, e)
		printf("missing  %s\n", json_string_value(json_object_get(e, "name")));
	if (json_array_size(json_object_get(j, "missing")))
		printf("run `tandemctl db migrate` to apply the missing "
		       "migrations\n");
}

int ctl_db_status(int argc, char **argv)
{
	struct applied_at at = { 0 };
	struct tdm_db_schema_status st;
	struct ctl_dbopts o;
	struct tdm_db *db;
	char err[512];
	json_t *j;
	int rc = ctl_args(argc, argv, "db status", NULL, true, &o, NULL, 0, 0);

	if (rc)
		return rc;
	if (ctl_db_open(&o, false, &db))
		return CTL_FAIL;
	if ((rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err)))) {
		rc = rc == -ENOTCONN ?
		     ctl_fail("the database is unreachable: %s", err) :
		     ctl_fail("database schema: %s", err);
		ctl_db_close(db);
		return rc;
	}
	at.by_version = json_object();
	if (st.plan.current && (rc = ctl_query(db, "SELECT version, "
					       "{ts:applied_at} FROM schema_version",
					       NULL, 0, applied_row, &at))) {
		rc = ctl_db_fail(db, "cannot read schema_version", rc);
	} else if (!(j = status_json(db, &st, &at))) {
		rc = ctl_fail("out of memory");
	} else {
		if (o.json)
			ctl_json_print(j);
		else
			status_text(j);
		rc = st.plan.todo ? CTL_FAIL : CTL_OK;
		json_decref(j);
	}
	json_decref(at.by_version);
	tdm_db_schema_status_free(&st);
	ctl_db_close(db);
	return rc;
}
