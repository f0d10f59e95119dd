# tests/module/nat: unit tests of modules/nat's pure parts (address
# classes, the nat.detect() tests, the Contact rewrite). Their own CUnit
# program, included from modules/nat/local.mk (tests/unit/unit-tests'
# source list is reset after modules/ is read).
check_PROGRAMS += tests/module/nat/nat-tests
TESTS += tests/module/nat/nat-tests
tests_module_nat_nat_tests_SOURCES = %reldir%/test_nat.c \
	modules/nat/nat_ip.c modules/nat/nat_detect.c
tests_module_nat_nat_tests_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS) \
	-I$(srcdir)/tests/lib -DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tests_module_nat_nat_tests_LDADD = tests/lib/libtdmtest.la \
	core/libtandemcore.la $(CUNIT_LIBS)
