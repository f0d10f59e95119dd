# Unit tests of core/sip; fixtures in msgs/ (RFC 4475 torture messages,
# RFC 3665 call flows).
tests_unit_unit_tests_SOURCES += \
	%reldir%/test_frame.c \
	%reldir%/test_parse.c \
	%reldir%/test_msg.c \
	%reldir%/test_param.c \
	%reldir%/test_uri.c \
	%reldir%/test_parse_auth.c \
	%reldir%/test_digest.c \
	%reldir%/test_sdp.c \
	%reldir%/test_build.c \
	%reldir%/test_reply.c \
	%reldir%/test_torture.c
EXTRA_DIST += %reldir%/msgs
