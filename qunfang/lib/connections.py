"""The settings of the services a deployment connects to, read from their URLs: the database (one
server, several for failover, a streaming replica) and the cache (files on one machine, Redis across
hosts)."""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url

# libpq's multi-host form "user@db1:5432,db2:5432/name", which dj-database-url does not read: the hosts
# and ports go to libpq as its comma-separated lists, in order.
_MULTI_HOST = re.compile(r"^(?P<scheme>[^:]+://)(?P<user>[^@/]*@)?(?P<hosts>[^/?]+,[^/?]+)(?P<rest>[/?].*)?$")


def parse_database_url(url: str, replica: bool = False, pgbouncer: bool = False) -> dict:
    """Django's DATABASES entry for `url`. A replica gives up quickly when it cannot be reached (the
    reads go to the primary then), and in the tests it is the primary's own database. Behind pgbouncer
    in transaction pooling, a connection's next transaction may run on another server session: no
    server-side cursors (they outlive a transaction) and no prepared statements (psycopg prepares a
    query run five times on a connection)."""
    hosts = None
    match = _MULTI_HOST.match(url)
    if match:
        hosts = [part.rsplit(":", 1) if ":" in part else [part, ""] for part in match["hosts"].split(",")]
        url = f"{match['scheme']}{match['user'] or ''}{hosts[0][0]}{match['rest'] or ''}"
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if hosts:
        database["HOST"] = ",".join(host for host, _port in hosts)
        database["PORT"] = ",".join(port or "5432" for _host, port in hosts)
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 2 if replica else 10)
    if replica:
        database["TEST"] = {"MIRROR": "default"}
    if pgbouncer:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        options["prepare_threshold"] = None
    return database


def cache_settings(url: str, var_dir: Path) -> dict:
    """Django's CACHES entry: Redis for a redis:// URL, else files under var/cache (or the directory a
    file:// URL names)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # A Redis that cannot be reached fails a request in a second, not after the kernel's minutes.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    folder = Path(url.removeprefix("file://")) if url.startswith("file://") else var_dir / "cache"
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(folder.resolve()),
    }
