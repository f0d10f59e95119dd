# core/db: the database layer (so far: migration files and plans).
core_libtandemcore_la_SOURCES += %reldir%/migrate.c
noinst_HEADERS += %reldir%/migrate.h
