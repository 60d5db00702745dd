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
set -eu

: "${SQL_HOST:?SQL_HOST must name the PostgreSQL host}"
: "${SQL_USER:?SQL_USER must name Temporal's database role}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
export SQL_PORT="${SQL_PORT:-5432}"

schema_root=/etc/temporal/schema/postgresql/v12

migrate_database() {
  database=$1
  versioned_dir=$2
  if [ ! -d "$versioned_dir" ]; then
    echo "temporal-schema: $versioned_dir is missing from this admin-tools image" >&2
    return 1
  fi
  echo "temporal-schema: $database on $SQL_HOST:$SQL_PORT"
  temporal-sql-tool --db "$database" setup-schema -v 0.0
  temporal-sql-tool --db "$database" update-schema -d "$versioned_dir"
}

migrate_database temporal "$schema_root/temporal/versioned"
migrate_database temporal_visibility "$schema_root/visibility/versioned"

echo "temporal-schema: done"
