"""What the benchmark scripts share: their environment, and running a script again against a private
PostgreSQL server (fsync on) made for the run, stopped afterwards: Django reads the database's address
once, at start, so the script cannot switch to the server itself."""

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def prepare_environment(
    name: str, database_url: str | None = None, settings: str = "qunfang.settings"
) -> None:
    """A var/ of the run's own, one fixed key for the synthetic personal data (so that a database filled
    by one run serves the next), the settings (baseline_settings: with the baselines' pages), and the
    database when one is given."""
    os.environ.setdefault("QUNFANG_VAR_DIR", tempfile.mkdtemp(prefix=f"qunfang-{name}-var-"))
    os.environ.setdefault(
        "QUNFANG_FIELD_KEY", base64.urlsafe_b64encode(b"qunfang benchmarks field key 32b").decode()
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    if database_url:
        os.environ["QUNFANG_DATABASE_URL"] = database_url


def again_on_private_postgres(script: str, arguments: list[str]) -> None:
    import django

    django.setup()
    from qunfang.testing.processes import PrivatePostgres

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
