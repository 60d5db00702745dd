#!/bin/sh
# Runs in the temporalio/admin-tools image (the temporal-schema service in docker-compose.yml).
# Brings Temporal's two PostgreSQL databases up to the schema version shipped with this image.
#
# Safe to run on every start: `setup-schema -v 0.0` only creates the version-tracking tables when
# they are missing, and `update-schema` applies only the versions newer than the one recorded. So
# upgrading the Temporal image (same tag for admin-tools and server) upgrades the schema first.
#
# The databases themselves are created by deploy/postgres/initdb when the volume is new.
# temporal-sql-tool reads its connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
# Outside the image (dev/temporalServer.ts runs this script on a machine without Docker), SQL_TOOL, SCHEMA_ROOT,
# TEMPORAL_DB and VISIBILITY_DB name the tool built with go install, its module's schema folder and the databases.
set -eu

: "${SQL_HOST:?SQL_HOST must name the PostgreSQL host}"
: "${SQL_USER:?SQL_USER must name Temporal's database role}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
export SQL_PORT="${SQL_PORT:-5432}"

sql_tool="${SQL_TOOL:-temporal-sql-tool}"
schema_root="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

migrate_database() {
  database=$1
  versioned_dir=$2
  if [ ! -d "$versioned_dir" ]; then
    echo "temporal-schema: $versioned_dir is missing from this admin-tools image" >&2
    return 1
  fi
  echo "temporal-schema: $database on $SQL_HOST:$SQL_PORT"
  "$sql_tool" --db "$database" setup-schema -v 0.0
  "$sql_tool" --db "$database" update-schema -d "$versioned_dir"
}

migrate_database "${TEMPORAL_DB:-temporal}" "$schema_root/temporal/versioned"
migrate_database "${VISIBILITY_DB:-temporal_visibility}" "$schema_root/visibility/versioned"

echo "temporal-schema: done"
