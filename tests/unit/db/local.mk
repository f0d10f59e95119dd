# Unit tests of core/db.
tests_unit_unit_tests_SOURCES += %reldir%/test_migrate.c \
	%reldir%/test_db_pure.c %reldir%/test_db_conn.c
# The provisioning snapshot (engineer D).
tests_unit_unit_tests_SOURCES += %reldir%/test_snap.c
