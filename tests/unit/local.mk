# tests/unit: one CUnit program; its sources mirror core/ (tests/unit/sip/
# test_parse.c tests core/sip/parse.c). Each folder's fragment adds to it.
check_PROGRAMS += tests/unit/unit-tests
TESTS += tests/unit/unit-tests
tests_unit_unit_tests_SOURCES =
tests_unit_unit_tests_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS) -I$(srcdir)/tests/lib \
	-DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tests_unit_unit_tests_LDADD = tests/lib/libtdmtest.la core/libtandemcore.la $(CUNIT_LIBS)
include $(srcdir)/tests/unit/lib/local.mk
include $(srcdir)/tests/unit/sip/local.mk
include $(srcdir)/tests/unit/module/local.mk
include $(srcdir)/tests/unit/script/local.mk
include $(srcdir)/tests/unit/net/local.mk
include $(srcdir)/tests/unit/net/udp.mk
include $(srcdir)/tests/unit/net/ws.mk
include $(srcdir)/tests/unit/net/stream.mk
include $(srcdir)/tests/unit/dns/local.mk
include $(srcdir)/tests/unit/txn/local.mk
include $(srcdir)/tests/unit/conf/local.mk
include $(srcdir)/tests/unit/rpc/local.mk
include $(srcdir)/tests/unit/stats/stats.mk
include $(srcdir)/tests/unit/db/local.mk
include $(srcdir)/tests/unit/ctl/local.mk
include $(srcdir)/tests/unit/auth/local.mk
