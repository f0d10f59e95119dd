# Unit tests of the core's statistics tables (core/node/node_stats.c,
# core/db/db_stats.c) read through the Prometheus renderer.
tests_unit_unit_tests_SOURCES += %reldir%/test_core_stats.c
