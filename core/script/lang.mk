# core/script, front end of the routing language: lexer, parser, syntax
# tree and diagnostics (the checker, compiler and VM build on the tree).
core_libtandemcore_la_SOURCES += \
	%reldir%/diag.c \
	%reldir%/lex.c \
	%reldir%/ast.c \
	%reldir%/expr.c \
	%reldir%/parse.c \
	%reldir%/include.c
noinst_HEADERS += \
	%reldir%/diag.h \
	%reldir%/lex.h \
	%reldir%/ast.h \
	%reldir%/parse_impl.h \
	%reldir%/script.h
EXTRA_DIST += %reldir%/tok.def
