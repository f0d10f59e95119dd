/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: what the provisioning commands share — their options, which
 * database they open (--db, $TANDEM_DB, the script's `database` setting,
 * the default) and the schema check before any change, one transaction
 * per command, the SQL templates that hide the two dialects' differences,
 * and the listings (aligned columns or JSON). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "conf/settings.h"
#include "ctl.h"
#include "module/mod.h"
#include "script/diag.h"
#include "script/program.h"

int ctl_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("tandemctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_FAIL;
}

/* ---- Options ------------------------------------------------------------- */

int ctl_args(int argc, char **argv, const char *cmd, const struct ctl_opt *opts,
	     bool json_ok, struct ctl_dbopts *o, const char **pos, int min,
	     int max)
{
	const struct ctl_opt common[] = {
		{ "--db", &o->url, NULL }, { "-f", &o->script, NULL }, { NULL, NULL, NULL }
	};
	const struct ctl_opt *tables[] = { common, opts };

	memset(o, 0, sizeof(*o));
	return ctl_parse(argc, argv, cmd, tables, 2, json_ok ? &o->json : NULL,
			 pos, min, max);
}

/* ---- Which database ------------------------------------------------------ */

int ctl_script_open(const char *path, const char *what,
		    struct tdm_scr_program **p)
{
	struct tdm_scr_diag d;
	int rc;

	*p = NULL;
	tdm_scr_diag_init(&d);
	rc = tdm_scr_load_file(path, &d, p);
	tdm_scr_diag_print(&d, stderr);
	tdm_scr_diag_fini(&d);
	if (!rc)
		return CTL_OK;
	ctl_script_close(*p);
	*p = NULL;
	return ctl_fail("%s: cannot read its %s (%s)", path, what,
			rc == -EBADMSG ? "the script has errors" : tdm_strerror(rc));
}

void ctl_script_close(struct tdm_scr_program *p)
{
	tdm_scr_program_unref(p);
	tdm_mod_unload_all();
}

/* The `database` setting of a routing script, read as tandemd reads it:
 * its settings block, else the setting's default. *url is tdm_malloc'd.
 * CTL_OK or CTL_FAIL (reported). */
static int script_url(const char *path, char **url)
{
	struct tdm_scr_program *p;
	struct tdm_node_cfg cfg;
	const char *s;

	if (ctl_script_open(path, "database setting", &p))
		return CTL_FAIL;
	if (p->settings.given[TDM_SETTING_DATABASE]) {
		const struct tdm_str *v = &p->settings.value[TDM_SETTING_DATABASE].u.s;

		*url = tdm_strndup(v->s, v->len);
	} else if (!tdm_node_cfg_defaults(&cfg)) {
		s = tdm_cfg_cstr(&cfg, TDM_SETTING_DATABASE);
		*url = tdm_strndup(s ? s : "", s ? strlen(s) : 0);
		tdm_node_cfg_free(&cfg);
	} else {
		*url = NULL;
	}
	ctl_script_close(p);
	return *url ? CTL_OK : ctl_fail("out of memory");
}

/* The URL the options choose, with where it came from. */
static int choose_url(const struct ctl_dbopts *o, char **url, const char **from)
{
	struct tdm_node_cfg cfg;
	const char *s = NULL;

	if (o->url) {
		*from = "--db";
		s = o->url;
	} else if (getenv("TANDEM_DB") && *getenv("TANDEM_DB")) {
		*from = "$TANDEM_DB";
		s = getenv("TANDEM_DB");
	} else if (o->script) {
		*from = o->script;
		return script_url(o->script, url);
	} else if (!tdm_node_cfg_defaults(&cfg)) {
		*from = "the default";
		s = tdm_cfg_cstr(&cfg, TDM_SETTING_DATABASE);
		*url = tdm_strndup(s ? s : "", s ? strlen(s) : 0);
		tdm_node_cfg_free(&cfg);
		return *url ? CTL_OK : ctl_fail("out of memory");
	}
	*url = s ? tdm_strndup(s, strlen(s)) : NULL;
	return *url ? CTL_OK : ctl_fail("out of memory");
}

