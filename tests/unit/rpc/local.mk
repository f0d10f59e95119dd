# Unit tests of core/rpc: JSON-RPC 2.0 dispatch, parameter binding, the
# reply builder, the registry and the Prometheus / JSON statistics.
tests_unit_unit_tests_SOURCES += %reldir%/test_rpc.c %reldir%/test_stats_out.c
