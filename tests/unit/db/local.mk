# Unit tests of core/db.
tests_unit_unit_tests_SOURCES += %reldir%/test_migrate.c
