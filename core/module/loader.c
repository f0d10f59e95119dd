/* SPDX-License-Identifier: GPL-2.0-or-later
 * Finds a module on the module path, opens it and hands its descriptor to
 * the checks: one line per refusal, naming the module and the reason. */
#include <config.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include <tandem/log.h>
#include "mod.h"

#ifndef TDM_MODULE_DIR
#define TDM_MODULE_DIR "/usr/local/lib/tandem"
#endif

static TDM_LOG_SUBSYS(log_mod, "module");

static char **user_dirs;
static unsigned nuser;
static bool use_defaults = true;

int tdm_mod_path_add(const char *dir)
{
	char **p, *copy;

	if (!dir || !*dir)
		return -EINVAL;
	copy = tdm_strndup(dir, strlen(dir));
	if (!copy)
		return -ENOMEM;
	p = tdm_realloc(user_dirs, (nuser + 1) * sizeof(*p));
	if (!p) {
		tdm_free(copy);
		return -ENOMEM;
	}
	user_dirs = p;
	user_dirs[nuser++] = copy;
	return 0;
}

void tdm_mod_path_clear(void)
{
	while (nuser > 0)
		tdm_free(user_dirs[--nuser]);
	tdm_free(user_dirs);
	user_dirs = NULL;
}

void tdm_mod_path_defaults(bool on)
{
	use_defaults = on;
}

bool tdm_mod_running_uninstalled(void)
{
#if defined(TDM_ABS_BUILDDIR)
	char exe[PATH_MAX], top[PATH_MAX];
	char *slash;
	size_t n;

	if (!realpath("/proc/self/exe", exe) || !realpath(TDM_ABS_BUILDDIR, top))
		return false;
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	/* The executable's directory is the build directory or below it
	 * (tests/unit/, or .libs/ behind a libtool wrapper). */
	n = strlen(top);
	return strncmp(exe, top, n) == 0 && (exe[n] == '\0' || exe[n] == '/');
#else
	return false;
#endif
}

/* The search list, as a NULL-separated sequence of directories in a
 * buffer ("a\0b\0"): duplicates dropped. */
static void add_dir(struct tdm_buf *dirs, const char *d, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	while (off < dirs->len) {
		size_t l = strlen(dirs->data + off);

		if (l == len && memcmp(dirs->data + off, d, len) == 0)
			return;
		off += l + 1;
	}
	tdm_buf_append(dirs, d, len);
	tdm_buf_append_ch(dirs, '\0');
}

