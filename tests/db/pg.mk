# tests/db/pg.mk: the PostgreSQL side of the database layer. postgres.sh
# starts a private server (tests/lib/pg.sh), runs the driver-neutral
# conformance program and pg_checks (LISTEN/NOTIFY, timeouts, restarts)
# against it, and leaves nothing running. Skipped (77) without the server
# binaries unless TANDEM_REQUIRE_ALL is set.
check_PROGRAMS += tests/db/pg_checks
tests_db_pg_checks_SOURCES = %reldir%/pg_checks.c
# Like tandemd: the whole core, exported, for the db_postgres module.
tests_db_pg_checks_DEPENDENCIES = core/libtandemcore.la
tests_db_pg_checks_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive
TESTS += %reldir%/postgres.sh
EXTRA_DIST += %reldir%/postgres.sh tests/lib/pg.sh
