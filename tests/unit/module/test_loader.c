/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/module/loader.c, validate.c and registry.c: the module
 * path, every refusal message (exact text), dependency order of the
 * lifecycle hooks and the unwinding of a failed start. Modules come from
 * tests/module/ (built as check_LTLIBRARIES) or are static descriptors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/module.h>
#include "module/mod.h"
#include "test.h"

#define S(lit) (&TDM_STR(lit))

static char err[512];

/* A clean registry and module path around every test. */
static void reset(void)
{
	tdm_mod_unload_all();
	tdm_mod_path_clear();
	tdm_mod_unregister_static(NULL);
	tdm_mod_path_defaults(true);
	unsetenv("TANDEM_MODULE_PATH");
	err[0] = '\0';
}

/* Only the test modules' directory on the path. */
static void test_path(void)
{
	reset();
	tdm_mod_path_defaults(false);
	CU_ASSERT_EQUAL(tdm_mod_path_add(TDM_TEST_MODULE_DIR), 0);
}

static int load(const char *name, const char *where)
{
	err[0] = '\0';
	return tdm_mod_load(&(struct tdm_str){ name, strlen(name) }, where,
			    NULL, err, sizeof(err));
}

#define ASSERT_ERR(expected)                                                 \
	do {                                                                 \
		if (strcmp(err, (expected)))                                 \
			fprintf(stderr, "  got:  %s\n  want: %s\n", err,     \
				(expected));                                 \
		CU_ASSERT_STRING_EQUAL(err, (expected));                     \
	} while (0)

/* ---- Module path ---------------------------------------------------------- */

static void test_module_loader_not_found(void)
{
	reset();
	tdm_mod_path_defaults(false);
	tdm_mod_path_add("/a");
	tdm_mod_path_add("/b");
	tdm_mod_path_add("/a");
	CU_ASSERT_EQUAL(load("registrar", "default.route:3:1"), -ENOENT);
	ASSERT_ERR("default.route:3:1: module \"registrar\" not found (searched: /a, /b)");
	reset();
}

static void test_module_loader_not_found_no_path(void)
{
	reset();
	tdm_mod_path_defaults(false);
	CU_ASSERT_EQUAL(load("x", NULL), -ENOENT);
	ASSERT_ERR("module \"x\" not found (searched: no module path)");
	reset();
}

/* Build tree first (the unit tests run uninstalled), then the caller's
 * directories, then $TANDEM_MODULE_PATH, then the configured one. */
static void test_module_loader_search_order(void)
{
	reset();
	CU_ASSERT_TRUE(tdm_mod_running_uninstalled());
	setenv("TANDEM_MODULE_PATH", "/env1::/env2", 1);
	tdm_mod_path_add("/user");
	CU_ASSERT_EQUAL(load("zz_none", NULL), -ENOENT);
	ASSERT_ERR("module \"zz_none\" not found (searched: " TDM_BUILD_MODULE_DIR
		   ", /user, /env1, /env2, " TDM_MODULE_DIR ")");
	reset();
}

