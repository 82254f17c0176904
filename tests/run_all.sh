#!/usr/bin/env bash
# Runs every test: unit, database (SQLite and a throwaway PostgreSQL 15), queue (a throwaway Redis) and browser
# (Debian's Chromium).
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

# Debian's redis-server for the queue tests (Huey on Redis, workers on two instances); never a download.
if ! command -v redis-server >/dev/null 2>&1 && [ -z "${LANEWISE_TEST_REDIS_URL:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing Debian's redis-server for the queue tests..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
        echo "warning: redis-server missing and not root; Redis tests will be skipped" >&2
    fi
fi

# A throwaway PostgreSQL server on a free loopback port.
PG_BIN=/usr/lib/postgresql/15/bin
PGDIR=""
REDIS_PID=""
REDIS_DIR=""
cleanup() {
    if [ -n "$PGDIR" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PGDIR"
    fi
    if [ -n "$REDIS_PID" ]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        rm -rf "$REDIS_DIR"
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

# A throwaway Redis on a free loopback port: no disk, no other clients.
if [ -z "${LANEWISE_TEST_REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
    REDIS_DIR=$(mktemp -d /tmp/lanewise-redis.XXXXXX)
    REDIS_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$REDIS_DIR" \
        --logfile "$REDIS_DIR/log" --daemonize no &
    REDIS_PID=$!
    for _ in $(seq 50); do
        "$PY" -c "import redis,sys; redis.Redis(port=$REDIS_PORT).ping()" 2>/dev/null && break
        sleep 0.1
    done
    export LANEWISE_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    echo "Redis on 127.0.0.1:$REDIS_PORT"
fi

"$PY" -m pytest "$@"
