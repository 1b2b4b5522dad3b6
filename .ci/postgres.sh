#!/usr/bin/env bash
# Find or start a PostgreSQL server for the tests and print its admin URL on stdout.
# Uses LINJU_TEST_POSTGRES_URL when it already answers; otherwise installs Debian's
# postgresql package if missing, starts the local cluster and creates the `linju` role.
set -euo pipefail

url="${LINJU_TEST_POSTGRES_URL:-postgres://linju:linju@127.0.0.1:5432/postgres}"

answers() { command -v psql >/dev/null && psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

if answers "$url"; then echo "$url"; exit 0; fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -Atqc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -Atq" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'linju') THEN
    CREATE ROLE linju LOGIN PASSWORD 'linju' CREATEDB;
  END IF;
END $$;
SQL
# Leftovers of interrupted test runs.
for db in $(su postgres -c "psql -Atqc \"select datname from pg_database where datname like 'linju_test_%'\""); do
  su postgres -c "psql -Atqc 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" >&2 || true
done
answers "$url" || { echo "PostgreSQL did not come up at $url" >&2; exit 1; }
echo "$url"
