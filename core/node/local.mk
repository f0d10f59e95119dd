# core/node: the running node (workers, listen addresses, signals, systemd).
core_libtandemcore_la_SOURCES += \
	%reldir%/node.c \
	%reldir%/listen.c \
	%reldir%/worker.c \
	%reldir%/notify.c \
	%reldir%/api.c \
	%reldir%/node_stats.c
noinst_HEADERS += %reldir%/node.h %reldir%/worker.h %reldir%/node_stats.h
tandeminclude_HEADERS += core/include/tandem/node.h
core_libtandemcore_la_SOURCES += %reldir%/node_rpc.c %reldir%/log_setup.c