static void test_module_loader_invalid_name(void)
{
	reset();
	CU_ASSERT_EQUAL(load("../etc/x", "default.route:1:6"), -EINVAL);
	ASSERT_ERR("default.route:1:6: \"../etc/x\" is not a valid module name (letters, digits and _)");
	CU_ASSERT_EQUAL(load("", NULL), -EINVAL);
	reset();
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;
	int rc = in && out ? 0 : -1;

	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

/* DIR/NAME.so, DIR/NAME/NAME.so and DIR/NAME/.libs/NAME.so. */
static void test_module_loader_layouts(void)
{
	static const char *const sub[] = { "/good.so", "/good/good.so",
					   "/good/.libs/good.so" };
	char tmpl[] = "/tmp/tdm-mod-XXXXXX", path[512], dir[256];
	struct tdm_mod *m;
	char *base = mkdtemp(tmpl);

	CU_ASSERT_PTR_NOT_NULL_FATAL(base);
	for (unsigned i = 0; i < 3; i++) {
		reset();
		tdm_mod_path_defaults(false);
		snprintf(dir, sizeof(dir), "%s/%u", base, i);
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/good", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/good/.libs", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s%s", dir, sub[i]);
		CU_ASSERT_EQUAL_FATAL(copy_file(TDM_TEST_MODULE_DIR "/good.so", path), 0);
		tdm_mod_path_add(dir);
		CU_ASSERT_EQUAL(tdm_mod_load(S("good"), NULL, &m, err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(m->path, path);
		CU_ASSERT_PTR_NOT_NULL(m->handle);
		reset();
		unlink(path);
		snprintf(path, sizeof(path), "%s/good/.libs", dir);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/good", dir);
		rmdir(path);
		rmdir(dir);
	}
	rmdir(base);
}

/* ---- Loading from files ------------------------------------------------ */

static int count_mod(struct tdm_mod *m, void *arg)
{
	(void)m;
	++*(unsigned *)arg;
	return 0;
}

static void test_module_loader_load_file(void)
{
	struct tdm_mod *m = NULL, *fm = NULL;
	unsigned n = 0;

	test_path();
	CU_ASSERT_EQUAL(tdm_mod_load(S("good"), NULL, &m, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->path, TDM_TEST_MODULE_DIR "/good.so");
	CU_ASSERT_PTR_EQUAL(tdm_mod_find(S("good")), m);
	CU_ASSERT_PTR_NULL(tdm_mod_find(S("goo")));
	CU_ASSERT_PTR_NOT_NULL(tdm_mod_find_fn(S("good.nop"), &fm));
	CU_ASSERT_PTR_EQUAL(fm, m);
	CU_ASSERT_PTR_NULL(tdm_mod_find_fn(S("good.none"), NULL));
	CU_ASSERT_PTR_NULL(tdm_mod_find_fn(S("bad.nop"), NULL));
	CU_ASSERT_PTR_NULL(tdm_mod_find_fn(S("good"), NULL));
	CU_ASSERT_PTR_NULL(tdm_mod_find_fn(S(".nop"), NULL));
	tdm_mod_foreach(count_mod, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(tdm_mod_count(), 1);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), 0);
	CU_ASSERT_TRUE(tdm_mod_started());
	reset();
	CU_ASSERT_EQUAL(tdm_mod_count(), 0);
	CU_ASSERT_FALSE(tdm_mod_started());
}

static void test_module_loader_already_loaded(void)
{
	test_path();
	CU_ASSERT_EQUAL(load("good", NULL), 0);
	CU_ASSERT_EQUAL(load("good", "default.route:4:1"), -EEXIST);
	ASSERT_ERR("default.route:4:1: module \"good\" is already loaded");
	reset();
}

static void test_module_loader_abi_mismatch(void)
{
	char want[128];

	test_path();
	CU_ASSERT_EQUAL(load("bad_abi", NULL), -EPROTO);
	snprintf(want, sizeof(want), "module \"bad_abi\": ABI version %d, this tandemd has %d",
		 TDM_ABI_VERSION + 1, TDM_ABI_VERSION);
	ASSERT_ERR(want);
	CU_ASSERT_EQUAL(tdm_mod_count(), 0);
	reset();
}

static void test_module_loader_signature_mismatch(void)
{
	char want[160];

	test_path();
	CU_ASSERT_EQUAL(load("bad_sig", NULL), -EPROTO);
	snprintf(want, sizeof(want),
		 "module \"bad_sig\" was built against a different struct tdm_sip_msg (size %zu, expected %zu)",
		 sizeof(struct tdm_sip_msg) + 8, sizeof(struct tdm_sip_msg));
	ASSERT_ERR(want);
	reset();
}

static void test_module_loader_name_mismatch(void)
{
	test_path();
	CU_ASSERT_EQUAL(load("misnamed", NULL), -EINVAL);
	ASSERT_ERR("module \"misnamed\": descriptor is named \"other\"");
	reset();
}

static void test_module_loader_no_descriptor(void)
{
	test_path();
	CU_ASSERT_EQUAL(load("nosym", NULL), -ENOEXEC);
	ASSERT_ERR("module \"nosym\": " TDM_TEST_MODULE_DIR
		   "/nosym.so does not export tdm_module_nosym");
	reset();
}

static void test_module_loader_not_a_shared_object(void)
{
	char tmpl[] = "/tmp/tdm-mod-XXXXXX", path[128];
	char *dir = mkdtemp(tmpl);
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/junk.so", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("not an ELF file\n", f);
	fclose(f);
	reset();
	tdm_mod_path_defaults(false);
	tdm_mod_path_add(dir);
	CU_ASSERT_EQUAL(load("junk", NULL), -ENOEXEC);
	/* The rest is dlerror()'s wording, which names the file. */
	CU_ASSERT_EQUAL(strncmp(err, "module \"junk\": ", 15), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	reset();
	unlink(path);
	rmdir(dir);
}

static void test_module_loader_missing_dependency(void)
{
	test_path();
	CU_ASSERT_EQUAL(load("needs_db", "default.route:2:1"), 0);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), -ENOENT);
	ASSERT_ERR("default.route:2:1: module \"needs_db\" needs module \"db\", which is not loaded");
	CU_ASSERT_FALSE(tdm_mod_started());
	reset();
}

/* ---- Static descriptors and the lifecycle --------------------------------- */

static char trace[256];

static void note(const char *what)
{
	size_t n = strlen(trace);

	snprintf(trace + n, sizeof(trace) - n, "%s%s", n ? " " : "", what);
}

static int fail_load;

static int a_load(void) { note("load:a"); return 0; }
static int b_load(void) { note("load:b"); return fail_load; }
static int c_load(void) { note("load:c"); return 0; }
static void a_unload(void) { note("unload:a"); }
static void b_unload(void) { note("unload:b"); }
static void c_unload(void) { note("unload:c"); }
static int a_worker(unsigned i) { note(i == 3 ? "worker3:a" : "worker?:a"); return 0; }
static int c_worker(unsigned i) { note(i == 3 ? "worker3:c" : "worker?:c"); return 0; }
static int b_reload(void) { note("reload:b"); return -EIO; }
static int c_reload(void) { note("reload:c"); return 0; }

#define DESC(n, ...) { TDM_MODULE_HEADER, .name = n, .description = "test", __VA_ARGS__ }

/* a needs b, b needs c: whatever the load order, c starts first. */
static const struct tdm_module mod_a = DESC("a", .requires = (const char *const[]){ "b", NULL },
	.load = a_load, .unload = a_unload, .worker = a_worker);
static const struct tdm_module mod_b = DESC("b", .requires = (const char *const[]){ "c", NULL },
	.load = b_load, .unload = b_unload, .reload = b_reload);
static const struct tdm_module mod_c = DESC("c", .load = c_load, .unload = c_unload,
	.worker = c_worker, .reload = c_reload);

static void register_abc(void)
{
	reset();
	trace[0] = '\0';
	fail_load = 0;
	CU_ASSERT_EQUAL(tdm_mod_register_static(&mod_a), 0);
	CU_ASSERT_EQUAL(tdm_mod_register_static(&mod_b), 0);
	CU_ASSERT_EQUAL(tdm_mod_register_static(&mod_c), 0);
	CU_ASSERT_EQUAL(load("a", NULL), 0);
	CU_ASSERT_EQUAL(load("b", NULL), 0);
	CU_ASSERT_EQUAL(load("c", NULL), 0);
}

static void test_module_loader_static_register(void)
{
	reset();
	CU_ASSERT_EQUAL(tdm_mod_register_static(&mod_c), 0);
	CU_ASSERT_EQUAL(tdm_mod_register_static(&mod_c), -EEXIST);
	CU_ASSERT_EQUAL(tdm_mod_register_static(NULL), -EINVAL);
	CU_ASSERT_PTR_EQUAL(tdm_mod_static_find(S("c")), &mod_c);
	tdm_mod_unregister_static(&mod_c);
	CU_ASSERT_PTR_NULL(tdm_mod_static_find(S("c")));
	reset();
}

static void test_module_loader_lifecycle_order(void)
{
	register_abc();
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(trace, "load:c load:b load:a");
	trace[0] = '\0';
	CU_ASSERT_EQUAL(tdm_mod_worker_all(3, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(trace, "worker3:c worker3:a");
	trace[0] = '\0';
	CU_ASSERT_EQUAL(tdm_mod_reload_all(err, sizeof(err)), -EIO);
	CU_ASSERT_STRING_EQUAL(trace, "reload:c reload:b");
	ASSERT_ERR("module \"b\": reload failed: Input/output error");
	trace[0] = '\0';
	tdm_mod_unload_all();
	CU_ASSERT_STRING_EQUAL(trace, "unload:a unload:b unload:c");
	reset();
}

static void test_module_loader_start_twice(void)
{
	register_abc();
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), -EBUSY);
	ASSERT_ERR("modules have already been started");
	CU_ASSERT_EQUAL(load("d", "default.route:9:1"), -EBUSY);
	ASSERT_ERR("default.route:9:1: module \"d\": modules cannot be loaded after start");
	reset();
}

static void test_module_loader_load_hook_fails(void)
{
	register_abc();
	fail_load = -EIO;
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), -EIO);
	ASSERT_ERR("module \"b\": load failed: Input/output error");
	/* c had started: its unload hook ran; a never started. */
	CU_ASSERT_STRING_EQUAL(trace, "load:c load:b unload:c");
	CU_ASSERT_FALSE(tdm_mod_started());
	trace[0] = '\0';
	tdm_mod_unload_all();
	CU_ASSERT_STRING_EQUAL(trace, "");
	reset();
}

