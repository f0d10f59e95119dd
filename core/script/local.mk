# core/script: the routing-script engine: the call frame of module
# functions, the route context and message fields, built-ins, the
# compiler (check + lower to a closure tree) and the VM. The front end
# (lexer, parser, tree, diagnostics) is listed in lang.mk.
core_libtandemcore_la_SOURCES += \
	%reldir%/call.c \
	%reldir%/ctx.c \
	%reldir%/decide.c \
	%reldir%/fields.c \
	%reldir%/value.c \
	%reldir%/builtins.c \
	%reldir%/regex.c \
	%reldir%/compile.c \
	%reldir%/compile_expr.c \
	%reldir%/compile_stmt.c \
	%reldir%/vm.c \
	%reldir%/dump.c \
	%reldir%/reload.c
noinst_HEADERS += %reldir%/call.h %reldir%/ctx.h %reldir%/fields.h \
	%reldir%/value.h %reldir%/builtins.h %reldir%/program.h \
	%reldir%/compile.h %reldir%/reload.h
tandeminclude_HEADERS += core/include/tandem/script.h
