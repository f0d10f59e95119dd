# Unit tests of core/script.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_call.c \
	%reldir%/test_decide.c
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_fields.c \
	%reldir%/test_builtins.c \
	%reldir%/test_compile.c \
	%reldir%/test_reload.c
