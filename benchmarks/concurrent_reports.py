"""Concurrent report writers: daily reports submitted at once by 1, 4, 8 and 20 writer processes for the
villages of one district, all for the same data set and days, so that every submission adds to the same
town, district, city and province tallies. Each writer is a Django process calling the service the API
calls (reporting.services.submit_report), each for its own villages, for a fixed number of seconds.
Prints the submissions per second at each number of writers for the two designs of the kept tallies,
measured in the same run on the same database:

- in place (the design before): each submission adds to the village's kept rows and every ancestor's
  in its own transaction, so writers queue on the ancestors' row locks until each commits;
- pending (the design now, qunfang/lib/tallies.py): the submission adds to the village's own rows and
  appends a delta row for each ancestor (an insert waits for nobody); the deltas are folded into the
  ancestors' kept rows a batch at a time (by the writer that crosses every 2,000th delta, after its
  commit; by the worker's clock every minute; by `qunfang tallies --fold`).

How fresh the upper levels' figures are: exact the moment a report is recorded, under both designs.
Every reader sums an ancestor's kept row and its pending deltas in one statement (one snapshot), so a
delta is counted once whether or not a fold has moved it. Only the kept rows alone lag: by at most
about 2,000 deltas (~150 reports) or a minute of the worker's clock; what readers pay for that is
summing those few pending rows, found by the same index as the kept ones.

Also printed: how many writers waited on a lock, sampled from pg_stat_activity every 50 ms, and the
pending deltas left unfolded at the end of each run. After each run the kept tallies (pending included)
are checked against the raw reports (count_tally_disagreements, as `qunfang tallies --check` does), and
the district's day counts against the reports counted; once more after folding everything.

    .venv/bin/python benchmarks/concurrent_reports.py                 # 8 s per run: about 3 minutes
    .venv/bin/python benchmarks/concurrent_reports.py --seconds 30    # full size, steadier figures
    .venv/bin/python benchmarks/concurrent_reports.py --writers 1,4 --seconds 3   # a quick look
    .venv/bin/python benchmarks/concurrent_reports.py --database-url postgres://postgres@127.0.0.1:54330/b

It runs on a private PostgreSQL server (fsync on) unless given --database-url. The places: a province
→ a city → a district → 20 towns → 20 villages each (400 reporting villages). On the 2-core machine of
record the writers share the cores with the server, so the rates stop growing once the CPU is full.
"""

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIRST_DAY = date(2000, 1, 1)
DAYS_PER_RUN = 20  # each round reports days of its own: 400 villages x 20 days of first reports
DESIGNS = {"in place": "in_place", "pending": "pending"}
TREE = {"root": "province", "tree": [("city", 1), ("district", 1), ("town", 20), ("village", 20)]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=float, default=12.0, help="seconds each design writes at each size (default 12)"
    )
    parser.add_argument("--writers", default="1,4,8,20", help="writer processes per run (default 1,4,8,20)")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds the seconds are cut into (default 4)")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)  # a writer process
    parser.add_argument("--villages", help=argparse.SUPPRESS)
    args = parser.parse_args()
    prepare_environment("concurrent-reports", args.database_url)
    if args.writer:
        write([int(pk) for pk in args.villages.split(",")])
    elif args.database_url:
        run(args)
    else:
        again_on_private_postgres(
            __file__,
            ["--seconds", str(args.seconds), "--writers", args.writers, "--rounds", str(args.rounds)],
        )


def write(villages: list[int]) -> None:
    """A writer process: "ready" once set up; then for each "go <design> <first day> <end>" it submits
    first reports of its villages day by day (all writers on the same days) until the end and prints
    how many; "stop" ends it. One process serves both designs, so they meet the same machine."""
    import django

    django.setup()
    from qunfang.core.models import OrgUnit
    from qunfang.reporting import services
    from qunfang.reporting.models import DataSet

    # the design before: every ancestor's kept rows added to in place
    designs = {"pending": services.TALLIES, "in_place": dataclasses.replace(services.TALLIES, pending=None)}
    places = list(OrgUnit.objects.filter(pk__in=villages).order_by("pk"))
    data_set = DataSet.objects.prefetch_related("fields", "rules").get(code="epidemic_daily")
    held = SharedRowsHeld(services)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            return
        _go, design, first_day, end = line.split()
        services.TALLIES, held.seconds = designs[design], 0.0
        first = date.fromisoformat(first_day)
        submitted = _submit_until(services, data_set, places, first, float(end), held)
        print(json.dumps({"submitted": submitted, "held": held.seconds}), flush=True)


