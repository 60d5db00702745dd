#!/bin/sh
# Creates the databases and roles the stack needs. The postgres image runs the files in
# /docker-entrypoint-initdb.d once, when the data volume is empty; later starts skip them, so
# changing a password afterwards needs `ALTER ROLE ... PASSWORD` (or a fresh volume).
#
#   tracker               the app's database, owned by APP_DB_USER (TypeORM migrations create the tables)
#   temporal              Temporal's persistence, owned by TEMPORAL_DB_USER
#   temporal_visibility   Temporal's visibility store, owned by TEMPORAL_DB_USER
#
# Each role can connect only to its own databases. The schemas inside the two Temporal databases are
# created by the temporal-schema service (temporal-sql-tool), not here.
#
# The image may source this file rather than execute it, so it neither calls `exit` nor changes
# shell options; psql stops at the first error and the entrypoint then aborts the initialisation.

: "${APP_DB_NAME:?APP_DB_NAME must be set on the postgres service}"
: "${APP_DB_USER:?APP_DB_USER must be set on the postgres service}"
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set on the postgres service}"
: "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER must be set on the postgres service}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set on the postgres service}"

echo "initdb: creating database ${APP_DB_NAME} (role ${APP_DB_USER}) and temporal, temporal_visibility (role ${TEMPORAL_DB_USER})"

# Values travel as psql variables (:"name" quotes an identifier, :'name' a literal), never spliced into SQL text.
psql --no-psqlrc --set=ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  --set=app_db="${APP_DB_NAME}" \
  --set=app_user="${APP_DB_USER}" \
  --set=app_password="${APP_DB_PASSWORD}" \
  --set=temporal_user="${TEMPORAL_DB_USER}" \
  --set=temporal_password="${TEMPORAL_DB_PASSWORD}" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;

CREATE ROLE :"temporal_user" LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER :"temporal_user";
CREATE DATABASE temporal_visibility OWNER :"temporal_user";
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;

-- Temporal's visibility schema needs btree_gin. It is a trusted extension, so the owner could
-- create it too; creating it here as superuser removes the question.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL
