# Unit tests of the stream transports (core/net/stream*.c, conn*.c, tls.c)
# over real sockets on 127.0.0.1 and ::1.
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_stream_util.c \
	%reldir%/test_stream_util.h \
	%reldir%/test_stream.c \
	%reldir%/test_stream_tls.c \
	%reldir%/test_stream_ws.c \
	%reldir%/test_stream_mt.c