static const struct tdm_module mod_x = DESC("x", .requires = (const char *const[]){ "y", NULL });
static const struct tdm_module mod_y = DESC("y", .requires = (const char *const[]){ "x", NULL });

static void test_module_loader_dependency_cycle(void)
{
	reset();
	tdm_mod_register_static(&mod_x);
	tdm_mod_register_static(&mod_y);
	CU_ASSERT_EQUAL(load("x", NULL), 0);
	CU_ASSERT_EQUAL(load("y", NULL), 0);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), -ELOOP);
	ASSERT_ERR("module \"x\" is part of a dependency cycle: x -> y -> x");
	reset();
}

static void test_module_loader_worker_before_start(void)
{
	reset();
	CU_ASSERT_EQUAL(tdm_mod_worker_all(0, err, sizeof(err)), -EINVAL);
	ASSERT_ERR("modules have not been started");
	reset();
}

/* ---- Descriptor checks, one refusal each ------------------------------------ */

static int impl(struct tdm_scr_call *c)
{
	(void)c;
	return 0;
}

static int rpc(struct tdm_rpc *r)
{
	(void)r;
	return 0;
}

static struct vcfg { int64_t n; } vcfg;

/* Registers d as "v", loads it, expects -EINVAL and the message. */
static void refuse(const struct tdm_module *d, const char *want)
{
	reset();
	CU_ASSERT_EQUAL(tdm_mod_register_static(d), 0);
	CU_ASSERT_EQUAL(load(d->name, NULL), -EINVAL);
	ASSERT_ERR(want);
	CU_ASSERT_EQUAL(tdm_mod_count(), 0);
	reset();
}

