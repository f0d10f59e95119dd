/* SPDX-License-Identifier: GPL-2.0-or-later
 * Finding the driver of a database URL: the scheme names a driver module
 * (sqlite -> db_sqlite, postgres -> db_postgres, x -> db_x), taken from
 * the loaded modules or loaded on first use, and its descriptor's
 * db_driver is checked before anyone calls through it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <tandem/str.h>
#include "db/db_int.h"
#include "module/mod.h"

/* Serializes lookups: connections may be opened from several threads
 * (tandemctl's main thread, the node's snapshot thread). */
static pthread_mutex_t drv_lock = PTHREAD_MUTEX_INITIALIZER;

int tdm_db_driver_check(const struct tdm_db_driver *d, char *err,
			size_t errlen)
{
	const char *missing = NULL;

	if (!d->name || !*d->name)
		missing = "name";
	else if (!d->schemes || !d->schemes[0])
		missing = "schemes";
	else if (!d->connect)
		missing = "connect";
	else if (!d->disconnect)
		missing = "disconnect";
	else if (!d->prepare)
		missing = "prepare";
	else if (!d->finalize)
		missing = "finalize";
	else if (!d->exec)
		missing = "exec";
	else if (!d->script)
		missing = "script";
	else if (!d->listen != !d->wait)
		missing = d->listen ? "wait (listen is set)" : "listen (wait is set)";
	if (!missing)
		return 0;
	snprintf(err, errlen, "database driver %s: no %s",
		 d->name ? d->name : "(unnamed)", missing);
	return -EINVAL;
}

static bool has_scheme(const struct tdm_db_driver *d, const char *scheme)
{
	for (const char *const *s = d->schemes; *s; s++)
		if (!strcmp(*s, scheme))
			return true;
	return false;
}

/* The module called name: loaded already, or loaded now. */
static int find_module(const char *name, const struct tdm_module **desc,
		       char *err, size_t errlen)
{
	struct tdm_str s = { name, strlen(name) };
	struct tdm_mod *m = tdm_mod_find(&s);
	int rc;

	if (m) {
		*desc = m->desc;
		return 0;
	}
	if (tdm_mod_started())
		return tdm_mod_load_detached(&s, desc, err, errlen);
	rc = tdm_mod_load(&s, NULL, &m, err, errlen);
	if (rc)
		return rc;
	*desc = m->desc;
	return 0;
}

int tdm_db_driver_find(const char *url, const struct tdm_db_driver **out,
		       char *err, size_t errlen)
{
	char scheme[32], modname[40];
	const struct tdm_module *desc = NULL;
	int rc;

	if (tdm_db_url_scheme(url, scheme, sizeof(scheme)) ||
	    tdm_db_scheme_module(scheme, modname, sizeof(modname))) {
		snprintf(err, errlen, "database URL \"%.40s\" has no scheme "
			 "(sqlite:PATH, postgres://...)", url ? url : "");
		return -EINVAL;
	}
	pthread_mutex_lock(&drv_lock);
	rc = find_module(modname, &desc, err, errlen);
	pthread_mutex_unlock(&drv_lock);
	if (rc) {
		/* keep the loader's one line, say what we wanted it for */
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "database scheme \"%s\" needs driver module "
			 "%s: %s", scheme, modname, why);
		return -EINVAL;
	}
	if (!desc->db_driver) {
		snprintf(err, errlen, "module %s is not a database driver",
			 modname);
		return -EINVAL;
	}
	rc = tdm_db_driver_check(desc->db_driver, err, errlen);
	if (rc)
		return rc;
	if (!has_scheme(desc->db_driver, scheme)) {
		snprintf(err, errlen, "driver %s does not handle \"%s:\" URLs",
			 modname, scheme);
		return -EINVAL;
	}
	*out = desc->db_driver;
	return 0;
}
