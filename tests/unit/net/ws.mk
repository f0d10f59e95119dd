# Unit tests of core/net/ws.c and core/net/ws_hs.c (the WebSocket codec).
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_ws.c \
	%reldir%/test_ws_hs.c