static void test_module_loader_fn_without_impl(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", NULL, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" has no implementation");
}

static void test_module_loader_duplicate_fn(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "" },
		{ "g", impl, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "" },
		{ "f", impl, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": duplicate function \"f\"");
}

/* (compound literals need file scope to be constant) */
static const struct tdm_fn_def opt_f[] = {
	{ .name = "f", .impl = impl, .routes = TDM_ROUTE_ANY,
	  .args = TDM_ARGS({ "a", TDM_T_STR, TDM_ARG_OPTIONAL },
			   { "b", TDM_T_INT, 0 }) }, TDM_FN_END };

static void test_module_loader_optional_not_trailing(void)
{
	static const struct tdm_module d = DESC("v", .functions = opt_f);

	refuse(&d, "module \"v\": function \"f\": optional argument \"a\" is followed by required argument \"b\"");
}

static void test_module_loader_fn_bad_return(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_REGEX, NULL, 0, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" returns regex (void, bool, int or str)");
}

static void test_module_loader_fn_no_routes(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_VOID, NULL, 0, 0, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" allows no route type");
}

static void test_module_loader_fn_unknown_routes(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_VOID, NULL, 0, 0x31, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" has unknown route bits 0x30");
}

static void test_module_loader_fn_missing_arg_table(void)
{
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_VOID, NULL, 2, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" declares 2 arguments but no argument table");
}

