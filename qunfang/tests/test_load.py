"""The short load run that CI makes: station staff's mixed reads and writes, and daily reports sent
through the API, against gunicorn with two workers on PostgreSQL must see no error. Timing is printed,
never asserted (machines are noisy); the long run is `benchmarks/load.py`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.process  # gunicorn and a PostgreSQL server of its own, through benchmarks/load.py
@pytest.mark.skipif(
    bool(os.environ.get("QUNFANG_DATABASE_URL")),
    reason="runs once, in the SQLite pass: it brings its own PostgreSQL server",
)
def test_a_short_mixed_load_on_the_production_configuration_has_no_errors(tmp_path):
    script = Path(settings.BASE_DIR, "benchmarks", "load.py")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QUNFANG_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["QUNFANG_BENCH_RESULTS"] = str(tmp_path)  # not over the figures of record
    result = subprocess.run(
        [sys.executable, str(script), "--seconds", "5", "--users", "8", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(result.stdout)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for phase in ("bare", "signed_in", "token", "mixed", "reports"):
        assert figures[phase]["errors"] == 0, figures[phase]["error_examples"]
        assert figures[phase]["requests"] > 50
