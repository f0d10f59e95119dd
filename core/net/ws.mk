# core/net: the WebSocket codec (RFC 6455 handshake and frames, RFC 7118).
core_libtandemcore_la_SOURCES += \
	%reldir%/ws.c \
	%reldir%/ws_hs.c
noinst_HEADERS += \
	%reldir%/ws.h \
	%reldir%/ws_impl.h
