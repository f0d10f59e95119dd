# modules/http: the admin API (docs/admin-api.md) on libmicrohttpd.
# http.c: descriptor and load/unload; listen.c: the sockets; serve.c: the
# request handler.
pkglib_LTLIBRARIES += modules/http/http.la
modules_http_http_la_SOURCES = %reldir%/http.c %reldir%/http.h \
	%reldir%/listen.c %reldir%/serve.c
modules_http_http_la_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS)
modules_http_http_la_LIBADD = $(MHD_LIBS) -lpthread
modules_http_http_la_LDFLAGS = $(TDM_MODULE_LINK)
