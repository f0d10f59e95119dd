# Unit tests of core/net/addr.c and core/net/udp.c (loopback only).
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_addr.c \
	%reldir%/test_udp.c
