# Unit tests of core/module. The refusal cases that need a shared object
# load the test modules of tests/module/ from their .libs/ directory.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_loader.c \
	%reldir%/test_params.c
tests_unit_unit_tests_CPPFLAGS += \
	-DTDM_TEST_MODULE_DIR='"$(abs_top_builddir)/tests/module/.libs"'
# built before the unit tests, even when only they are asked for
EXTRA_tests_unit_unit_tests_DEPENDENCIES = tests/module/bad_abi.la \
	tests/module/bad_sig.la tests/module/needs_db.la \
	tests/module/misnamed.la tests/module/nosym.la tests/module/good.la
