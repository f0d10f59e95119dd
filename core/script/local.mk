# core/script: the routing-script engine. So far the call frame and the
# load-time preparation through which module functions are called.
core_libtandemcore_la_SOURCES += \
	%reldir%/call.c
noinst_HEADERS += %reldir%/call.h
tandeminclude_HEADERS += core/include/tandem/script.h
