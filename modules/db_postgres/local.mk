# modules/db_postgres: the PostgreSQL driver of the database API, on
# libpq. Loaded by tdm_db_open() for postgres:// and postgresql:// URLs.
pkglib_LTLIBRARIES += modules/db_postgres/db_postgres.la
modules_db_postgres_db_postgres_la_SOURCES = %reldir%/db_postgres.c \
	%reldir%/pg_conn.c %reldir%/pg_io.c %reldir%/pg_err.c %reldir%/pg.h
modules_db_postgres_db_postgres_la_CPPFLAGS = $(AM_CPPFLAGS) $(PQ_CFLAGS)
modules_db_postgres_db_postgres_la_LIBADD = $(PQ_LIBS)
modules_db_postgres_db_postgres_la_LDFLAGS = $(TDM_MODULE_LINK)
EXTRA_DIST += %reldir%/README.md
