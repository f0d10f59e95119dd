# modules/db_sqlite: the SQLite database driver (<tandem/db.h>), loaded by
# the database layer for sqlite: URLs.
pkglib_LTLIBRARIES += modules/db_sqlite/db_sqlite.la
modules_db_sqlite_db_sqlite_la_SOURCES = %reldir%/db_sqlite.c
modules_db_sqlite_db_sqlite_la_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS)
modules_db_sqlite_db_sqlite_la_LDFLAGS = $(TDM_MODULE_LINK)
modules_db_sqlite_db_sqlite_la_LIBADD = $(SQLITE3_LIBS)
