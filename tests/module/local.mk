# tests/module: the module system end to end. oot.sh builds a provider's
# module out of tree with pkg-config alone and load_run calls it;
# tandemd.sh checks tandemd --load; the small modules here are the
# refusal cases the unit tests (tests/unit/module/) load from .libs/.
check_PROGRAMS += tests/module/load_run
tests_module_load_run_SOURCES = %reldir%/load_run.c
# Like tandemd: the whole core, exported, so hello.so resolves against it.
tests_module_load_run_DEPENDENCIES = core/libtandemcore.la
tests_module_load_run_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive

TDM_TEST_MODULE_LINK = -module -avoid-version -shared -rpath /nowhere
check_LTLIBRARIES += tests/module/bad_abi.la tests/module/bad_sig.la \
	tests/module/needs_db.la tests/module/misnamed.la \
	tests/module/nosym.la tests/module/good.la tests/module/sdkprobe.la
tests_module_bad_abi_la_SOURCES = %reldir%/bad_abi.c
tests_module_bad_abi_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
tests_module_bad_sig_la_SOURCES = %reldir%/bad_sig.c
tests_module_bad_sig_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
tests_module_needs_db_la_SOURCES = %reldir%/needs_db.c
tests_module_needs_db_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
tests_module_misnamed_la_SOURCES = %reldir%/misnamed.c
tests_module_misnamed_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
tests_module_nosym_la_SOURCES = %reldir%/nosym.c
tests_module_nosym_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
tests_module_good_la_SOURCES = %reldir%/good.c
tests_module_good_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
# The module SDK end to end (tdm_scr_reply/peer/set_targets, node.h):
# tests/node/sdk.sh loads it into tandemd (loopback ports 23960-23969).
tests_module_sdkprobe_la_SOURCES = %reldir%/sdkprobe.c
tests_module_sdkprobe_la_LDFLAGS = $(TDM_TEST_MODULE_LINK)
TESTS += tests/node/sdk.sh tests/node/sdk_offline.sh
EXTRA_DIST += tests/node/sdk.sh tests/node/sdk_offline.sh

TESTS += %reldir%/oot.sh %reldir%/tandemd.sh
EXTRA_DIST += %reldir%/oot.sh %reldir%/tandemd.sh %reldir%/oot/hello.c

