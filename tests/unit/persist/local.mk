# tests/unit/persist: the registrar's write-behind (journal coalescing,
# batches on a real SQLite file). Its own CUnit program because it loads
# the db_sqlite driver module: like tandemd, the whole core is linked in
# and exported (see tests/db/local.mk).
check_PROGRAMS += tests/unit/persist/persist-tests
TESTS += tests/unit/persist/persist-tests
tests_unit_persist_persist_tests_SOURCES = %reldir%/test_persist.c \
	modules/registrar/persist_journal.c modules/registrar/persist_db.c
tests_unit_persist_persist_tests_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS) \
	-I$(srcdir)/tests/lib -DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tests_unit_persist_persist_tests_LDADD = tests/lib/libtdmtest.la $(CUNIT_LIBS)
tests_unit_persist_persist_tests_DEPENDENCIES = core/libtandemcore.la \
	tests/lib/libtdmtest.la modules/db_sqlite/db_sqlite.la
tests_unit_persist_persist_tests_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive
# The end-to-end case (SIPp + tandemd + SQLite): register, SIGTERM, row,
# restart, lookup without re-registering (tests/node/ would be its home;
# listed here so it arrives with the registrar's fragment).
TESTS += tests/node/persist.sh
EXTRA_DIST += tests/node/persist.sh
# The same cases on PostgreSQL (multi-row upserts), on a private server.
TESTS += tests/unit/persist/pg.sh
EXTRA_DIST += tests/unit/persist/pg.sh
