# Benchmarks: built with `make`, not run by `make check` (no timed
# assertions in tests). tools/bench/README.md says how to run them.
noinst_PROGRAMS += tools/bench/bench_parse
tools_bench_bench_parse_SOURCES = %reldir%/bench_parse.c
tools_bench_bench_parse_CPPFLAGS = $(AM_CPPFLAGS) -DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tools_bench_bench_parse_LDADD = core/libtandemcore.la
EXTRA_DIST += %reldir%/README.md

noinst_PROGRAMS += tools/bench/bench_script
tools_bench_bench_script_SOURCES = %reldir%/bench_script.c
tools_bench_bench_script_LDADD = core/libtandemcore.la
