# core/conf: the table of node settings (script settings block, --set).
core_libtandemcore_la_SOURCES += %reldir%/settings.c
noinst_HEADERS += %reldir%/settings.h %reldir%/settings.def
