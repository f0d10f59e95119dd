# Benchmarks: built with `make`, not run by `make check` (no timed
# assertions in tests). tools/bench/README.md says how to run them.
noinst_PROGRAMS += tools/bench/bench_parse
tools_bench_bench_parse_SOURCES = %reldir%/bench_parse.c
tools_bench_bench_parse_CPPFLAGS = $(AM_CPPFLAGS) -DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tools_bench_bench_parse_LDADD = core/libtandemcore.la
EXTRA_DIST += %reldir%/README.md %reldir%/sip-bench %reldir%/sipp %reldir%/kamailio \
	%reldir%/routes

noinst_PROGRAMS += tools/bench/bench_script
tools_bench_bench_script_SOURCES = %reldir%/bench_script.c
tools_bench_bench_script_LDADD = core/libtandemcore.la

# bench_proxy counts allocations by wrapping the counting allocator at
# link time (GNU ld --wrap): every call from the core library goes
# through the benchmark's counters first.
noinst_PROGRAMS += tools/bench/bench_proxy
tools_bench_bench_proxy_SOURCES = %reldir%/bench_proxy.c
tools_bench_bench_proxy_LDFLAGS = \
	-Wl,--wrap=tdm_malloc,--wrap=tdm_calloc,--wrap=tdm_realloc
tools_bench_bench_proxy_LDADD = core/libtandemcore.la
noinst_HEADERS += %reldir%/bench_util.h

# bench_snapshot: the provisioning snapshot with 1,000,000 subscribers
# (load time, bytes per subscriber, change propagation). Like tandemd it
# exports the whole core, for the database driver modules it loads.
noinst_PROGRAMS += tools/bench/bench_snapshot
tools_bench_bench_snapshot_SOURCES = %reldir%/bench_snapshot.c
tools_bench_bench_snapshot_DEPENDENCIES = core/libtandemcore.la
tools_bench_bench_snapshot_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive

# bench_admin: one JSON-RPC call through the dispatcher and one /metrics
# rendering of a node-sized registry, without HTTP.
noinst_PROGRAMS += tools/bench/bench_admin
tools_bench_bench_admin_SOURCES = %reldir%/bench_admin.c
tools_bench_bench_admin_LDADD = core/libtandemcore.la
