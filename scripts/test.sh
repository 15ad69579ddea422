#!/usr/bin/env bash
# Set up this machine and run the whole test suite: once on SQLite, once on a throwaway PostgreSQL
# server on 127.0.0.1 that this script starts and stops, with a throwaway Redis beside it for the task
# queue's Redis backend. Browser tests drive Debian's Chromium.
source "$(dirname "$0")/setup.sh"
ensure_debian_packages chromium fonts-noto-cjk postgresql redis-server gettext poppler-utils
ensure_venv "[test]"
cd "$ROOT"
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # pytest-django's live_server beside Playwright's event loop
export QUNFANG_VAR_DIR="$ROOT/var/test"
mkdir -p test-output

"$VENV/bin/python" manage.py compilemessages --ignore=.venv -v 0

# A throwaway PostgreSQL (it refuses to run as root, so it runs as the postgres user when we are root).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=${QUNFANG_TEST_PGPORT:-54329}
PGD=$(mktemp -d /tmp/qunfang-pg.XXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGD"
as_pg "$PGBIN/initdb" -D "$PGD/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/pg.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGD -c fsync=off -c synchronous_commit=off" start >/dev/null
# A throwaway Redis, in memory only.
REDISPORT=${QUNFANG_TEST_REDISPORT:-63799}
redis-server --port "$REDISPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$PGD/redis.pid" --logfile "$PGD/redis.log" --dir "$PGD"
export QUNFANG_REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
trap 'kill "$(cat "$PGD/redis.pid" 2>/dev/null)" 2>/dev/null; as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null; rm -rf "$PGD"' EXIT

echo "== dependency audit"
"$ROOT/scripts/audit.sh"

echo "== lint"  # the house style, as `ruff check --fix; ruff format` leaves it
"$VENV/bin/ruff" check -q qunfang benchmarks
"$VENV/bin/ruff" format --check -q qunfang benchmarks

PYTEST=("$VENV/bin/pytest" -n 2 -q --durations=10 "$@")
echo "== tests on SQLite"
"${PYTEST[@]}"
echo "== tests on PostgreSQL"
QUNFANG_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/qunfang" QUNFANG_REDIS_URL="redis://127.0.0.1:$REDISPORT/1" \
  "${PYTEST[@]}"
