# Unit tests of the routing-language front end (lexer, parser, syntax
# tree, diagnostics); fixture scripts for include in files/.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_lex.c \
	%reldir%/test_parse.c \
	%reldir%/test_diag.c
EXTRA_DIST += %reldir%/files