class SharedRowsHeld:
    """How long a writer holds rows that every writer of the district updates, which no number of cores
    shortens: in place, from adding to the tallies until the commit; with pending deltas, only while
    it folds a batch (until that commits)."""

    def __init__(self, services) -> None:
        from qunfang.lib.tallies import Tally

        self.seconds, self.since = 0.0, None
        add, fold = services._add_to_tallies, Tally.fold

        def timed_add(*args, **kwargs):
            added = add(*args, **kwargs)  # the rows are ours from here (the wait for them not counted)
            if services.TALLIES.pending is None and self.since is None:
                self.since = time.perf_counter()
            return added

        def timed_fold(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fold(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        services._add_to_tallies, Tally.fold = timed_add, timed_fold

    def committed(self) -> None:
        if self.since is not None:
            self.seconds += time.perf_counter() - self.since
            self.since = None


def _submit_until(services, data_set, places, first_day: date, end: float, held: SharedRowsHeld) -> int:
    submitted = 0
    for offset in range(DAYS_PER_RUN):
        day = first_day + timedelta(days=offset)
        for place in places:
            if time.time() >= end:
                return submitted
            submitted += 1
            values = (
                {"home_quarantined": submitted % 4, "fever_found": submitted % 2} if submitted % 3 else {}
            )
            services.submit_report(
                by=None,
                data_set=data_set,
                place=place,
                period_start=day,
                values=values,
                zero=not values,
                submission=f"bench-{place.pk}-{day}",
            )
            held.committed()
    raise SystemExit("a writer ran out of days: raise DAYS_PER_RUN")


class LockSampler(threading.Thread):
    """Samples pg_stat_activity every 50 ms: the writers' backends waiting on a lock, and active ones."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.waiting: list[int] = []
        self.active: list[int] = []
        self.lightweight: list[int] = []  # short waits: a buffer's or the WAL's lock
        self.disk: list[int] = []  # waiting for a write or an fsync (the WAL's, at commit)
        self.done = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while not self.done.wait(0.05):
                    cursor.execute(
                        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                        " count(*) FILTER (WHERE state = 'active'),"
                        " count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'LWLock'),"
                        " count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'IO')"
                        " FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    )
                    waiting, active, lightweight, disk = cursor.fetchone()
                    self.waiting.append(waiting)
                    self.active.append(active)
                    self.lightweight.append(lightweight)
                    self.disk.append(disk)
        finally:
            connection.close()


class Writers:
    """N writer processes, started once for both designs; `round` runs them all for some seconds."""

    def __init__(self, database_url: str, villages: list[int], count: int) -> None:
        command = [sys.executable, __file__, "--database-url", database_url, "--writer"]
        self.processes = [
            subprocess.Popen(
                [*command, "--villages", ",".join(map(str, villages[n::count]))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(count)
        ]
        for process in self.processes:
            assert process.stdout.readline().strip() == "ready", "a writer did not start"

    def round(self, design: str, first_day: date, seconds: float) -> dict:
        """One round of one design: submissions, seconds, lock waits sampled."""
        sampler = LockSampler()
        sampler.start()
        started = time.time()
        for process in self.processes:
            process.stdin.write(f"go {design} {first_day.isoformat()} {started + seconds}\n")
            process.stdin.flush()
        answers = [json.loads(process.stdout.readline()) for process in self.processes]
        elapsed = time.time() - started
        sampler.done.set()
        sampler.join()
        return {
            "submitted": sum(answer["submitted"] for answer in answers),
            "held": sum(answer["held"] for answer in answers),
            "seconds": elapsed,
            "waiting": sampler.waiting,
            "active": sampler.active,
            "lightweight": sampler.lightweight,
            "disk": sampler.disk,
        }

    def stop(self) -> None:
        for process in self.processes:
            process.stdin.write("stop\n")
            process.stdin.flush()
        for process in self.processes:
            assert process.wait() == 0, "a writer failed"


def check_exact(data_set, district, first_day: date) -> None:
    """The kept tallies (pending included) against the raw reports: the app's own check, and the
    district's counts of the run's days against the reports counted here."""
    from qunfang.core.access import Scope
    from qunfang.reporting import selectors, services
    from qunfang.reporting.models import Report

    wrong = services.count_tally_disagreements()
    assert wrong == 0, f"{wrong} kept tallies disagree with the reports"
    scope = Scope.for_user(_admin(district))
    for offset in range(DAYS_PER_RUN):
        day = first_day + timedelta(days=offset)
        found = selectors.completeness(scope, data_set, district, day).place
        reports = Report.objects.filter(
            data_set=data_set, period_start=day, place__path__startswith=district.path
        )
        assert (found.reported, found.zero, found.late) == (
            reports.count(),
            reports.filter(zero=True).count(),
            reports.filter(late=True).count(),
        ), f"the district's counts of {day} disagree with its reports"


def _admin(place):
    from ledger import bench_admin

    return bench_admin("concurrent-reports-bench", place)


def run(args) -> None:
    import django

    django.setup()
    import ledger
    from django.core.management import call_command
    from django.db import connection

    from qunfang.core.models import OrgUnit
    from qunfang.reporting.models import DataSet, Report

    call_command("migrate", verbosity=0)
    ledger.SCALES["concurrent_reports"] = TREE
    root, villages = ledger.build_tree("concurrent_reports")
    district = OrgUnit.objects.get(path__startswith=root.path, level="district")
    data_set = DataSet.objects.get(code="epidemic_daily")
    last = Report.objects.order_by("-period_start").values_list("period_start", flat=True).first()
    days = iter(range(100_000))  # each round reports days of its own, after those of a run before
    first = last + timedelta(days=1) if last else FIRST_DAY
    print(
        f"{len(villages)} villages under one district, PostgreSQL {connection.pg_version // 10000}, fsync on"
    )
    print(f"{args.rounds} rounds of {args.seconds / args.rounds:.1f} s for each design, taken in turns")
    figures: dict = {design: {} for design in DESIGNS.values()}
    for count in [int(n) for n in args.writers.split(",")]:
        writers = Writers(args.database_url, villages, count)
        rounds: dict = {design: [] for design in DESIGNS.values()}
        for n in range(args.rounds):
            order = list(DESIGNS.values())
            for design in order if n % 2 == 0 else order[::-1]:  # ABBA: a drift of the machine falls alike
                first_day = first + timedelta(days=next(days) * DAYS_PER_RUN)
                rounds[design].append(writers.round(design, first_day, args.seconds / args.rounds))
                rounds[design][-1]["pending_left"] = _checked_and_folded(data_set, district, first_day)
        writers.stop()
        for label, design in DESIGNS.items():
            found = figures[design][count] = _summary(rounds[design])
            print(
                f"{count:3d} writers  {label:8s}  {found['per_second']:8.1f} submissions/s"
                f"   waiting on a lock {found['writers_waiting_on_a_lock']:5.2f}"
                f" of {found['writers_in_the_database']:5.2f} in the database"
                f"   pending at the end {found['pending_left']:,}",
                flush=True,
            )
            print(
                f"{'':23s}in the database: on a short lock {found['writers_on_a_short_lock']:5.2f},"
                f" on the disk {found['writers_on_the_disk']:5.2f}",
                flush=True,
            )
            ceiling = found["at_most_per_second"] or "unbounded"
            print(
                f"{'':23s}shared rows held {found['shared_rows_held_ms_a_submission']:6.2f} ms a submission:"
                f" at most {ceiling} submissions/s with any number of cores",
                flush=True,
            )
    _print_ratios(figures)
    figures["exact"] = True  # every check passed, or the run stopped
    from results import record

    record("concurrent_reports", figures, options=vars(args))


def _checked_and_folded(data_set, district, first_day: date) -> int:
    """After a round: the tallies checked with the deltas unfolded, folded, checked again; answers
    how many deltas were pending."""
    from qunfang.reporting import services
    from qunfang.reporting.models import PendingReportTally

    pending = PendingReportTally.objects.count()
    check_exact(data_set, district, first_day)
    services.fold_tallies()  # each round starts with nothing pending
    if pending:
        check_exact(data_set, district, first_day)
    return pending


def _summary(rounds: list[dict]) -> dict:
    submitted = sum(r["submitted"] for r in rounds)
    waiting = [w for r in rounds for w in r["waiting"]] or [0]
    active = [a for r in rounds for a in r["active"]] or [0]
    lightweight = [a for r in rounds for a in r["lightweight"]] or [0]
    disk = [a for r in rounds for a in r["disk"]] or [0]
    held = sum(r["held"] for r in rounds)
    return {
        "submitted": submitted,
        "per_second": round(submitted / sum(r["seconds"] for r in rounds), 1),
        # every submission of a day takes the district's rows in turn: the rate can never pass this
        "shared_rows_held_ms_a_submission": round(1000 * held / max(submitted, 1), 2),
        "at_most_per_second": round(submitted / held) if held else None,
        "writers_waiting_on_a_lock": round(statistics.fmean(waiting), 2),
        "writers_in_the_database": round(statistics.fmean(active), 2),
        "writers_on_a_short_lock": round(statistics.fmean(lightweight), 2),
        "writers_on_the_disk": round(statistics.fmean(disk), 2),
        "pending_left": max(r["pending_left"] for r in rounds),
    }


def _print_ratios(figures: dict) -> None:
    """Pending against in place at each size, and each design's growth from one writer."""
    before, now = figures["in_place"], figures["pending"]
    figures["pending_vs_in_place"] = {}
    for writers in now:
        ratio = now[writers]["per_second"] / before[writers]["per_second"]
        figures["pending_vs_in_place"][writers] = round(ratio, 2)
        line = f"{writers:3d} writers  pending / in place {ratio:5.2f}x"
        if 1 in now:
            grown = [found[writers]["per_second"] / found[1]["per_second"] for found in (before, now)]
            line += f"   growth from 1 writer: in place {grown[0]:4.2f}x, pending {grown[1]:4.2f}x"
        print(line)


if __name__ == "__main__":
    main()
