# tests/schema: the SQL migrations of db-schema/ (SQLite here; PostgreSQL
# with the database layer, which starts its own server).
TESTS += tests/schema/sqlite.sh
# (db-schema/ itself is distributed and installed by core/db/local.mk)
EXTRA_DIST += tests/schema/sqlite.sh