static int search_list(struct tdm_buf *dirs)
{
	const char *env, *colon;

#ifdef TDM_BUILD_MODULE_DIR
	if (use_defaults && tdm_mod_running_uninstalled())
		add_dir(dirs, TDM_BUILD_MODULE_DIR, strlen(TDM_BUILD_MODULE_DIR));
#endif
	for (unsigned i = 0; i < nuser; i++)
		add_dir(dirs, user_dirs[i], strlen(user_dirs[i]));
	env = use_defaults ? getenv("TANDEM_MODULE_PATH") : NULL;
	while (env && *env) {
		colon = strchr(env, ':');
		add_dir(dirs, env, colon ? (size_t)(colon - env) : strlen(env));
		env = colon ? colon + 1 : NULL;
	}
	if (use_defaults)
		add_dir(dirs, TDM_MODULE_DIR, strlen(TDM_MODULE_DIR));
	return dirs->err;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Looks for name in every directory of the list; on success *path is a
 * tdm_malloc'ed file name. Else -ENOENT with the searched directories in
 * the message. */
static int find_file(const char *name, const char *where, char **path,
		     char *err, size_t errlen)
{
	static const char *const layouts[] = { "%s/%s.so", "%s/%s/%s.so",
					       "%s/%s/.libs/%s.so" };
	struct tdm_buf dirs = TDM_BUF_INIT, seen = TDM_BUF_INIT;
	char file[PATH_MAX];
	size_t off;
	int rc;

	rc = search_list(&dirs);
	if (rc)
		goto out;
	for (off = 0; off < dirs.len; off += strlen(dirs.data + off) + 1) {
		const char *d = dirs.data + off;

		for (size_t i = 0; i < TDM_ARRAY_SIZE(layouts); i++) {
			int n = i == 0 ? snprintf(file, sizeof(file), layouts[i], d, name)
				       : snprintf(file, sizeof(file), layouts[i], d, name, name);

			if (n > 0 && (size_t)n < sizeof(file) && is_file(file)) {
				*path = tdm_strndup(file, (size_t)n);
				rc = *path ? 0 : -ENOMEM;
				goto out;
			}
		}
		tdm_buf_printf(&seen, "%s%s", seen.len ? ", " : "", d);
	}
	rc = seen.err ? seen.err : -ENOENT;
	if (rc == -ENOENT)
		tdm_mod_errf(rc, err, errlen, where,
			     "module \"%s\" not found (searched: %s)", name,
			     seen.len ? seen.data : "no module path");
out:
	if (rc == -ENOMEM)
		tdm_mod_errf(rc, err, errlen, where,
			     "module \"%s\": out of memory", name);
	tdm_buf_free(&dirs);
	tdm_buf_free(&seen);
	return rc;
}

/* Opens path and looks up tdm_module_<name>. */
static int open_module(struct tdm_mod *m, const char *name, const char *where,
		       char *err, size_t errlen)
{
	char sym[128];
	const char *why;

	dlerror();
	m->handle = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
	if (!m->handle) {
		why = dlerror();
		return tdm_mod_errf(-ENOEXEC, err, errlen, where,
				    "module \"%s\": %s", name,
				    why ? why : "dlopen failed");
	}
	snprintf(sym, sizeof(sym), "tdm_module_%s", name);
	m->desc = dlsym(m->handle, sym);
	if (!m->desc)
		return tdm_mod_errf(-ENOEXEC, err, errlen, where,
				    "module \"%s\": %s does not export %s",
				    name, m->path, sym);
	return 0;
}

/* A module name is what may follow tdm_module_ in a C identifier, and
 * never a path: [A-Za-z0-9_], 1..64 bytes. */
static bool valid_name(const struct tdm_str *name)
{
	if (!name->len || name->len > 64)
		return false;
	for (size_t i = 0; i < name->len; i++) {
		char c = name->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

int tdm_mod_load(const struct tdm_str *sname, const char *where,
		 struct tdm_mod **out, char *err, size_t errlen)
{
	char name[72];
	struct tdm_mod *m;
	int rc;

	if (!sname)
		return -EINVAL;
	if (!valid_name(sname))
		return tdm_mod_errf(-EINVAL, err, errlen, where,
				    "\"%.*s\" is not a valid module name (letters, digits and _)",
				    TDM_STR_FMT(sname));
	snprintf(name, sizeof(name), "%.*s", TDM_STR_FMT(sname));
	if (tdm_mod_started())
		return tdm_mod_errf(-EBUSY, err, errlen, where,
				    "module \"%s\": modules cannot be loaded after start",
				    name);
	if (tdm_mod_find(sname))
		return tdm_mod_errf(-EEXIST, err, errlen, where,
				    "module \"%s\" is already loaded", name);
	m = tdm_calloc(1, sizeof(*m));
	if (!m)
		return tdm_mod_errf(-ENOMEM, err, errlen, where,
				    "module \"%s\": out of memory", name);
	if (where && !(m->where = tdm_strndup(where, strlen(where)))) {
		rc = tdm_mod_errf(-ENOMEM, err, errlen, where,
				  "module \"%s\": out of memory", name);
		goto fail;
	}
	m->desc = tdm_mod_static_find(sname);
	if (!m->desc) {
		rc = find_file(name, where, &m->path, err, errlen);
		if (!rc)
			rc = open_module(m, name, where, err, errlen);
		if (rc)
			goto fail;
	}
	rc = tdm_mod_validate(m->desc, name, where, err, errlen);
	if (!rc)
		rc = tdm_mod_params_init(m, err, errlen);
	if (!rc) {
		rc = tdm_mod_registry_add(m);
		if (rc)
			tdm_mod_errf(rc, err, errlen, where,
				     "module \"%s\": out of memory", name);
	}
	if (rc)
		goto fail;
	TDM_LOGD(&log_mod, "loaded module %s from %s", name,
		 m->path ? m->path : "(built in)");
	if (out)
		*out = m;
	return 0;
fail:
	tdm_mod_free(m);
	return rc;
}

/* Drivers loaded after start, outside the registry (which is read-only
 * once the modules started). Kept open until the process ends. */
static struct detached {
	char name[72];
	const struct tdm_module *desc;
} detached[8];
static unsigned ndetached;

int tdm_mod_load_detached(const struct tdm_str *sname,
			  const struct tdm_module **desc, char *err,
			  size_t errlen)
{
	struct tdm_mod m = { 0 };
	char name[72];
	int rc;

	if (!valid_name(sname))
		return tdm_mod_errf(-EINVAL, err, errlen, NULL,
				    "\"%.*s\" is not a valid module name",
				    TDM_STR_FMT(sname));
	snprintf(name, sizeof(name), "%.*s", TDM_STR_FMT(sname));
	for (unsigned i = 0; i < ndetached; i++)
		if (!strcmp(detached[i].name, name)) {
			*desc = detached[i].desc;
			return 0;
		}
	if (ndetached == TDM_ARRAY_SIZE(detached))
		return tdm_mod_errf(-ENOSPC, err, errlen, NULL,
				    "module \"%s\": too many late modules", name);
	m.desc = tdm_mod_static_find(sname);
	if (!m.desc) {
		rc = find_file(name, NULL, &m.path, err, errlen);
		if (!rc)
			rc = open_module(&m, name, NULL, err, errlen);
		tdm_free(m.path);
		if (rc)
			goto fail;
	}
	rc = tdm_mod_validate(m.desc, name, NULL, err, errlen);
	if (!rc && (m.desc->load || (m.desc->params && m.desc->params[0].name)))
		rc = tdm_mod_errf(-EBUSY, err, errlen, NULL, "module \"%s\" "
				  "cannot be loaded after start (load it in "
				  "the configuration)", name);
	if (rc)
		goto fail;
	snprintf(detached[ndetached].name, sizeof(detached[0].name), "%s", name);
	detached[ndetached++].desc = m.desc;
	*desc = m.desc;
	TDM_LOGD(&log_mod, "loaded module %s after start", name);
	return 0;
fail:
	if (m.handle)
		dlclose(m.handle);
	return rc;
}
