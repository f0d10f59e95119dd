# Unit tests of modules/registrar (store, save, lookup, keep-alives, the
# admin RPCs through the core dispatcher, statistics). A
# program of its own, with the same runner as tests/unit/unit-tests: the
# module's sources are compiled in directly (the .la exports only its
# descriptor). Included from modules/registrar/local.mk.
check_PROGRAMS += tests/unit/registrar/registrar-tests
TESTS += tests/unit/registrar/registrar-tests
tests_unit_registrar_registrar_tests_SOURCES = \
	%reldir%/test_usrloc.c %reldir%/test_save.c %reldir%/test_lookup.c \
	%reldir%/test_rpc.c \
	modules/registrar/usrloc.c modules/registrar/aor.c \
	modules/registrar/save.c modules/registrar/lookup.c \
	modules/registrar/natping.c modules/nat/nat_ip.c \
	modules/registrar/reg_rpc.c modules/registrar/reg_stats.c \
	modules/registrar/persist.c modules/registrar/persist_journal.c \
	modules/registrar/persist_db.c
tests_unit_registrar_registrar_tests_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS) \
	-I$(srcdir)/tests/lib -I$(srcdir)/modules/registrar \
	-DTDM_TESTS_DIR='"$(abs_top_srcdir)/tests"'
tests_unit_registrar_registrar_tests_LDADD = tests/lib/libtdmtest.la \
	core/libtandemcore.la $(CUNIT_LIBS) -lpthread
# Offline route cases of the script functions (needs tandemctl and the
# module, both built by `make all`).
TESTS += %reldir%/route.sh
EXTRA_DIST += %reldir%/route.sh %reldir%/route/registrar.route \
	%reldir%/route/registrar.cases
