# Unit tests of core/net.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_loop.c
