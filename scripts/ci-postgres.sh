#!/usr/bin/env bash
# Starts a throwaway local PostgreSQL for the integration tests and prints the
# line to use it:   eval "$(scripts/ci-postgres.sh)"   (then `make test`).
#
# Runs as root on Debian 12 with apt and without systemd: installs Debian's
# postgresql if missing, starts its cluster with pg_ctlcluster (as the postgres
# user), creates a role and a database it owns. Idempotent. Only the export line
# goes to stdout; everything else goes to stderr.
# Override with NERPIPE_PG_DB, NERPIPE_PG_USER, NERPIPE_PG_PASSWORD.
set -euo pipefail

db=${NERPIPE_PG_DB:-nerpipe_test}
role=${NERPIPE_PG_USER:-nerpipe}
password=${NERPIPE_PG_PASSWORD:-nerpipe}

die() { echo "ci-postgres: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts the cluster as the postgres user)"
case "$db$role$password" in *[!A-Za-z0-9_]*) die "database, role and password must be [A-Za-z0-9_]";; esac

if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
    echo "ci-postgres: installing postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2 </dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)

# Debian creates the "main" cluster on install; a minimal image may not have.
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {found = 1} END {exit !found}'; then
    pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
status=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}')
if [ "$status" != online ]; then
    # Without systemd, pg_ctlcluster runs pg_ctl itself as the cluster owner.
    pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 60); do
    pg_isready -q -h localhost -p "$port" && break
    sleep 0.5
done
pg_isready -q -h localhost -p "$port" || die "PostgreSQL $version did not start on port $port (see /var/log/postgresql/)"

as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -q -v ON_ERROR_STOP=1 -p "$port" -d postgres >&2 <<SQL
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        CREATE ROLE $role LOGIN PASSWORD '$password';
    ELSE
        ALTER ROLE $role LOGIN PASSWORD '$password';
    END IF;
END \$\$;
SQL
if [ -z "$(as_postgres psql -tA -p "$port" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    as_postgres createdb -p "$port" -O "$role" "$db" >&2
fi

echo "export NERPIPE_PG_URL=postgresql://$role:$password@localhost:$port/$db"
