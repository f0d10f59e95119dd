# tests/unit/txn: unit tests of core/txn (RFC 3261 §17 transactions),
# driven through a real event loop whose timer wheel the tests advance.
tests_unit_unit_tests_SOURCES += \
	%reldir%/txn_fixture.c \
	%reldir%/txn_fixture.h \
	%reldir%/test_engine.c \
	%reldir%/test_match.c \
	%reldir%/test_server.c \
	%reldir%/test_client.c
