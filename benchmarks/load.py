"""Load benchmark: station staff's mixed reads and writes, and their daily reports sent through the API,
against the production server configuration (gunicorn, 2 workers, PostgreSQL with fsync on), beside a
bare Django view served the same way in the same run. Prints requests per second, median (p50) and p99
latency and errors for each phase, and the ratios to the bare view.

    .venv/bin/python benchmarks/load.py                  # the long run: 60 s a phase, 20 users
    .venv/bin/python benchmarks/load.py --seconds 5      # what CI runs (qunfang/tests/test_load.py)

It sets up everything itself: a private PostgreSQL server, a fresh installation with the demo data and
twenty station clerks, and the server; all on 127.0.0.1, all stopped at the end. The load generator
(locust) runs in a process of its own, since it patches Python's networking with gevent.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import results

ROOT = Path(__file__).resolve().parent.parent
CLERKS = 20
# The clerks' password, made anew for each run's throwaway database.
PASSWORD = os.environ.get("QUNFANG_LOAD_PASSWORD") or "Clerk-" + secrets.token_urlsafe(12)

SEED = """
import json
from qunfang.core import services
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Role
villages = list(OrgUnit.objects.filter(level=Level.VILLAGE).order_by("pk"))
accounts = []
for number in range({clerks}):
    village = villages[number % len(villages)]
    user = services.create_user(by=None, username=f"load{{number}}", full_name=f"测试{{number}}",
                                password={password!r}, place=village, role=Role.STATION_STAFF)
    _token, raw = services.issue_token(by=user, name="load")
    accounts.append({{"username": user.username, "token": raw, "village": village.pk}})
print(json.dumps(accounts))
"""

# A guard of 在水一方 with an API token, its first gate, and the tokens of the demo's valid passes.
GUARD_SEED = """
import json
from django.utils import timezone
from qunfang.community.models import Gate, Pass
from qunfang.community.services.checkpoints import token_for
from qunfang.core import services
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Role
community = OrgUnit.objects.get(name="在水一方社区")
guard = services.create_user(by=None, username="loadguard", full_name="门卫", password={password!r},
                             place=community, role=Role.CHECKPOINT_GUARD)
