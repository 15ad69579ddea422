"""Run a benchmark script again against a private PostgreSQL server (fsync on) made for the run, and
stop the server afterwards: Django reads the database's address once, at start, so the script cannot
switch to the server itself."""

import subprocess
import sys
import tempfile
from pathlib import Path


def again_on_private_postgres(script: str, arguments: list[str]) -> None:
    import django

    django.setup()
    from qunfang.test import PrivatePostgres

    work = Path(tempfile.mkdtemp(prefix=f"qunfang-{Path(script).stem}-"))
    work.chmod(0o755)
    server = PrivatePostgres(work / "pg", durable=True)
    try:
        server.run("createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "bench")
        subprocess.run(
            [sys.executable, script, *arguments, "--database-url", f"{server.url}/bench"], check=True
        )
    finally:
        server.stop()
