# Unit tests of core/conf (the settings table and --set parsing).
tests_unit_unit_tests_SOURCES += %reldir%/test_settings.c