_token, raw = services.issue_token(by=guard, name="load")
gate = Gate.objects.filter(community=community).order_by("pk").first()
passes = Pass.objects.filter(community=community, revoked_at=None, valid_until__gte=timezone.localdate())
print(json.dumps({{"token": raw, "gate": gate.pk, "passes": [token_for(p) for p in passes[:300]]}}))
"""


def drive(args) -> None:
    """The load generator: runs one phase and prints its figures as one JSON line."""
    import gevent
    import load_users
    from locust.env import Environment

    load_users.ACCOUNTS = json.loads(Path(args.accounts).read_text())
    load_users.PASSWORD = PASSWORD
    environment = Environment(user_classes=[load_users.USERS[args.phase]], host=args.base_url)
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=args.users)
    deadline = time.monotonic() + 120
    while load_users.READY < args.users and time.monotonic() < deadline:
        gevent.sleep(0.1)  # every user signed in: not measured
    gevent.sleep(1)  # ramp-up, not measured
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(args.seconds)
    elapsed = time.monotonic() - started
    total = environment.stats.total
    figures = {
        "phase": args.phase,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p99_ms": total.get_response_time_percentile(0.99),
        "error_examples": [str(e.error)[:200] for e in list(environment.stats.errors.values())[:3]],
    }
    runner.quit()
    print(json.dumps(figures))


def run_phase(base_url: str, accounts: Path, phase: str, seconds: float, users: int) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--drive",
            "--phase",
            phase,
            "--base-url",
            base_url,
            "--accounts",
            str(accounts),
            "--seconds",
            str(seconds),
            "--users",
            str(users),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        env={**os.environ, "QUNFANG_LOAD_PASSWORD": PASSWORD},  # the generator signs in as the seed made them
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise RuntimeError(f"the load generator failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


def serve_and_run(phases: list[str], seconds: float, users: int) -> dict[str, dict]:
    """Each phase's figures, run one after the other against one fresh installation with the demo data
    (gunicorn, 2 workers, a private PostgreSQL)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qunfang.settings")
    os.environ.setdefault("QUNFANG_VAR_DIR", tempfile.mkdtemp(prefix="qunfang-bench-var-"))
    import django

    django.setup()
    from qunfang.testing.processes import PrivatePostgres, Site, free_port

    work = Path(tempfile.mkdtemp(prefix="qunfang-bench-"))
    work.chmod(0o755)
    database = PrivatePostgres(work / "pg", durable=True)
    figures: dict[str, dict] = {}
    try:
        site = Site(work / "site", database_server=database.url)
        # The bare view beside the product's pages: benchmarks/baselines.py, kept out of the product.
        site.env["DJANGO_SETTINGS_MODULE"] = "baseline_settings"
        site.env["PYTHONPATH"] = str(ROOT / "benchmarks")
        site.qunfang("migrate")
        site.qunfang("load_demo")
        clerks = json.loads(site.shell(SEED.format(clerks=CLERKS, password=PASSWORD)))
        if "passes" in phases:
            clerks = {"clerks": clerks, "guard": json.loads(site.shell(GUARD_SEED.format(password=PASSWORD)))}
        accounts = work / "accounts.json"
        accounts.write_text(json.dumps(clerks))
        port = free_port()
        server = site.start("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base_url + "/healthz")
            for phase in phases:
                figures[phase] = run_phase(base_url, accounts, phase, seconds, users)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        database.stop()
    return figures


def benchmark(seconds: float, users: int) -> dict:
    figures = serve_and_run(list(PHASES), seconds, users)
    bare, mixed = figures["bare"], figures["mixed"]
    return {
        **figures,
        "rps_ratio": round(mixed["rps"] / bare["rps"], 3) if bare["rps"] else None,
        "p50_ratio": round(mixed["p50_ms"] / bare["p50_ms"], 2) if bare["p50_ms"] else None,
        **{
            f"{phase}_rps_ratio": round(figures[phase]["rps"] / bare["rps"], 3) if bare["rps"] else None
            for phase in ("signed_in", "token", "reports")
        },
    }


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


# Each phase, what its users do (benchmarks/load_users.py); the two floors are what any signed-in page
# and any API call cost before their own work, so that the ratios above them can be read against them.
PHASES = {
    "bare": "the bare view, anonymous",
    "signed_in": "floor: a signed-in page that does nothing of its own",
    "token": "floor: the API's who-am-I with a token",
    "mixed": "station staff's village page, API reads and station edits",
    "reports": "daily reports submitted over the API",
}


def report(figures: dict, seconds: float, users: int) -> str:
    lines = [
        f"Load benchmark: gunicorn 2 workers + PostgreSQL, {users} users, {seconds:g} s a phase, 127.0.0.1",
        f"{'phase':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}  what",
    ]
    for phase, what in PHASES.items():
        f = figures[phase]
        lines.append(
            f"{phase:<10}{f['requests']:>10}{f['rps']:>10}{f['p50_ms']:>10}{f['p99_ms']:>10}{f['errors']:>8}"
            f"  {what}"
        )
    lines.append(
        f"mixed/bare: throughput ratio {figures['rps_ratio']}, median latency ratio {figures['p50_ratio']}"
    )
    for phase in ("signed_in", "token", "reports"):
        lines.append(f"{phase}/bare: throughput ratio {figures[f'{phase}_rps_ratio']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--accounts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args)
        return 0
    figures = benchmark(args.seconds, args.users)
    print(report(figures, args.seconds, args.users))
    print(f"figures written to {results.record('load', figures, options=vars(args))}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
