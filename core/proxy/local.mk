# core/proxy: the RFC 3261 §16 proxy core and the script's transaction user.
core_libtandemcore_la_SOURCES += \
	%reldir%/proxy.c \
	%reldir%/request.c \
	%reldir%/relay.c \
	%reldir%/response.c \
	%reldir%/cancel.c \
	%reldir%/stateless.c \
	%reldir%/local.c \
	%reldir%/build.c
noinst_HEADERS += %reldir%/proxy.h %reldir%/proxy_impl.h
