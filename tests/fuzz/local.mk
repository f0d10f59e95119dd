# libFuzzer targets. With --enable-fuzzing they link libFuzzer's main;
# otherwise replay_main.c turns each into a corpus replayer that make check
# runs over the seed corpus (every fixture must pass through unharmed).
FUZZ_TARGETS = tests/fuzz/fuzz_sip_parse tests/fuzz/fuzz_uri tests/fuzz/fuzz_sdp tests/fuzz/fuzz_ws tests/fuzz/fuzz_proxy
check_PROGRAMS += $(FUZZ_TARGETS)
if FUZZING
FUZZ_MAIN =
FUZZ_LD = $(FUZZ_LDFLAGS)
else
FUZZ_MAIN = tests/fuzz/replay_main.c
FUZZ_LD =
endif
tests_fuzz_fuzz_sip_parse_SOURCES = %reldir%/fuzz_sip_parse.c $(FUZZ_MAIN)
tests_fuzz_fuzz_sip_parse_LDADD = core/libtandemcore.la
tests_fuzz_fuzz_sip_parse_LDFLAGS = $(FUZZ_LD)
tests_fuzz_fuzz_uri_SOURCES = %reldir%/fuzz_uri.c $(FUZZ_MAIN)
tests_fuzz_fuzz_uri_LDADD = core/libtandemcore.la
tests_fuzz_fuzz_uri_LDFLAGS = $(FUZZ_LD)
tests_fuzz_fuzz_sdp_SOURCES = %reldir%/fuzz_sdp.c $(FUZZ_MAIN)
tests_fuzz_fuzz_sdp_LDADD = core/libtandemcore.la
tests_fuzz_fuzz_sdp_LDFLAGS = $(FUZZ_LD)
noinst_HEADERS += %reldir%/fuzz_check.h
TESTS += %reldir%/replay.sh
EXTRA_DIST += %reldir%/replay.sh %reldir%/corpus %reldir%/README.md
tests_fuzz_fuzz_ws_SOURCES = %reldir%/fuzz_ws.c $(FUZZ_MAIN)
tests_fuzz_fuzz_ws_LDADD = core/libtandemcore.la
tests_fuzz_fuzz_ws_LDFLAGS = $(FUZZ_LD)
tests_fuzz_fuzz_proxy_SOURCES = %reldir%/fuzz_proxy.c $(FUZZ_MAIN)
tests_fuzz_fuzz_proxy_LDADD = core/libtandemcore.la
tests_fuzz_fuzz_proxy_LDFLAGS = $(FUZZ_LD)
