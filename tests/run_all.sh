#!/usr/bin/env bash
# Runs every test: unit, database (SQLite and a throwaway PostgreSQL 15) and browser (Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# Debian's Chromium for the browser tests; never a browser download.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing Debian's chromium for the browser tests..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped" >&2
    fi
fi

# A throwaway PostgreSQL server on a free loopback port.
PG_BIN=/usr/lib/postgresql/15/bin
PGDIR=""
cleanup() {
    if [ -n "$PGDIR" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PGDIR"
    fi
}
trap cleanup EXIT
if [ -z "${LANEWISE_TEST_POSTGRES_URL:-}" ] && [ -x "$PG_BIN/initdb" ] && [ "$(id -u)" = 0 ]; then
    PGDIR=$(mktemp -d /tmp/lanewise-pg.XXXXXX)
    chown postgres "$PGDIR"
    PGPORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDIR/data" -A trust -U postgres >/dev/null
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
        -o "-h 127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c lock_timeout=60s" start >/dev/null
    export LANEWISE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    echo "PostgreSQL 15 on 127.0.0.1:$PGPORT"
fi

"$PY" -m pytest "$@"
