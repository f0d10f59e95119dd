# core/node: the running node (workers, listen addresses, signals, systemd).
core_libtandemcore_la_SOURCES += \
	%reldir%/node.c \
	%reldir%/listen.c \
	%reldir%/worker.c \
	%reldir%/notify.c \
	%reldir%/api.c
noinst_HEADERS += %reldir%/node.h %reldir%/worker.h
tandeminclude_HEADERS += core/include/tandem/node.h
