import os
import shutil
import tempfile
from pathlib import Path

import pytest

from qunfang.testing.clients import client_for
from qunfang.testing.processes import PrivatePostgres, Site
from qunfang.testing.world import World, make_world

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    # In-process tests run background tasks as they are queued; tests of the real worker use `site`.
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}


@pytest.fixture(autouse=True)
def services_held_to_their_word(settings):
    # core/writes.py: a service that changes rows without an audit entry fails the test that calls it.
    settings.CHECK_WRITES = True


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MESSAGES_LOG = tmp_path / "messages.log"
    settings.MESSAGING_QUIET_HOURS = None  # tests run at any hour; the quiet hours have a test of their own


@pytest.fixture(autouse=True)
def a_cache_of_its_own(settings, tmp_path):
    # Counts kept in the cache (sign-up limits, job progress) must not carry from one test to the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    # Django's PBKDF2 takes a quarter of a second a password by design; every test's standing people
    # would spend minutes of the suite on it. Real installations, and tests that run real processes
    # (Site), keep the slow hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def small_demo_rolls(settings):
    # The full demo roll is loaded by the demo's own test; elsewhere a fiftieth of it is plenty.
    settings.DEMO_ROLL_SCALE = 0.02
    settings.DEMO_COMMUNITY_SCALE = 0.02


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
    if not Path("/usr/lib/postgresql").exists():
        pytest.skip("PostgreSQL is not installed")
    # Not under pytest's tmp_path: the postgres user cannot enter root's private folders.
    root = Path(tempfile.mkdtemp(prefix="qunfang-pg-"))
    root.chmod(0o755)
    server = PrivatePostgres(root / "pg")
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