int ctl_db_open(const struct ctl_dbopts *o, bool schema, struct tdm_db **db)
{
	const char *from = "";
	char err[512], *url = NULL;
	int rc;

	*db = NULL;
	if (choose_url(o, &url, &from))
		return CTL_FAIL;
	if (!*url) {
		tdm_free(url);
		return ctl_fail("no database URL (%s is empty)", from);
	}
	err[0] = '\0';
	rc = tdm_db_open(url, NULL, db, err, sizeof(err));
	if (rc) {
		/* The URL may hold a password: name its scheme only. */
		const char *colon = strchr(url, ':');

		ctl_fail("cannot open the database (%.*s URL from %s): %s",
			 colon ? (int)(colon - url) : 0, url, from,
			 err[0] ? err : tdm_strerror(rc));
		tdm_free(url);
		*db = NULL;
		return CTL_FAIL;
	}
	tdm_free(url);
	if (schema && ctl_schema_check(*db)) {
		tdm_db_close(*db);
		*db = NULL;
		return CTL_FAIL;
	}
	return CTL_OK;
}

void ctl_db_close(struct tdm_db *db)
{
	tdm_db_close(db);
	tdm_mod_unload_all();
	tdm_mod_path_clear();
}

int ctl_db_fail(struct tdm_db *db, const char *what, int rc)
{
	const char *m = db ? tdm_db_error(db) : "";

	if (rc == -ENOTCONN)
		return ctl_fail("%s: the database is unreachable%s%s", what,
				*m ? ": " : "", m);
	return ctl_fail("%s: %s", what, *m ? m : tdm_strerror(rc));
}

/* ---- SQL ----------------------------------------------------------------- */

