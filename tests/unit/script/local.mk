# Unit tests of core/script.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_call.c
