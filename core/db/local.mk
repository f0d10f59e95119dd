# core/db: the database layer — the driver-neutral API (<tandem/db.h>),
# the driver lookup, migrations with their plan and runner.
core_libtandemcore_la_SOURCES += \
	%reldir%/migrate.c \
	%reldir%/db.c \
	%reldir%/db_backoff.c \
	%reldir%/db_driver.c \
	%reldir%/db_row.c \
	%reldir%/db_stats.c \
	%reldir%/db_stmt.c \
	%reldir%/db_txn.c \
	%reldir%/db_url.c \
	%reldir%/schema.c
noinst_HEADERS += %reldir%/migrate.h %reldir%/db_int.h %reldir%/schema.h \
	%reldir%/db_stats.h
tandeminclude_HEADERS += core/include/tandem/db.h

# The migrations: installed below $(pkgdatadir)/db-schema/<dialect>/ (and
# distributed from here); a program running from the build tree reads the
# source tree's instead. List each new migration file here.
schemadir = $(pkgdatadir)/db-schema
schemasqlitedir = $(schemadir)/sqlite
schemapostgresdir = $(schemadir)/postgres
dist_schemasqlite_DATA = db-schema/sqlite/0001_provisioning.sql
dist_schemapostgres_DATA = db-schema/postgres/0001_provisioning.sql
AM_CPPFLAGS += -DTDM_SCHEMA_INSTALL_DIR='"$(schemadir)"' \
	-DTDM_SCHEMA_SRC_DIR='"$(abs_top_srcdir)/db-schema"'

# The provisioning snapshot (engineer D): the in-memory tables the hot
# path reads (<tandem/snapshot.h>) and the thread that follows change_log.
core_libtandemcore_la_SOURCES += %reldir%/snap.c %reldir%/snap_tab.c \
	%reldir%/sync.c %reldir%/sync_node.c
noinst_HEADERS += %reldir%/snap.h %reldir%/sync.h
tandeminclude_HEADERS += core/include/tandem/snapshot.h
