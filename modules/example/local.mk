# modules/example: the model module (docs/module-sdk.md). Built like every
# module: libtool -module, only tdm_module_example exported.
pkglib_LTLIBRARIES += modules/example/example.la
modules_example_example_la_SOURCES = %reldir%/example.c
modules_example_example_la_LDFLAGS = $(TDM_MODULE_LINK)
EXTRA_DIST += %reldir%/README.md
