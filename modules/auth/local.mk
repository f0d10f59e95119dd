# modules/auth: digest authentication (docs/auth.md). Built like every
# module: libtool -module, only tdm_module_auth exported. Its unit tests
# (tests/unit/auth/) compile these sources into the unit-test program.
pkglib_LTLIBRARIES += modules/auth/auth.la
modules_auth_auth_la_SOURCES = %reldir%/auth.c %reldir%/nonce.c \
	%reldir%/challenge.c %reldir%/verify.c %reldir%/authorize.c \
	%reldir%/failures.c %reldir%/auth_rpc.c %reldir%/auth.h
modules_auth_auth_la_LDFLAGS = $(TDM_MODULE_LINK)
EXTRA_DIST += %reldir%/README.md