const char *ctl_sql(struct tdm_db *db, const char *tpl, char *out, size_t n)
{
	bool pg = !strcmp(tdm_db_dialect(db), "postgres");
	size_t len = 0;

	while (*tpl && len + 1 < n) {
		const char *end;
		int w = 0;

		if (*tpl != '{' || !(end = strchr(tpl, '}'))) {
			out[len++] = *tpl++;
			continue;
		}
		if (!strncmp(tpl, "{now}", 5))
			w = snprintf(out + len, n - len, "%s", pg ? "now()" :
				     "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
		else if (!strncmp(tpl, "{ts:", 4) && pg)
			w = snprintf(out + len, n - len, "to_char(%.*s AT TIME ZONE "
				     "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
				     (int)(end - tpl - 4), tpl + 4);
		else if (!strncmp(tpl, "{ip:", 4) && pg)
			w = snprintf(out + len, n - len, "host(%.*s)",
				     (int)(end - tpl - 4), tpl + 4);
		else if (!strncmp(tpl, "{ts:", 4) || !strncmp(tpl, "{ip:", 4))
			w = snprintf(out + len, n - len, "%.*s",
				     (int)(end - tpl - 4), tpl + 4);
		else
			w = snprintf(out + len, n - len, "%.*s",
				     (int)(end - tpl + 1), tpl);
		len += w > 0 ? (size_t)w : 0;
		if (len >= n)
			len = n - 1;
		tpl = end + 1;
	}
	out[len] = '\0';
	return out;
}

int ctl_query(struct tdm_db *db, const char *tpl, const struct tdm_db_val *p,
	      unsigned n, tdm_db_row_fn *fn, void *arg)
{
	char sql[2048];

	return tdm_db_query(db, ctl_sql(db, tpl, sql, sizeof(sql)), p, n, fn, arg);
}

static int int_row(void *arg, const struct tdm_db_row *row)
{
	*(int64_t *)arg = tdm_db_row_int(row, 0);
	return 0;
}

int ctl_query_int(struct tdm_db *db, const char *tpl,
		  const struct tdm_db_val *p, unsigned n, int64_t *out)
{
	*out = 0;
	return ctl_query(db, tpl, p, n, int_row, out);
}

int ctl_db_tx(struct tdm_db *db, int (*fn)(struct tdm_db *db, void *arg),
	      void *arg)
{
	int rc = tdm_db_begin(db);

	if (rc)
		return ctl_db_fail(db, "cannot start a transaction", rc);
	rc = fn(db, arg);
	if (rc != CTL_OK) {
		tdm_db_rollback(db);
		return rc;
	}
	if ((rc = tdm_db_commit(db))) {
		tdm_db_rollback(db);
		return ctl_db_fail(db, "cannot commit", rc);
	}
	return CTL_OK;
}

int ctl_db_change(const struct ctl_dbopts *o,
		  int (*fn)(struct tdm_db *db, void *arg), void *arg,
		  const char *fmt, ...)
{
	struct tdm_db *db;
	va_list ap;
	int rc;

	if (ctl_db_open(o, true, &db))
		return CTL_FAIL;
	rc = ctl_db_tx(db, fn, arg);
	if (rc == CTL_OK) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	ctl_db_close(db);
	return rc;
}

/* ---- Output -------------------------------------------------------------- */

int ctl_table_init(struct ctl_table *t, const struct ctl_col *cols,
		   unsigned ncols)
{
	t->cols = cols;
	t->ncols = ncols;
	t->rows = json_array();
	return t->rows ? 0 : -ENOMEM;
}

json_t *ctl_json_col(const struct tdm_db_row *row, unsigned col,
		     enum ctl_col_type type)
{
	size_t len;
	const char *s;

	switch (type) {
	case CTL_COL_INT:
		return json_integer(tdm_db_row_int(row, col));
	case CTL_COL_BOOL:
		return json_boolean(tdm_db_row_int(row, col) != 0);
	case CTL_COL_TEXT:
		break;
	}
	s = tdm_db_row_text(row, col, &len);
	return json_stringn(s ? s : "", s ? len : 0);
}

int ctl_table_row(void *table, const struct tdm_db_row *row)
{
	struct ctl_table *t = table;
	json_t *o = json_object();

	if (!o || json_array_append_new(t->rows, o))
		return -ENOMEM;
	for (unsigned i = 0; i < t->ncols; i++)
		if (json_object_set_new(o, t->cols[i].key,
					ctl_json_col(row, i, t->cols[i].type)))
			return -ENOMEM;
	return 0;
}

/* The text of one cell. */
static const char *cell(json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	if (json_is_integer(v)) {
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return "";
}

int ctl_json_print(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	putchar('\n');
	return rc ? CTL_FAIL : CTL_OK;
}

int ctl_table_print(struct ctl_table *t, bool json)
{
	size_t w[16] = { 0 };
	char buf[32];
	json_t *r;
	size_t i;

	if (json) {
		int rc = ctl_json_print(t->rows);

		ctl_table_free(t);
		return rc;
	}
	for (unsigned c = 0; c < t->ncols && c < 16; c++)
		w[c] = strlen(t->cols[c].head);
	json_array_foreach(t->rows, i, r)
		for (unsigned c = 0; c < t->ncols && c < 16; c++) {
			size_t n = strlen(cell(json_object_get(r, t->cols[c].key),
					       buf, sizeof(buf)));
			if (n > w[c])
				w[c] = n;
		}
	for (unsigned c = 0; c < t->ncols && c < 16; c++)
		printf("%-*s%s", c + 1 < t->ncols ? (int)w[c] : 0,
		       t->cols[c].head, c + 1 < t->ncols ? "  " : "\n");
	json_array_foreach(t->rows, i, r)
		for (unsigned c = 0; c < t->ncols && c < 16; c++)
			printf("%-*s%s", c + 1 < t->ncols ? (int)w[c] : 0,
			       cell(json_object_get(r, t->cols[c].key), buf,
				    sizeof(buf)), c + 1 < t->ncols ? "  " : "\n");
	ctl_table_free(t);
	return fflush(stdout) ? CTL_FAIL : CTL_OK;
}

void ctl_table_free(struct ctl_table *t)
{
	json_decref(t->rows);
	t->rows = NULL;
}
