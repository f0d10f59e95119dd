# core/lib: strings, buffers, arenas, hash tables, lists, timer wheel, logging.
noinst_LTLIBRARIES += core/libtandemcore.la
core_libtandemcore_la_SOURCES = \
	%reldir%/str.c \
	%reldir%/arena.c \
	%reldir%/alloc.c \
	%reldir%/buf.c \
	%reldir%/hash.c \
	%reldir%/wheel.c \
	%reldir%/log.c
tandeminclude_HEADERS += \
	core/include/tandem/compiler.h \
	core/include/tandem/str.h \
	core/include/tandem/arena.h \
	core/include/tandem/alloc.h \
	core/include/tandem/buf.h \
	core/include/tandem/hash.h \
	core/include/tandem/list.h \
	core/include/tandem/wheel.h \
	core/include/tandem/log.h
