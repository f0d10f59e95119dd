# core/net: the per-worker event loop (transports follow).
core_libtandemcore_la_SOURCES += \
	%reldir%/loop.c
tandeminclude_HEADERS += \
	core/include/tandem/loop.h