static void test_module_loader_fn_too_many_args(void)
{
	static const struct tdm_fn_arg a[1] = { { "a", TDM_T_INT, 0 } };
	static const struct tdm_fn_def f[] = {
		{ "f", impl, NULL, TDM_T_VOID, a, 17, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function \"f\" has 17 arguments (at most 16)");
}

static const struct tdm_fn_def void_f[] = {
	{ .name = "f", .impl = impl, .routes = TDM_ROUTE_ANY,
	  .args = TDM_ARGS({ "a", TDM_T_VOID, 0 }) }, TDM_FN_END };

static void test_module_loader_fn_arg_without_type(void)
{
	static const struct tdm_module d = DESC("v", .functions = void_f);

	refuse(&d, "module \"v\": function \"f\": argument \"a\" has no type");
}

static void test_module_loader_fn_bad_name(void)
{
	static const struct tdm_fn_def f[] = {
		{ "do-it", impl, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "" }, TDM_FN_END };
	static const struct tdm_module d = DESC("v", .functions = f);

	refuse(&d, "module \"v\": function name \"do-it\" is not valid");
}

static void test_module_loader_duplicate_param(void)
{
	static const struct tdm_param_def p[] = {
		TDM_PARAM_INT("n", struct vcfg, n, "1", 1, 0, ""),
		TDM_PARAM_INT("n", struct vcfg, n, "1", 1, 0, ""), TDM_PARAM_END };
	static const struct tdm_module d = DESC("v", .params = p, .config = &vcfg);

	refuse(&d, "module \"v\": duplicate parameter \"n\"");
}

static void test_module_loader_param_bad_type(void)
{
	static const struct tdm_param_def p[] = {
		{ "n", TDM_T_LIST, 0, NULL, 1, 0, "" }, TDM_PARAM_END };
	static const struct tdm_module d = DESC("v", .params = p, .config = &vcfg);

	refuse(&d, "module \"v\": parameter \"n\" has type list (int, bool or str)");
}

static void test_module_loader_params_without_config(void)
{
	static const struct tdm_param_def p[] = {
		TDM_PARAM_INT("n", struct vcfg, n, "1", 1, 0, ""), TDM_PARAM_END };
	static const struct tdm_module d = DESC("v", .params = p);

	refuse(&d, "module \"v\" has parameters but no config struct");
}

static void test_module_loader_rpc_name(void)
{
	static const struct tdm_rpc_def r[] = { { "show", rpc, "", "Shows" }, TDM_RPC_END };
	static const struct tdm_module d = DESC("v", .rpcs = r);

	refuse(&d, "module \"v\": RPC \"show\" must be named \"v.<command>\" (lower case, digits, _)");
}

static void test_module_loader_rpc_without_fn(void)
{
	static const struct tdm_rpc_def r[] = { { "v.show", NULL, "", "Shows" }, TDM_RPC_END };
	static const struct tdm_module d = DESC("v", .rpcs = r);

	refuse(&d, "module \"v\": RPC \"v.show\" has no implementation");
}

static atomic_ulong stat_value;

static void test_module_loader_duplicate_stat(void)
{
	static const struct tdm_stat_def s[] = {
		{ "v_total", TDM_STAT_COUNTER, "Vs", .value = &stat_value },
		{ "v_total", TDM_STAT_COUNTER, "Vs", .value = &stat_value },
		TDM_STAT_END };
	static const struct tdm_module d = DESC("v", .stats = s);

	refuse(&d, "module \"v\": duplicate statistic \"v_total\"");
}

static void test_module_loader_stat_rules(void)
{
	static const struct tdm_stat_def s[] = {
		{ "w_total", TDM_STAT_COUNTER, "Ws", .value = &stat_value },
		TDM_STAT_END };
	static const struct tdm_stat_def s2[] = {
		{ "v_hits", TDM_STAT_COUNTER, "Hits", .value = &stat_value },
		TDM_STAT_END };
	static const struct tdm_rpc_def r[] = {
		{ "v.show", rpc, "aor", "Shows" }, TDM_RPC_END };
	static const struct tdm_module d = DESC("v", .stats = s);
	static const struct tdm_module d2 = DESC("v", .stats = s2);
	static const struct tdm_module d3 = DESC("v", .rpcs = r);

	refuse(&d, "module \"v\": statistic \"w_total\" must start with \"v_\"");
	refuse(&d2, "module \"v\": counter \"v_hits\" must end in _total");
	refuse(&d3, "module \"v\": RPC \"v.show\": parameter \"aor\" is not NAME:TYPE");
}

static const char *const self_req[] = { "v", NULL };

static void test_module_loader_requires_itself(void)
{
	static const struct tdm_module d = DESC("v", .requires = self_req);

	refuse(&d, "module \"v\" requires itself");
}

static void test_module_loader_no_description(void)
{
	static const struct tdm_module d = { TDM_MODULE_HEADER, .name = "v" };

	refuse(&d, "module \"v\": description must be one non-empty line");
}

static void test_module_loader_spare_set(void)
{
	static const struct tdm_module d = DESC("v", .spare = { [6] = (void *)1 });

	refuse(&d, "module \"v\": spare descriptor fields are set (built for a newer tandemd?)");
}

static void test_module_loader_sanitizer_mismatch(void)
{
	static const struct tdm_module d = {
		.abi = TDM_ABI_VERSION,
		.signature = { TDM_ABI_VERSION, sizeof(struct tdm_value),
			       sizeof(struct tdm_sip_msg), sizeof(struct tdm_module),
			       TDM_HDR__COUNT, !TDM_BUILD_SANITIZERS },
		.name = "v", .description = "test" };

	reset();
	tdm_mod_register_static(&d);
	CU_ASSERT_EQUAL(load("v", NULL), -EPROTO);
	ASSERT_ERR(TDM_BUILD_SANITIZERS
		   ? "module \"v\" was built without sanitizers, this tandemd with"
		   : "module \"v\" was built with sanitizers, this tandemd without");
	reset();
}

static void test_module_loader_find_rpc(void)
{
	static const struct tdm_rpc_def r[] = { { "v.show", rpc, "", "Shows" }, TDM_RPC_END };
	static const struct tdm_module d = DESC("v", .rpcs = r);
	struct tdm_mod *m = NULL;

	reset();
	tdm_mod_register_static(&d);
	CU_ASSERT_EQUAL(load("v", NULL), 0);
	CU_ASSERT_PTR_EQUAL(tdm_mod_find_rpc(S("v.show"), &m), &r[0]);
	CU_ASSERT_PTR_EQUAL(m, tdm_mod_find(S("v")));
	CU_ASSERT_PTR_NULL(tdm_mod_find_rpc(S("v.hide"), NULL));
	reset();
}

/* Every allocation failure on the load path is -ENOMEM without a leak. */
static int load_oom(void *arg)
{
	int rc;

	(void)arg;
	rc = load("good", NULL);
	if (!rc)
		rc = tdm_mod_start_all(err, sizeof(err));
	tdm_mod_unload_all();
	return rc;
}

static void test_module_loader_oom(void)
{
	test_path();
	CU_ASSERT_EQUAL(tdm_test_oom_loop(load_oom, NULL), 0);
	reset();
}

TDM_TEST_SUITE(module_loader,
	TDM_TEST(test_module_loader_not_found),
	TDM_TEST(test_module_loader_not_found_no_path),
	TDM_TEST(test_module_loader_search_order),
	TDM_TEST(test_module_loader_invalid_name),
	TDM_TEST(test_module_loader_layouts),
	TDM_TEST(test_module_loader_load_file),
	TDM_TEST(test_module_loader_already_loaded),
	TDM_TEST(test_module_loader_abi_mismatch),
	TDM_TEST(test_module_loader_signature_mismatch),
	TDM_TEST(test_module_loader_name_mismatch),
	TDM_TEST(test_module_loader_no_descriptor),
	TDM_TEST(test_module_loader_not_a_shared_object),
	TDM_TEST(test_module_loader_missing_dependency),
	TDM_TEST(test_module_loader_static_register),
	TDM_TEST(test_module_loader_lifecycle_order),
	TDM_TEST(test_module_loader_start_twice),
	TDM_TEST(test_module_loader_load_hook_fails),
	TDM_TEST(test_module_loader_dependency_cycle),
	TDM_TEST(test_module_loader_worker_before_start),
	TDM_TEST(test_module_loader_fn_without_impl),
	TDM_TEST(test_module_loader_duplicate_fn),
	TDM_TEST(test_module_loader_optional_not_trailing),
	TDM_TEST(test_module_loader_fn_bad_return),
	TDM_TEST(test_module_loader_fn_no_routes),
	TDM_TEST(test_module_loader_fn_unknown_routes),
	TDM_TEST(test_module_loader_fn_missing_arg_table),
	TDM_TEST(test_module_loader_fn_too_many_args),
	TDM_TEST(test_module_loader_fn_arg_without_type),
	TDM_TEST(test_module_loader_fn_bad_name),
	TDM_TEST(test_module_loader_duplicate_param),
	TDM_TEST(test_module_loader_param_bad_type),
	TDM_TEST(test_module_loader_params_without_config),
	TDM_TEST(test_module_loader_rpc_name),
	TDM_TEST(test_module_loader_rpc_without_fn),
	TDM_TEST(test_module_loader_duplicate_stat),
	TDM_TEST(test_module_loader_stat_rules),
	TDM_TEST(test_module_loader_requires_itself),
	TDM_TEST(test_module_loader_no_description),
	TDM_TEST(test_module_loader_spare_set),
	TDM_TEST(test_module_loader_sanitizer_mismatch),
	TDM_TEST(test_module_loader_find_rpc),
	TDM_TEST(test_module_loader_oom))
