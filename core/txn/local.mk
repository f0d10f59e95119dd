# core/txn: RFC 3261 §17 transactions (matching, timers, retransmission).
core_libtandemcore_la_SOURCES += \
	%reldir%/engine.c \
	%reldir%/match.c \
	%reldir%/server.c \
	%reldir%/client.c
noinst_HEADERS += %reldir%/txn.h %reldir%/txn_impl.h
