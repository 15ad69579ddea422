"""Where each benchmark keeps its figures: benchmarks/results/<name>.json, with the machine, the date and
the commit they were measured on. The files in the repository are the figures of record; a later run
writes over its file, so `git diff benchmarks/results/` compares the two runs."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

# Tests that run a benchmark point this elsewhere, so that they never write over the figures of record.
RESULTS = Path(os.environ.get("QUNFANG_BENCH_RESULTS") or Path(__file__).resolve().parent / "results")


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def commit() -> str:
    """The commit measured, with "+changes" when the work tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=Path(__file__).resolve().parent, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def record(name: str, figures: dict, *, options: dict | None = None) -> Path:
    """Write `figures` (and the options the run was given) to benchmarks/results/<name>.json."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "options": options or {},
        "figures": figures,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    return path
