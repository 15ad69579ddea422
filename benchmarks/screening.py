"""Screening round benchmark: starting a phone screening round for a community of 10,000 households
(read the households, share them out by grid among the callers, insert a call row each — what
`start_round` does, with its audit entry) against a bare bulk insert of the same call rows, made
beforehand, in the same run on PostgreSQL. Prints both medians and the ratio (bar: at most 3x); the
figures go to benchmarks/results/screening.json.

    .venv/bin/python benchmarks/screening.py                      # 10,000 households, private PostgreSQL
    .venv/bin/python benchmarks/screening.py --households 2000    # a quicker look
    .venv/bin/python benchmarks/screening.py --database-url postgres://postgres@127.0.0.1:54330/bench
"""

import argparse
import secrets
import sys
import time
from pathlib import Path

import results
from ledger import timed_medians
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("screening", args.database_url)
    if args.database_url:
        run(args.households, vars(args))
        return
    again_on_private_postgres(__file__, ["--households", str(args.households)])


def run(households: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    from qunfang.community.models import Household, ScreeningCall, ScreeningRound
    from qunfang.community.services import register, screening
    from qunfang.community.synthetic import HEADINGS, register_rows
    from qunfang.core import services as core
    from qunfang.core.models import Level
    from qunfang.core.roles import Role
    from qunfang.lib.bulk import insert_rows
    from qunfang.lib.tables import write_xlsx

    call_command("migrate", verbosity=0)
    root = core.create_place(by=None, parent=None, name="合成社区所在区", level=Level.DISTRICT)
    community = core.create_place(by=None, parent=root, name="合成社区", level=Level.VILLAGE)
    grids = [
        core.create_place(by=None, parent=community, name=f"第{n}网格", level=Level.GRID) for n in range(1, 9)
    ]
    rows = register_rows(
        buildings=households // 60, households=households, residents=households, grids=[g.name for g in grids]
    )
    started = time.perf_counter()
    register.import_register(
        by=None,
        community=community,
        upload=SimpleUploadedFile("register.xlsx", write_xlsx("住户", HEADINGS, rows)),
    )
    print(
        f"{Household.objects.count():,} households imported in {time.perf_counter() - started:,.1f} s",
        flush=True,
    )
    password = "Bench-" + secrets.token_urlsafe(12)
    people = [(f"grid{n}", f"网格员{n}", grid, Role.GRID_WORKER) for n, grid in enumerate(grids[:6])]
    people += [(f"staff{n}", f"干部{n}", community, Role.STATION_STAFF) for n in range(4)]
    callers = [
        core.create_user(by=None, username=username, full_name=name, password=password, place=at, role=role)
        for username, name, at, role in people
    ]
    # The rows the bare insert writes: exactly what a round makes, made beforehand in Python.
    made = screening.start_round(by=None, community=community, name="样本", script="您好", callers=callers)
    sample = list(made.calls.values_list("household", "place", "caller", "day", "outcome", "note"))
    assert len(sample) == households

    def start() -> float:
        began = time.perf_counter()
        screening.start_round(by=None, community=community, name="基准", script="您好", callers=callers)
        return time.perf_counter() - began

    def bare() -> float:
        round_ = ScreeningRound.objects.create(
            community=community, place=community, name="基准", script="您好", started_on=made.started_on
        )
        rows = [(round_.pk, *row) for row in sample]
        began = time.perf_counter()
        with transaction.atomic():
            insert_rows(
                ScreeningCall, ["round", "household", "place", "caller", "day", "outcome", "note"], rows
            )
        return time.perf_counter() - began

    def clear() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {ScreeningCall._meta.db_table} CASCADE")
            cursor.execute(f"VACUUM ANALYZE {Household._meta.db_table}")

    medians = timed_medians({"bare": bare, "start": start}, ROUNDS, clear)
    _report(medians, households, options)


def _report(medians: dict[str, float], households: int, options: dict) -> None:
    began, loaded = medians["start"], medians["bare"]
    print(
        f"start a screening round for {households:,} households: median {began * 1000:7.1f} ms,"
        f" bare bulk insert of its call rows median {loaded * 1000:7.1f} ms,"
        f" ratio {began / loaded:4.2f}x (bar: at most 3x)"
    )
    figures = {
        "households": households,
        "rounds": ROUNDS,
        "median_ms": {"start_round": round(began * 1000, 2), "bare_insert": round(loaded * 1000, 2)},
        "start_over_bare": round(began / loaded, 2),
    }
    print(f"figures written to {results.record('screening', figures, options=options)}")


if __name__ == "__main__":
    main()
