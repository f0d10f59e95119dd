# tests/lib: the CUnit runner and helpers shared by every unit-test program.
check_LTLIBRARIES = tests/lib/libtdmtest.la
tests_lib_libtdmtest_la_SOURCES = %reldir%/runner.c %reldir%/util.c %reldir%/test.h
tests_lib_libtdmtest_la_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS) \
	-DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
