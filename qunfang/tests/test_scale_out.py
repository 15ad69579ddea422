"""Several hosts: the settings that take shared state off a host's disk, the deployment check that
refuses a multi-host install still keeping it there, counters that stay atomic across processes, two
servers on one machine, and the replica router's decisions. The whole arrangement, run for real, is
the drill (test_drill.py)."""

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import RequestFactory

from qunfang.cli import control_socket
from qunfang.core import replica
from qunfang.core.deploy import check_shared_state
from qunfang.lib.connections import cache_settings, parse_database_url


def settings_with(**environment) -> dict:
    """What settings.py makes of this environment, in a fresh interpreter."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'cache': s.CACHES['default'], 'media': str(s.MEDIA_ROOT), "
        "'databases': {k: {'HOST': v['HOST'], 'PORT': str(v['PORT']), 'OPTIONS': v['OPTIONS']} "
        "for k, v in s.DATABASES.items()}, 'routers': s.DATABASE_ROUTERS}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUNFANG_")}
    env.update(DJANGO_SETTINGS_MODULE="qunfang.settings", QUNFANG_VAR_DIR=str(django_settings.VAR_DIR))
    env.update(environment)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_cache_goes_to_redis_when_an_address_is_given_and_stays_in_files_otherwise():
    assert settings_with()["cache"]["BACKEND"].endswith("FileBasedCache")
    made = settings_with(QUNFANG_REDIS_URL="redis://127.0.0.1:6390/3")
    assert made["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert made["cache"]["LOCATION"] == "redis://127.0.0.1:6390/3"
    # A cache address of its own wins over the task queue's Redis.
    made = settings_with(QUNFANG_REDIS_URL="redis://q:1/0", QUNFANG_CACHE_URL="redis://c:2/5")
    assert made["cache"]["LOCATION"] == "redis://c:2/5"
    assert cache_settings("file:///srv/cache", Path("/x"))["LOCATION"] == "/srv/cache"


def test_uploads_go_to_the_shared_directory_and_a_replica_brings_its_router(tmp_path):
    made = settings_with(
        QUNFANG_UPLOADS_DIR=str(tmp_path / "shared"),
        QUNFANG_DATABASE_URL="postgres://qf@db1:5432,db2:5433/qunfang?target_session_attrs=read-write",
        QUNFANG_DATABASE_REPLICA_URL="postgres://qf@db2:5433/qunfang",
    )
    assert made["media"] == str(tmp_path / "shared")
    assert made["databases"]["default"]["HOST"] == "db1,db2"
    assert made["databases"]["default"]["PORT"] == "5432,5433"
    assert made["databases"]["default"]["OPTIONS"]["target_session_attrs"] == "read-write"
    assert made["databases"]["replica"]["HOST"] == "db2"
    assert made["routers"] == ["qunfang.core.replica.ReplicaRouter"]
    assert settings_with()["routers"] == []


def test_a_database_url_with_several_hosts_keeps_their_order_and_default_ports():
    parsed = parse_database_url("postgresql://u:p%40ss@a.example:6432,b.example/name?sslmode=require")
    assert (parsed["HOST"], parsed["PORT"]) == ("a.example,b.example", "6432,5432")
    assert (parsed["USER"], parsed["PASSWORD"], parsed["NAME"]) == ("u", "p@ss", "name")
    assert parsed["OPTIONS"]["sslmode"] == "require"
    assert parse_database_url("postgres://u@one:5432/n")["HOST"] == "one"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_deployment_check_refuses_a_multi_host_install_that_keeps_state_on_its_disk(
    settings, monkeypatch
):
    settings.APP_HOSTS = 1
    assert check_shared_state() == []  # one host may keep everything in var/
    settings.APP_HOSTS = 3
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
    settings.CACHES = {"default": cache_settings("", Path(settings.VAR_DIR))}
    settings.MEDIA_ROOT = Path(settings.VAR_DIR) / "uploads"
    settings.UPLOADS_SHARED = False
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    monkeypatch.delenv("QUNFANG_SECRET_KEY", raising=False)
    monkeypatch.delenv("QUNFANG_FIELD_KEY", raising=False)
    found = [error.id for error in check_shared_state()]
    assert found == ["qunfang.E101", "qunfang.E102", "qunfang.E103", "qunfang.E104", "qunfang.E104"] + [
        "qunfang.E105"
    ]
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
    settings.CACHES = {"default": cache_settings("redis://r:6379/0", Path(settings.VAR_DIR))}
    settings.MEDIA_ROOT, settings.UPLOADS_SHARED = Path("/srv/qunfang/uploads"), True
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["database"]}}
    monkeypatch.setenv("QUNFANG_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("QUNFANG_FIELD_KEY", "k" * 44)
    assert check_shared_state() == []


@pytest.mark.skipif(not os.environ.get("QUNFANG_REDIS_URL"), reason="needs the test command's Redis")
def test_a_throttle_shared_through_redis_counts_every_use_once_under_concurrency(settings):
    settings.CACHES = {"default": {**cache_settings(os.environ["QUNFANG_REDIS_URL"], Path("/")),
                                   "KEY_PREFIX": uuid.uuid4().hex}}  # fmt: skip
    from qunfang.lib.throttle import allow

    allowed = []
    start = threading.Barrier(8)

    def hammer():
        start.wait()
        allowed.extend(allow("sign-up:10.0.0.1", limit=100, window_seconds=60) for _ in range(40))

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (allowed.count(True), allowed.count(False)) == (100, 220)


def test_each_installation_has_its_own_control_socket_within_the_length_a_socket_may_have(tmp_path):
    first, second = control_socket(tmp_path / "a"), control_socket(tmp_path / "b")
    assert first != second and first.startswith(str(tmp_path / "a"))
    deep = tmp_path / ("x" * 120)
    assert len(control_socket(deep).encode()) <= 107 and control_socket(deep) != control_socket(deep / "y")


# --- the replica router's decisions ---------------------------------------------------------------------


@pytest.fixture
def router(monkeypatch):
    state = {"now": replica.ReplicaState(True, "0/5000")}
    monkeypatch.setattr(replica, "replica_state", lambda: state["now"])
    return state


def read_in(request, heavy=True):
    token = replica._request.set(replica._Request(request) if request.method == "GET" else None)
    try:
        if heavy:
            with replica.heavy_reads():
                return replica.ReplicaRouter().db_for_read(None)
        return replica.ReplicaRouter().db_for_read(None)
    finally:
        replica._request.reset(token)


def signed_in(request, user_id: int):
    request.user = SimpleNamespace(pk=user_id, is_authenticated=True)
    return request


def test_heavy_reads_of_a_get_go_to_a_replica_that_replayed_the_readers_last_write(router, monkeypatch):
    get = signed_in(RequestFactory().get("/"), 1)
    assert read_in(get) == "replica"
    assert read_in(get, heavy=False) is None  # a light read stays on the primary
    assert read_in(signed_in(RequestFactory().post("/"), 1)) is None  # a writing request: the primary
    with monkeypatch.context() as inside:
        inside.setattr(connections["default"], "in_atomic_block", True)
        assert read_in(get) is None  # inside a transaction: what it reads, it may write
    # The reader wrote at 0/6000, which the replica has not replayed: the primary, until it has.
    from django.core.cache import cache

    cache.set(replica._mark_key(1), "0/6000", 60)
    assert read_in(get) is None
    other = signed_in(RequestFactory().get("/"), 2)
    assert read_in(other) == "replica"  # others read the replica meanwhile
    router["now"] = replica.ReplicaState(True, "1/0")
    assert read_in(get) == "replica"
    for why in ("lost", "lagging", "promoted"):
        router["now"] = replica.ReplicaState(False, why=why)
        assert read_in(other) is None


def test_without_a_replica_the_middleware_stands_aside():
    from django.core.exceptions import MiddlewareNotUsed

    assert "replica" not in django_settings.DATABASES
    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaMiddleware(lambda request: None)


@pytest.mark.process
@pytest.mark.skipif(not os.environ.get("QUNFANG_DATABASE_URL"), reason="a replica is PostgreSQL's")
def test_a_replica_that_cannot_be_reached_is_left_for_the_primary_within_seconds(site):
    site.env["QUNFANG_DATABASE_REPLICA_URL"] = "postgres://postgres@127.0.0.1:9/qunfang"
    shown = site.shell(
        "import time; from qunfang.core.replica import replica_state; t = time.monotonic(); "
        "s = replica_state(); again = replica_state(); "
        "print(s.usable, s.why, again is s, round(time.monotonic() - t, 1))"
    )
    usable, why, kept, seconds = shown.split()[-4:]
    assert (usable, why, kept) == ("False", "lost", "True")  # asked once, then left alone a while
    assert float(seconds) < 3
