# core/rpc: the admin commands and statistics — JSON-RPC 2.0 dispatch,
# the registry of the core's and the modules' tables, the Prometheus text
# format, and the commands every node has (rpc.list, log.*, db.status).
core_libtandemcore_la_SOURCES += \
	%reldir%/dispatch.c \
	%reldir%/params.c \
	%reldir%/rpc_val.c \
	%reldir%/registry.c \
	%reldir%/stats_out.c \
	%reldir%/builtin.c \
	%reldir%/db_rpc.c
noinst_HEADERS += %reldir%/rpc_impl.h %reldir%/registry.h \
	%reldir%/stats_out.h %reldir%/builtin.h
tandeminclude_HEADERS += core/include/tandem/rpc.h core/include/tandem/stats.h
