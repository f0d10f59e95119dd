# core: the tandemd program. Linked with -export-dynamic so that modules
# loaded with dlopen() resolve the TDM_API symbols against it.
bin_PROGRAMS += tandemd
tandemd_SOURCES = core/main.c
tandemd_LDADD = core/libtandemcore.la
tandemd_LDFLAGS = -export-dynamic
tandeminclude_HEADERS += core/include/tandem/tandem.h
