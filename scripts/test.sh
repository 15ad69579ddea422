#!/usr/bin/env bash
# Set up this machine and run the whole test suite: once on SQLite, once on a throwaway PostgreSQL
# server on 127.0.0.1 that this script starts and stops. Browser tests drive Debian's Chromium.
source "$(dirname "$0")/setup.sh"
ensure_debian_packages chromium fonts-noto-cjk postgresql gettext
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
trap 'as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null; rm -rf "$PGD"' EXIT

echo "== dependency audit"
"$ROOT/scripts/audit.sh"

PYTEST=("$VENV/bin/pytest" -n 2 -q "$@")
echo "== tests on SQLite"
"${PYTEST[@]}"
echo "== tests on PostgreSQL"
QUNFANG_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/qunfang" "${PYTEST[@]}"
