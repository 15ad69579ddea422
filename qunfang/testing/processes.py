"""Harnesses for tests that run real processes: a separate installation (Site), a PostgreSQL server of
the test's own (PrivatePostgres), and the waiting and port-finding they need."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings

# What `qunfang migrate` made for this process's first installation on each database engine, copied for
# the next: a migrate is some 15 s of Django rebuilding its models' states, and the process tests make a
# dozen installations. Kept only on the test session's own server, not on a PostgreSQL of a test's own.
_migrated: dict[str, str] = {}


def _forget_migrated() -> None:
    for key, template in _migrated.items():
        if key == "sqlite":
            Path(template).unlink(missing_ok=True)
        else:
            with psycopg.connect(f"{key}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{template}"')


atexit.register(_forget_migrated)


class Site:
    """A separate Qunfang installation on the database engine the tests run on: its own var/ folder
    and, on PostgreSQL, its own database on the same server. For tests that run real processes
    (servers, workers, backups) against committed data."""

    def __init__(self, root: Path, database_server: str | None = None, database_url: str | None = None):
        """`database_url`: an existing database that this installation uses as it is, never creating
        nor dropping it (another host of one deployment: testing/cluster.py)."""
        self.var_dir = root / "var"
        self.var_dir.mkdir(parents=True)
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("QUNFANG_", "PYTEST_", "DJANGO_ALLOW"))
        }
        self.env.update(
            QUNFANG_VAR_DIR=str(self.var_dir),
            QUNFANG_TASKS_BACKEND="database",
            QUNFANG_DEMO_ROLL_SCALE="0.02",
            DJANGO_SETTINGS_MODULE="qunfang.settings",
            # The static files the test session collected (conftest.py): the same release, collected once.
            QUNFANG_STATIC_ROOT=str(settings.STATIC_ROOT),
        )
        self.shared_server = database_server is None and database_url is None
        base_url = database_server or os.environ.get("QUNFANG_DATABASE_URL")
        self.database = None
        self.owns_database = database_url is None
        if database_url:
            self.database = database_url.rsplit("/", 1)[1].split("?")[0]
            self.server_url = database_url.rsplit("/", 1)[0]
            self.env["QUNFANG_DATABASE_URL"] = database_url
        elif base_url:
            self.database = f"site_{uuid.uuid4().hex[:12]}"
            self.server_url = base_url if database_server else base_url.rsplit("/", 1)[0]
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as server:
                server.execute(f'CREATE DATABASE "{self.database}"')
            self.env["QUNFANG_DATABASE_URL"] = f"{self.server_url}/{self.database}"

    def qunfang(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR, "manage.py")), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode:
            raise AssertionError(f"qunfang {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def migrate(self) -> None:
        """The installation's tables, as `qunfang migrate` makes them: copied from what it made for an
        earlier installation of this process when there is one."""
        key = self.server_url if self.database else "sqlite"
        template = _migrated.get(key) if self.shared_server else None
        if template is None:
            self.qunfang("migrate")
            if self.shared_server:
                _migrated[key] = self._copy_database(to=None)
        else:
            self._copy_database(to=template)

    def _copy_database(self, to: str | None) -> str:
        """Copies the installation's database to a new template (`to` None), answering its name, or
        replaces it with a copy of the template `to`."""
        if self.database:
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as server:
                if to is None:
                    template = f"template_{uuid.uuid4().hex[:12]}"
                    server.execute(f'CREATE DATABASE "{template}" TEMPLATE "{self.database}"')
                    return template
                server.execute(f'DROP DATABASE "{self.database}"')
                server.execute(f'CREATE DATABASE "{self.database}" TEMPLATE "{to}"')
                return to
        mine = self.var_dir / "qunfang.sqlite3"
        source, target = (
            (mine, Path(tempfile.mkstemp(suffix=".sqlite3")[1])) if to is None else (Path(to), mine)
        )
        with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
            read.backup(write)
        return str(target)

    def shell(self, code: str) -> str:
        """Run Python in the installation and return what it printed."""
        return self.qunfang("shell", "--no-imports", "-c", code).stdout.strip()

    def start(self, *args: str) -> subprocess.Popen:
        """A long-running command (server, worker). Its output goes to a log file in the installation's
        folder: a pipe nobody reads would fill and stop the process."""
        # The child keeps its own handle on the log; ours is closed at once.
        with open(self.var_dir / f"{args[0]}-{uuid.uuid4().hex[:6]}.log", "w") as log:
            return subprocess.Popen(
                [sys.executable, str(Path(settings.BASE_DIR, "manage.py")), *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database:
            with psycopg.connect(self.env["QUNFANG_DATABASE_URL"]) as db:
                return db.execute(sql, params).fetchall()
        with closing(
            sqlite3.connect(
                self.var_dir / "qunfang.sqlite3",
                detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
            )
        ) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def drop(self) -> None:
        if self.database and self.owns_database:
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def postgres_folder(prefix: str) -> Path:
    """A folder for PostgreSQL servers of a test's own: skips the test where PostgreSQL is not
    installed. Not under pytest's tmp_path: the postgres user cannot enter root's private folders."""
    import pytest

    if not Path("/usr/lib/postgresql").exists():
        pytest.skip("PostgreSQL is not installed")
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    return root


def wait_until(condition: Callable[[], Any], timeout: float = 60, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up waiting after {timeout}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A PostgreSQL server of the test's own, so that restarting it disturbs no other test. Tests turn
    fsync off for speed; a benchmark that claims durability asks for `durable=True`."""

    def __init__(
        self,
        root: Path,
        durable: bool = False,
        settings: dict[str, str] | None = None,
        standby_of: PrivatePostgres | None = None,
        name: str = "",
    ):
        """`settings`: more server settings, given on its command line (so that a copy of its data
        folder does not inherit them). `standby_of`: not a new database cluster but a streaming replica
        of that server, copied by pg_basebackup -R, connecting as `name` (its application_name)."""
        options = {} if durable else {"fsync": "off", "synchronous_commit": "off"}
        options.update(settings or {})
        self.options = "".join(f" -c {key}={value}" for key, value in options.items())
        self.bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.root = root
        self.port = free_port()
        root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        if standby_of is None:
            self.run(
                "initdb",
                "-D",
                str(root / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        else:
            name = name or "standby"
            source = f"host=127.0.0.1 port={standby_of.port} user=postgres application_name={name}"
            # -R: standby.signal and primary_conninfo, with the application_name a synchronous primary
            # waits for; -C -S: a replication slot of that name, so the primary keeps the WAL it needs.
            self.run(
                "pg_basebackup", "-D", str(root / "data"), "-d", source, "-X", "stream", "-c", "fast",
                "-R", "-C", "-S", name,
            )  # fmt: skip
        self.pg_ctl("start")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def query(self, sql: str, params: tuple = (), database: str = "postgres") -> list[tuple]:
        with psycopg.connect(f"{self.url}/{database}", autocommit=True, connect_timeout=10) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def run(self, program: str, *args: str):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def pg_ctl(self, action: str, *extra: str):
        self.run(
            "pg_ctl",
            "-D",
            str(self.root / "data"),
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}{self.options}",
            *extra,
            action,
        )

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)
