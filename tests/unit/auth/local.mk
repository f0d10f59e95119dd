# Unit tests of modules/auth (included from tests/unit/local.mk): the
# module's sources are compiled into the unit-test program with the fake
# snapshot, clock and SDK stand-ins of these files.
tests_unit_unit_tests_SOURCES += \
	%reldir%/helpers.c %reldir%/helpers.h \
	%reldir%/test_verify.c %reldir%/test_nonce.c %reldir%/test_script.c \
	modules/auth/auth.c modules/auth/nonce.c modules/auth/challenge.c \
	modules/auth/verify.c modules/auth/authorize.c \
	modules/auth/failures.c modules/auth/auth_rpc.c modules/auth/auth.h
