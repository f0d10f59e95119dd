# tests/db: the database layer end to end. conformance runs one
# driver-neutral checklist through <tandem/db.h> against an empty database
# (sqlite.sh here; tests/db/postgres.sh against a private PostgreSQL).
check_PROGRAMS += tests/db/conformance
tests_db_conformance_SOURCES = %reldir%/conformance.c
# Like tandemd: the whole core, exported, so the driver modules it loads
# resolve every TDM_API symbol against the program.
tests_db_conformance_DEPENDENCIES = core/libtandemcore.la
tests_db_conformance_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive
TESTS += %reldir%/sqlite.sh
EXTRA_DIST += %reldir%/sqlite.sh
# PostgreSQL (engineer B): pg_checks and postgres.sh
include $(srcdir)/tests/db/pg.mk
