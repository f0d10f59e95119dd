# core/module: the module path and loader, descriptor checks, parameters,
# the registry of loaded modules and their lifecycle hooks.
core_libtandemcore_la_SOURCES += \
	%reldir%/loader.c \
	%reldir%/validate.c \
	%reldir%/rpc_spec.c \
	%reldir%/params.c \
	%reldir%/registry.c
noinst_HEADERS += %reldir%/mod.h
tandeminclude_HEADERS += core/include/tandem/module.h
