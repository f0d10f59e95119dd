# Unit tests of core/lib.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_str.c \
	%reldir%/test_arena.c \
	%reldir%/test_buf.c \
	%reldir%/test_hash.c \
	%reldir%/test_list.c \
	%reldir%/test_wheel.c \
	%reldir%/test_log.c
