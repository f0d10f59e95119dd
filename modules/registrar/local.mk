# modules/registrar: RFC 3261 registrar (docs/registrar.md). usrloc.c is
# the binding store, save/lookup/natping the protocol, registrar.c the
# descriptor and threads; persist*.c (engineer H) write the bindings
# behind to the `location` table.
pkglib_LTLIBRARIES += modules/registrar/registrar.la
modules_registrar_registrar_la_SOURCES = \
	%reldir%/registrar.c %reldir%/reg.h \
	%reldir%/usrloc.c %reldir%/usrloc.h \
	%reldir%/aor.c %reldir%/save.c %reldir%/lookup.c %reldir%/natping.c \
	modules/nat/nat_ip.c modules/nat/nat_ip.h
# admin API commands and statistics (issue 7)
modules_registrar_registrar_la_SOURCES += %reldir%/reg_rpc.c %reldir%/reg_stats.c
# persistence (engineer H): write-behind to `location`, load at start
modules_registrar_registrar_la_SOURCES += %reldir%/persist.c %reldir%/persist.h \
	%reldir%/persist_journal.c %reldir%/persist_journal.h \
	%reldir%/persist_db.c %reldir%/persist_db.h
modules_registrar_registrar_la_LDFLAGS = $(TDM_MODULE_LINK)
modules_registrar_registrar_la_LIBADD = -lpthread

# Unit tests of the store and the protocol halves: their own program
# (tests/unit/unit-tests' source list is reset after modules/ is read).
include $(srcdir)/tests/unit/registrar/local.mk
include $(srcdir)/tests/unit/persist/local.mk
