"""A deployment of several hosts on one machine, for the scale-out drill (tests/test_drill.py): a
PostgreSQL primary with a synchronous streaming replica, a Redis, a shared uploads folder, and hosts —
installations with var/ folders of their own — that share them and the keys.

Synchronous replication: the primary answers a commit only once the replica has the commit's WAL
(`synchronous_standby_names` names the replica, `synchronous_commit=on`, which waits for the replica to
have flushed it, not replayed it: a replica whose replay is paused still lets writes through, and lags).
So a write a host has answered is on the replica, and stopping the primary at any moment (`-m
immediate`, as a crash) then promoting the replica loses no answered write. Both servers run with
fsync off, as every test's PostgreSQL: the drill kills processes, not the machine, and what a process
wrote is in the operating system's cache whatever becomes of the process.

PostgreSQL refuses to run as root: when the tests run as root, its programs run as the postgres user
(PrivatePostgres), so the folders it uses must be reachable by that user (not under pytest's tmp_path).
Everything started here is stopped and removed by `close()`, and at exit if a test could not."""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import redis
import requests

from qunfang.testing.processes import PrivatePostgres, Site, free_port, wait_until

REPLICA_NAME = "qunfang_replica"


class ReplicatedPostgres:
    """A primary and its synchronous streaming replica (pg_basebackup -R, with a replication slot)."""

    def __init__(self, root: Path):
        root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        self.root = root
        self.stopped: set[PrivatePostgres] = set()
        both = {"synchronous_commit": "on", "max_wal_senders": "5", "wal_level": "replica"}
        self.primary = PrivatePostgres(
            root / "primary", settings={**both, "synchronous_standby_names": REPLICA_NAME}
        )
        # On the replica's command line only: its data folder is a copy of the primary's, and once
        # promoted it must not wait for a standby it does not have.
        self.replica = PrivatePostgres(
            root / "replica",
            settings={**both, "hot_standby": "on"},
            standby_of=self.primary,
            name=REPLICA_NAME,
        )
        wait_until(self.synchronous, timeout=60, interval=0.1)
        atexit.register(self.close)

    def synchronous(self) -> bool:
        rows = self.primary.query(
            "SELECT sync_state FROM pg_stat_replication WHERE application_name = %s", (REPLICA_NAME,)
        )
        return bool(rows) and rows[0][0] == "sync"

    def url(self, database: str) -> str:
        """The hosts' database: the primary, else the first server that takes writes (libpq's hosts
        tried in turn), which after a promotion is the replica."""
        servers = f"127.0.0.1:{self.primary.port},127.0.0.1:{self.replica.port}"
        return f"postgres://postgres@{servers}/{database}?target_session_attrs=read-write"

    def replica_url(self, database: str) -> str:
        return f"{self.replica.url}/{database}"

    def pause_replay(self) -> None:
        """The replica goes on receiving (so writes are still answered) but applies nothing: it lags."""
        self.replica.query("SELECT pg_wal_replay_pause()")
        wait_until(lambda: self.replay_state() == "paused", timeout=30)

    def resume_replay(self) -> None:
        self.replica.query("SELECT pg_wal_replay_resume()")
        wait_until(lambda: self.replay_state() == "not paused", timeout=30)

    def replay_state(self) -> str:
        return self.replica.query("SELECT pg_get_wal_replay_pause_state()")[0][0]

    def caught_up(self) -> bool:
        """The replica has replayed everything the primary has written."""
        written = self.primary.query("SELECT pg_current_wal_lsn()")[0][0]
        return bool(self.replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (written,))[0][0])

    def stop_primary(self) -> None:
        """The primary dies (an immediate stop: no checkpoint, clients cut off at once)."""
        self.primary.pg_ctl("stop", "-m", "immediate")
        self.stopped.add(self.primary)

    def promote(self) -> None:
        """The replica becomes the primary (pg_ctl promote waits until it takes writes)."""
        self.replica.pg_ctl("promote")
        wait_until(lambda: not self.replica.query("SELECT pg_is_in_recovery()")[0][0], timeout=60)

    def close(self) -> None:
        for server in (self.replica, self.primary):
            if server not in self.stopped:
                self.stopped.add(server)
                try:
                    server.pg_ctl("stop", "-m", "immediate")
                except subprocess.SubprocessError:
                    pass  # it was not running
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A Redis of the test's own, in memory only."""

    def __init__(self, root: Path):
        root.mkdir(parents=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        with open(root / "redis.log", "w") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(root)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(self._answers, timeout=30, interval=0.05)
        atexit.register(self.stop)

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Host(Site):
    """One host of the deployment: an installation with its own var/ folder (its logs, its console's
    messages.log, its gunicorn control socket) on the deployment's database, Redis, uploads and keys."""

    def __init__(self, root: Path, name: str, database_url: str, shared: dict[str, str]):
        super().__init__(root, database_url=database_url)
        self.name = name
        self.env.update(shared)
        self.processes: list[subprocess.Popen] = []
        self.base = ""

    def serve(self, workers: int = 1, wait: bool = True) -> str:
        """`qunfang serve` on a port of its own; answers the address (once it answers, with `wait`)."""
        port = free_port()
        self.processes.append(self.start("serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)))
        self.base = f"http://127.0.0.1:{port}"
        if wait:
            wait_until(lambda: answers(self.base + "/healthz"), timeout=90, interval=0.2)
        return self.base

    def worker(self) -> subprocess.Popen:
        process = self.start("worker", "--interval", "0.1")
        self.processes.append(process)
        return process

    @property
    def messages_log(self) -> Path:
        return self.var_dir / "messages.log"

    def logs(self) -> str:
        """What its servers and workers wrote, for a failure's message."""
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.var_dir.glob("*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


class Cluster:
    """Hosts (named by `hosts`) sharing a replicated PostgreSQL, a Redis, an uploads folder and the
    secret and field keys, as a deployment behind a load balancer would. `root` must be reachable by
    the postgres user."""

    DATABASE = "qunfang"

    def __init__(self, root: Path, hosts: tuple[str, ...] = ("a", "b")):
        self.began = time.monotonic()
        self.root = root
        self.postgres = ReplicatedPostgres(root / "pg")
        self.redis = PrivateRedis(root / "redis")
        self.uploads = root / "uploads"
        self.uploads.mkdir()
        self.postgres.primary.query(f'CREATE DATABASE "{self.DATABASE}"')
        shared = {
            "QUNFANG_DATABASE_REPLICA_URL": self.postgres.replica_url(self.DATABASE),
            "QUNFANG_REDIS_URL": f"{self.redis.url}/0",
            "QUNFANG_UPLOADS_DIR": str(self.uploads),
            "QUNFANG_SECRET_KEY": secrets.token_urlsafe(50),
            "QUNFANG_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "QUNFANG_TASKS_BACKEND": "database",
            "QUNFANG_APP_HOSTS": str(len(hosts)),  # the deployment check then refuses state on one host
            "QUNFANG_MESSAGING_QUIET_HOURS": "",  # the drill runs at any hour
            # Room for a slow machine's save and page read before a paused replica counts as lagging.
            "QUNFANG_REPLICA_MAX_LAG_SECONDS": "8",
        }
        self.hosts = [Host(root / name, name, self.postgres.url(self.DATABASE), shared) for name in hosts]
        atexit.register(self.close)

    def migrate(self, kept: Path) -> bool:
        """The tables, as `qunfang migrate` makes them on the first host, kept as a dump in the folder
        `kept` for the next deployment of the same migrations (a migrate is half a minute of Django's
        work; a restore, seconds). Answers whether it restored one."""
        kept.mkdir(parents=True, exist_ok=True)
        dump = kept / f"drill-schema-{_migrations_fingerprint()}.dump"
        primary = self.postgres.primary
        # Through a file of the postgres user's own: pg_dump and pg_restore run as that user.
        staged = self.postgres.root / "schema.dump"
        if dump.exists():
            shutil.copyfile(dump, staged)
            staged.chmod(0o644)
            primary.run("pg_restore", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                        "-d", self.DATABASE, "--no-owner", str(staged))  # fmt: skip
            return True
        self.hosts[0].qunfang("migrate", timeout=600)
        primary.run("pg_dump", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                    "-Fc", "-f", str(staged), self.DATABASE)  # fmt: skip
        for old in kept.glob("drill-schema-*.dump"):
            old.unlink()
        shutil.copyfile(staged, dump)
        return False

    def start(self) -> None:
        """Each host's server and worker, started together; answers once every server answers."""
        for host in self.hosts:
            host.serve(wait=False)
            host.worker()
        for host in self.hosts:
            wait_until(lambda host=host: answers(host.base + "/healthz"), timeout=90, interval=0.2)

    def close(self) -> None:
        for host in self.hosts:
            host.stop()
        self.redis.stop()
        self.postgres.close()


def _migrations_fingerprint() -> str:
    """What the migrations make: their files' contents, and the version of Django that runs them."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class _Forms(HTMLParser):
    """The forms of a page as a browser would send them untouched: their hidden and filled-in fields,
    the selected option of each list, the ticked boxes."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}, "files": set()})
        if not self.forms or not attrs.get("name") and tag != "option":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("type") == "file":
            self.forms[-1]["files"].add(attrs["name"])
        elif tag == "input" and attrs.get("type", "text") not in ("submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag in ("select", "textarea"):
            self._select = attrs["name"] if tag == "select" else None
            if tag == "textarea":
                fields[attrs["name"]] = ""
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, attrs.get("value", ""))
            if "selected" in attrs:
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            self.forms[-1]["fields"].setdefault(self._select, self._first_option.get(self._select, ""))
            self._select = None


def forms_of(page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class Visitor:
    """A person at a browser, as far as the drill needs one: the cookies (whichever host answers, as
    behind one address), the pages, and the forms sent as the page has them with what the person
    fills in."""

    def __init__(self, name: str = ""):
        self.name = name
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy for 127.0.0.1

    def get(self, url: str, **options) -> requests.Response:
        return self.session.get(url, timeout=60, **options)

    def submit(
        self, url: str, holding: str, data: dict | None = None, files=None, action: str = "", to: str = ""
    ) -> requests.Response:
        """Open the page at `url`, fill in `data` in its form that has the field `holding` (and whose
        action has `action` in it), and send it — to the host `to` when given, as when another host
        answers; answers the page it leads to (redirects followed)."""
        page = self.get(url)
        page.raise_for_status()
        form = next(
            (
                f
                for f in forms_of(page.text)
                if (holding in f["fields"] or holding in f["files"]) and action in f["action"]
            ),
            None,
        )
        if form is None:
            raise AssertionError(f"no form with {holding!r} at {url}: {page.text[:2000]}")
        target = urllib.parse.urljoin(page.url, form["action"] or page.url)
        if to:
            target = to + urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl()
        fields = {**form["fields"], **(data or {})}
        return self.session.post(target, data=fields, files=files, timeout=120, headers={"Referer": target})

    def sign_in(self, base: str, username: str, password: str) -> requests.Response:
        answer = self.submit(
            f"{base}/accounts/login/", "username", {"username": username, "password": password}
        )
        if "/accounts/login/" in answer.url:
            raise AssertionError(f"{username} could not sign in at {base}: {answer.text[:2000]}")
        return answer
