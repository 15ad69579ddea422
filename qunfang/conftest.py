import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings

from qunfang.core.staticfiles import ensure_collected
from qunfang.testing.clients import client_for
from qunfang.testing.demo import SharedDemo
from qunfang.testing.processes import PrivatePostgres, Site, postgres_folder
from qunfang.testing.world import World, make_world

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The service worker's own requests go through the browser context's routes (Chromium only; set before
# Playwright's driver starts): the offline walk loses a form's answer on its way back to the worker.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def in_process_settings(folder: Path) -> dict:
    """What every in-process test runs with, its files in `folder` (the shared demo is loaded with it)."""
    return {
        # In-process tests run background tasks as they are queued; tests of the real worker use `site`.
        "TASKS": {"default": {"BACKEND": django_settings.TASK_BACKENDS["immediate"]}},
        # core/writes.py: a service that changes rows without an audit entry fails the test that calls it.
        "CHECK_WRITES": True,
        "MEDIA_ROOT": folder / "uploads",
        "MESSAGES_LOG": folder / "messages.log",
        # Tests run at any hour; the quiet hours have a test of their own.
        "MESSAGING_QUIET_HOURS": None,
        # Counts kept in the cache (sign-up limits, job progress) must not carry from one test to the next.
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(folder / "cache"),
            }
        },
        # Django's PBKDF2 takes a quarter of a second a password by design; every test's standing people
        # would spend minutes of the suite on it. Real installations, and tests that run real processes
        # (Site), keep the slow hasher.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The full demo is loaded once, for the tests that ask for `demo`; elsewhere a fiftieth of its
        # rolls is plenty.
        "DEMO_ROLL_SCALE": 0.02,
        "DEMO_COMMUNITY_SCALE": 0.02,
    }


@pytest.fixture(scope="session", autouse=True)
def collected_static_files():
    # Pages name the hashed files of the manifest, as in production: collected once into STATIC_ROOT
    # (QUNFANG_VAR_DIR/static), again only when the apps' files change; the test workers share it.
    ensure_collected()


class _ToTheApplication:
    """In place of the static files handler that the live server puts in front of Django (it serves
    the apps' plain files only): /static/ reaches the application, where WhiteNoise serves the collected
    files, hashed, compressed and cached, as `qunfang serve` does."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        return self.application(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request, collected_static_files):
    from pytest_django.live_server_helper import LiveServer

    with mock.patch("django.contrib.staticfiles.handlers.StaticFilesHandler", _ToTheApplication):
        server = LiveServer(
            request.config.getvalue("liveserver")
            or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
            or "localhost"
        )
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def in_process_test_settings(settings, tmp_path):
    for name, value in in_process_settings(tmp_path).items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def shared_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    demo = SharedDemo(tmp_path_factory.mktemp("demo"), django_db_blocker, in_process_settings)
    yield demo
    demo.unload()


@pytest.fixture(autouse=True)
def the_shared_demo_only_where_asked(request, in_process_test_settings, settings):
    # Before `db`, so that the test's own transaction is a savepoint inside the demo's.
    if "demo" in request.fixturenames:
        shared = request.getfixturevalue("shared_demo")
        shared.load()
        for name in ("MEDIA_ROOT", "MESSAGES_LOG", "DEMO_ROLL_SCALE", "DEMO_COMMUNITY_SCALE"):
            setattr(settings, name, shared.settings[name])
    elif SharedDemo.loaded:
        SharedDemo.loaded.unload()


@pytest.fixture
def demo(shared_demo, db) -> SharedDemo:
    """The whole demo, loaded once for every test that asks (qunfang/testing/demo.py)."""
    return shared_demo


def pytest_itemcollected(item):
    # Tests that start real processes (a separate installation, a PostgreSQL server of their own) are
    # `process` tests, which the developers' fast loop leaves out.
    if {"site", "private_postgres"} & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.process)


# What lets a test reach a database, directly or through a server or installation of its own.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "site",
    "private_postgres",
    "cluster",  # test_drill.py's servers of its own
}


def on_postgres() -> bool:
    return "postgres" in os.environ.get("QUNFANG_DATABASE_URL", "")


def pytest_runtest_setup(item):
    # A case marked `sqlite_pass` (a role of a whole-site walk that the other roles' cases cover on
    # PostgreSQL: the same views and queries, only other pages reached) runs in the SQLite pass only; the
    # mark says why. QUNFANG_EVERY_CASE_ON_POSTGRES=1 runs them on PostgreSQL too.
    once = item.get_closest_marker("sqlite_pass")
    if once and on_postgres() and not os.environ.get("QUNFANG_EVERY_CASE_ON_POSTGRES"):
        pytest.skip(
            f"runs in the SQLite pass: {once.args[0]} (QUNFANG_EVERY_CASE_ON_POSTGRES=1 runs it here)"
        )
    # The browser drives the same pages on either database; what differs between them (locks, dates,
    # text search, sequences) is held by the other tests, which run on both. So the browser tests run
    # once, in the SQLite pass (the district's default), to keep the suite short;
    # QUNFANG_BROWSER_ON_POSTGRES=1 runs them on PostgreSQL too.
    if (
        item.get_closest_marker("browser")
        and not item.get_closest_marker("both_databases")
        and "postgres" in os.environ.get("QUNFANG_DATABASE_URL", "")
        and not os.environ.get("QUNFANG_BROWSER_ON_POSTGRES")
    ):
        pytest.skip("the browser tests run in the SQLite pass (QUNFANG_BROWSER_ON_POSTGRES=1 runs them here)")
    # The demo runs on the embedded SQLite (the README's first command); its figures are checked there.
    # Loading it again on PostgreSQL cost each worker a minute and a half and tested no other code path:
    # every service the demo goes through has its own tests in both passes.
    if (
        "demo" in getattr(item, "fixturenames", ())
        and not item.get_closest_marker("both_databases")
        and "postgres" in os.environ.get("QUNFANG_DATABASE_URL", "")
        and not os.environ.get("QUNFANG_DEMO_ON_POSTGRES")
    ):
        pytest.skip("the demo's tests run in the SQLite pass (QUNFANG_DEMO_ON_POSTGRES=1 runs them here)")
    # A test that reaches no database (pytest-django refuses it one without these) runs the same on
    # either, so once is enough.
    if (
        "postgres" in os.environ.get("QUNFANG_DATABASE_URL", "")
        and not item.get_closest_marker("django_db")
        and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    ):
        pytest.skip("reaches no database: it runs in the SQLite pass")


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(items):
    # The tests of the shared demo run last, one after another, so that it is loaded once (per worker).
    items.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def as_user():
    return client_for


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Debian's Chromium, never a downloaded browser (the machines reach no CDN).
    return {"executable_path": os.environ.get("QUNFANG_CHROMIUM", "/usr/bin/chromium"), "args": BROWSER_ARGS}


@pytest.fixture(scope="session")
def screenshot_dir():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-output", "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def site(tmp_path):
    """A separate installation (own var/, own PostgreSQL database) for tests that run real processes."""
    installation = Site(tmp_path)
    yield installation
    installation.drop()


@pytest.fixture
def private_postgres():
    root = postgres_folder("qunfang-pg-")
    server = PrivatePostgres(root / "pg")
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
