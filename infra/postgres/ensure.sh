#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at $PGHOST:$PGPORT (default 127.0.0.1:5432).
# On a machine of this kind, the Debian cluster is started if it is down. Exit 0 when ready.
set -euo pipefail
host="${PGHOST:-127.0.0.1}"
port="${PGPORT:-5432}"

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "postgres: pg_isready not found; install PostgreSQL (apt-get install postgresql) or set DATABASE_URL to a reachable server" >&2
  exit 1
fi
if ready; then
  echo "postgres: ready on $host:$port"
  exit 0
fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do
    if ready; then
      echo "postgres: ready on $host:$port"
      exit 0
    fi
    sleep 0.5
  done
fi
echo "postgres: no server answers on $host:$port. Start one, or set DATABASE_URL/TEST_DATABASE_URL to one that does." >&2
exit 1
