# core/net: the stream transports TCP, TLS, WS and WSS (connections,
# shared connection table, OpenSSL contexts, WebSocket on a connection).
core_libtandemcore_la_SOURCES += \
	%reldir%/conn.c \
	%reldir%/conn_rx.c \
	%reldir%/conn_table.c \
	%reldir%/stream.c \
	%reldir%/stream_send.c \
	%reldir%/stream_ws.c \
	%reldir%/tls.c
noinst_HEADERS += \
	%reldir%/conn.h \
	%reldir%/conn_table.h \
	%reldir%/stream.h \
	%reldir%/tls.h \
	%reldir%/tport.h
