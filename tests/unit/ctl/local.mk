# Unit tests of tandemctl's input rules (tools/tandemctl/ctl_validate.c,
# compiled into the unit-test program too; it needs no database).
tests_unit_unit_tests_SOURCES += %reldir%/test_validate.c \
	tools/tandemctl/ctl_validate.c
tests_unit_unit_tests_CPPFLAGS += -I$(srcdir)/tools/tandemctl $(JANSSON_CFLAGS)
