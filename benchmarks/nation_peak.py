"""The nation's peak hour: 09:00 on the first day of an outbreak, every station of the country sending
its daily report and its day's work at once. The nation's tree scaled to fit the machine, at six
levels: a root (the nation) › 31 provinces › 3 cities each › 3 districts › 4 towns › 10 villages
(11,160 villages, 12,680 places). N writer processes (default 4, then 16) each record, through the
services the pages and the API call, a village's daily report (reporting.services.submit_report, as
at 09:00 of the day) and a random village's day's work (mobilization.services.record_day: three
activities), in turns, as fast as they can for a few seconds. Every record adds to the figures of the
village, its town, district, city, province and the nation's root.

Three ways of writing, measured in the same run, the same writer processes, taken in turns (each round
a day of its own, so each meets an empty first day):

- bare: the same rows with nothing else, each record in one transaction as the services hold it: for a
  report its Report row and its first ReportVersion row; for a day's work its three ActivityRecord
  rows (ORM creates, as the services save them). No checks, no submission-key look-up, no kept
  totals, no audit entry: the floor the services are measured against;
- before: the design before this benchmark: the report tallies' ancestors as pending deltas (as
  reporting has had them), but the activities' daily totals added in place to the village's row and
  to each ancestor's in the record's transaction, so every writer in the country updates the root's
  row for the day and activity and holds its lock until it commits: writers queue on it;
- pending: the design now (lib/tallies.py): both tallies write the village's own rows in place and
  append a delta row for each ancestor (an insert waits for nobody); the writer that crosses every
  2,000th delta folds a batch after its commit (the worker's clock folds every minute besides).

Printed for each: records per second and the ratio to the bare insert; writers waiting on a lock
(pg_stat_activity sampled every 50 ms, as benchmarks/concurrent_reports.py does); the pending deltas
waiting at the peak (sampled every 100 ms: what the root's reads sum besides its kept rows); the lag
from a write's commit to the root's figure showing it: a probe (a thread of this process) records one
"probe" activity at a random village every 100 ms through record_day, noting when its commit returned,
while a reader polls the root's figure (mobilization.selectors.totals, the dashboard's read, as the
nation's admin) back to back; a write's lag is from its commit to the end of the first read that counts
it. After every round the kept figures (pending included) are checked against a recount of the raw
rows at each of the six levels (every level's places together hold every record once) and place by
place (`qunfang tallies --check`'s count_disagreements), then everything is folded and checked again.

    .venv/bin/python benchmarks/nation_peak.py                   # 4 and 16 writers: under 3 minutes
    .venv/bin/python benchmarks/nation_peak.py --quick           # 4 writers, 1 round of 3 s each
    .venv/bin/python benchmarks/nation_peak.py --writers 1,4,16 --seconds 30   # steadier figures
    .venv/bin/python benchmarks/nation_peak.py --database-url postgres://postgres@127.0.0.1:54410/b

It runs on a private PostgreSQL server (fsync on) unless given --database-url. The figures go to
benchmarks/results/nation_peak.json. On the 2-core machine of record the writers, the reader and the
server share the cores: the rates stop growing once the CPU is full, and the bare side meets the same.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import peak_watchers
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIRST_DAY = date(2020, 1, 23)  # each round a first day of its own after this
TREE = {
    "root": "province",  # the nation: core's levels end at the province, the tallies know only paths
    "tree": [("province", 31), ("city", 3), ("district", 3), ("town", 4), ("village", 10)],
}
LEVELS = ["nation", "province", "city", "district", "town", "village"]
DESIGNS = ("bare", "before", "pending")
PROBE = "bench_probe"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of each way at each size (10)")
    parser.add_argument("--writers", default="4,16", help="writer processes per run (default 4,16)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds the seconds are cut into (default 2)")
    parser.add_argument("--quick", action="store_true", help="4 writers, one round of 3 s of each way")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)  # a writer process
    parser.add_argument("--villages", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.writers, args.rounds = 3.0, "4", 1
    prepare_environment("nation-peak", args.database_url)
    if args.writer:
        write([int(pk) for pk in args.villages.split(",")], args.seed)
    elif args.database_url:
        run(args)
    else:
        again_on_private_postgres(
            __file__,
            ["--seconds", str(args.seconds), "--writers", args.writers, "--rounds", str(args.rounds)],
        )


# --- the writers ------------------------------------------------------------------------------------


class Station:
    """What a writer process writes: its own villages' reports (each village reports once a day, in a
    random order) and random villages' days of work, by the services or bare."""

    def __init__(self, villages: list[int], seed: int) -> None:
        from qunfang.core.models import OrgUnit
        from qunfang.mobilization.models import ActivityType
        from qunfang.reporting.models import DataSet

        self.random = random.Random(seed)
        self.own = list(OrgUnit.objects.filter(pk__in=villages))
        nation = "/" + self.own[0].path.strip("/").split("/")[0] + "/"
        self.everywhere = list(OrgUnit.objects.filter(level="village", path__startswith=nation))
        self.data_set = DataSet.objects.prefetch_related("fields", "rules").get(code="epidemic_daily")
        self.kinds = list(
            ActivityType.objects.exclude(code=PROBE).filter(active=True).order_by("position")[:3]
        )
        self.written, self.held = 0, SharedRowsHeld()

    def report(self, place, day: date, started: float, bare: bool) -> None:
        from qunfang.reporting import services

        n = self.written = self.written + 1
        values = {"home_quarantined": n % 4, "fever_found": n % 2} if n % 3 else {}
        at = _at_nine(day) + timedelta(seconds=time.time() - started)
        key = f"np-{place.pk}-{day}"
        if bare:
            return bare_report(self.data_set, place, day, at, values, key)
        services.submit_report(
            by=None,
            data_set=self.data_set,
            place=place,
            period_start=day,
            values=values,
            zero=not values,
            submission=key,
            at=at,
        )

    def day_of_work(self, day: date, bare: bool) -> None:
        from qunfang.mobilization import services

        place = self.random.choice(self.everywhere)
        entries = [
            services.Entry(kind, count, count * 3 if kind.counts_people_reached else 0)
            for kind, count in zip(self.kinds, (self.random.randint(1, 200) for _ in self.kinds), strict=True)
        ]
        key = f"np-{place.pk}-{day}-{self.random.getrandbits(48):x}"
        if bare:
            return bare_day_of_work(place, day, entries, key)
        services.record_day(by=None, place=place, day=day, entries=entries, submission=key)
        self.held.committed()


class SharedRowsHeld:
    """How long a writer holds rows that every writer of the nation updates (the root's for the day and
    activity), which no number of cores shortens: in place, from its first add to the daily totals (the
    wait for the rows not counted) until its commit (`seconds`); and, apart, while it folds a batch of
    either tally's deltas after its commit (`folding`: folds queue on the kept rows, writers never)."""

    def __init__(self) -> None:
        from qunfang.lib.tallies import Tally
        from qunfang.mobilization import services

        self.seconds, self.folding, self.since = 0.0, 0.0, None
        write, fold = services.write_record, Tally.fold

        def timed_write(*args, **kwargs):
            written = write(*args, **kwargs)  # the rows are ours from here
            if services.TOTALS.pending is None and self.since is None:
                self.since = time.perf_counter()
            return written

        def timed_fold(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fold(*args, **kwargs)
            finally:
                self.folding += time.perf_counter() - started

        services.write_record, Tally.fold = timed_write, timed_fold

    def committed(self) -> None:
        if self.since is not None:
            self.seconds += time.perf_counter() - self.since
            self.since = None


def _at_nine(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))


def bare_report(data_set, place, day: date, at: datetime, values: dict, key: str) -> None:
    """The rows submit_report writes for a first report, and nothing else, in one transaction."""
    from django.db import transaction

    from qunfang.reporting.models import Report, ReportVersion

    with transaction.atomic():
        report = Report.objects.create(
            data_set=data_set,
            place=place,
            period_start=day,
            first_submitted_at=at,
            values=values,
            zero=not values,
        )
        ReportVersion.objects.create(
            report=report, number=1, values=values, zero=not values, submission=key, submitted_at=at
        )


def bare_day_of_work(place, day: date, entries: list, key: str) -> None:
    """The rows record_day writes (a ledger record for each activity), and nothing else."""
    from django.db import transaction

    from qunfang.mobilization.models import ActivityRecord

    with transaction.atomic():
        for entry in entries:
            ActivityRecord.objects.create(
                place=place,
                day=day,
                activity_type=entry.activity_type,
                count=entry.count,
                people_reached=entry.people_reached,
                submission=key,
            )


def write(villages: list[int], seed: int) -> None:
    """A writer process: "ready" once set up; for each "go <design> <day> <end>" it records, a report
    and a day's work in turns, until the end and prints how many; "stop" ends it."""
    import dataclasses

    import django

    django.setup()
    from qunfang.mobilization import services

    designs = {"pending": services.TOTALS, "before": dataclasses.replace(services.TOTALS, pending=None)}
    station = Station(villages, seed)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            return
        _go, design, day, end = line.split()
        services.TOTALS = designs.get(design, designs["pending"])
        day, end, bare = date.fromisoformat(day), float(end), design == "bare"
        started, reports, days = time.time(), 0, 0
        station.held.seconds = station.held.folding = 0.0
        waiting = station.random.sample(station.own, len(station.own))
        while time.time() < end:
            if reports <= days:
                if not waiting:
                    raise SystemExit("a writer ran out of villages: make the tree larger")
                station.report(waiting.pop(), day, started, bare)
                reports += 1
            else:
                station.day_of_work(day, bare)
                days += 1
        answer = {"reports": reports, "days_of_work": days}
        answer |= {"held": station.held.seconds, "folding": station.held.folding}
        print(json.dumps(answer), flush=True)


class Writers:
    """N writer processes, started once for every design; `round` runs them all for some seconds."""

    def __init__(self, database_url: str, villages: list[int], count: int) -> None:
        command = [sys.executable, __file__, "--database-url", database_url, "--writer"]
        self.processes = [
            subprocess.Popen(
                [*command, "--villages", ",".join(map(str, villages[n::count])), "--seed", str(n)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(count)
        ]
        for process in self.processes:
            assert process.stdout.readline().strip() == "ready", "a writer did not start"

    def round(self, design: str, day: date, seconds: float) -> dict:
        started = time.time()
        for process in self.processes:
            process.stdin.write(f"go {design} {day.isoformat()} {started + seconds}\n")
            process.stdin.flush()
        answers = [json.loads(process.stdout.readline()) for process in self.processes]
        return {
            "reports": sum(a["reports"] for a in answers),
            "days_of_work": sum(a["days_of_work"] for a in answers),
            "held": sum(a["held"] for a in answers),
            "folding": sum(a["folding"] for a in answers),
            "seconds": time.time() - started,
        }

    def stop(self) -> None:
        for process in self.processes:
            process.stdin.write("stop\n")
            process.stdin.flush()
        for process in self.processes:
            assert process.wait() == 0, "a writer failed"


# --- the checks: the kept figures against a recount from the raw rows --------------------------------


def check_every_level(root, day: date, levels: list[str]) -> dict:
    """The day's figures (kept and pending) summed over each level's places against the raw rows under
    the root (each level's places together hold every record once), and every place's figures against
    the raw rows summed up the tree (`qunfang tallies --check`). Answers each level's figures."""
    from django.db import connection
    from django.db.models import Sum

    from qunfang.core.models import OrgUnit
    from qunfang.lib.tallies import table
    from qunfang.mobilization import selectors as activities
    from qunfang.mobilization import services as mobilization
    from qunfang.mobilization.models import ActivityRecord
    from qunfang.reporting import services as reporting
    from qunfang.reporting.models import DataSet, Report

    data_set, on = DataSet.objects.get(code="epidemic_daily"), connection.ops.adapt_datefield_value(day)
    ledger = ActivityRecord.objects.filter(day=day, place__path__startswith=root.path)
    raw_work = {
        kind: (count, reached)
        for kind, count, reached in ledger.values_list("activity_type_id")
        .annotate(Sum("count"), Sum("people_reached"))
        .values_list("activity_type_id", "count__sum", "people_reached__sum")
    }
    reports = Report.objects.filter(data_set=data_set, period_start=day, place__path__startswith=root.path)
    raw_reports = {"reported": reports.count(), "zero": reports.filter(zero=True).count()}
    raw_reports["late"] = reports.filter(late=True).count()
    for values in reports.values_list("values", flat=True):
        for code, value in values.items():
            raw_reports[f"sum:{code}"] = raw_reports.get(f"sum:{code}", 0) + value
    found = {}
    for n, level in enumerate(levels):
        ids = f"SELECT id FROM {table(OrgUnit)} WHERE depth = %s AND path LIKE %s"
        places = [root.depth + n, root.path + "%"]
        work = {
            kind: (count, reached)
            for kind, count, reached in activities.TOTALS.summed(
                ["activity_type_id"], f"day = %s AND place_id IN ({ids})", [on, *places]
            )
            if count or reached
        }
        tallies = dict(
            reporting.TALLIES.summed(
                ["key"],
                f"data_set_id = %s AND period_start = %s AND place_id IN ({ids})",
                [data_set.pk, on, *places],
            )
        )
        assert work == raw_work, f"the {level} level's activity totals of {day} disagree with the ledger"
        assert _nonzero(tallies) == _nonzero(raw_reports), f"the {level} level's report tallies disagree"
        found[level] = {
            "activities": sum(c for c, _r in work.values()),
            "reports": tallies.get("reported", 0),
        }
    assert mobilization.count_disagreements() == 0, "a place's activity totals disagree with the ledger"
    assert reporting.count_tally_disagreements() == 0, "a place's report tallies disagree with the reports"
    return found


def check_and_remove_bare(found: dict, day: date) -> None:
    """The bare round wrote every row it counted; they go again, having no kept totals to agree with."""
    from qunfang.mobilization.models import ActivityRecord
    from qunfang.reporting.models import Report

    reports, records = Report.objects.filter(period_start=day), ActivityRecord.objects.filter(day=day)
    assert (reports.count(), records.count()) == (found["reports"], 3 * found["days_of_work"]), "rows lost"
    reports.delete()
    records.delete()


def _nonzero(sums: dict) -> dict:
    return {key: value for key, value in sums.items() if value}


def fold_and_check_again(root, day: date, levels: list[str]) -> None:
    """Every pending delta folded into the kept rows (each round starts with none), checked again."""
    from qunfang.mobilization import services as mobilization
    from qunfang.mobilization.models import PendingDailyTotal
    from qunfang.reporting import services as reporting
    from qunfang.reporting.models import PendingReportTally

    mobilization.fold_totals()
    reporting.fold_tallies()
    assert not PendingDailyTotal.objects.exists() and not PendingReportTally.objects.exists()
    check_every_level(root, day, levels)


def run(args) -> None:
    import django

    django.setup()
    import ledger
    from django.core.management import call_command
    from django.db import connection

    from qunfang.mobilization.models import ActivityRecord, ActivityType

    call_command("migrate", verbosity=0)
    ledger.SCALES["nation_peak"] = TREE
    root, villages = ledger.build_tree("nation_peak")
    probe_kind, _ = ActivityType.objects.get_or_create(
        code=PROBE,
        defaults={"name_zh": "探针", "name_en": "Probe", "unit": "次", "category": "command", "position": 99},
    )
    last = ActivityRecord.objects.order_by("-day").values_list("day", flat=True).first()
    days = iter(range((last - FIRST_DAY).days + 1 if last else 0, 100_000))
    print(
        f"the nation scaled: {len(villages):,} villages at six levels under one root,"
        f" PostgreSQL {connection.pg_version // 10000}, fsync on"
    )
    print("places at each level: " + ", ".join(f"{level} {n:,}" for level, n in root_size(root).items()))
    print(f"{args.rounds} rounds of {args.seconds / args.rounds:.1f} s of each way, taken in turns")
    scope = _nation_admin(root)
    figures: dict = {"places": root_size(root), "designs": {d: {} for d in DESIGNS}}
    for count in [int(n) for n in args.writers.split(",")]:
        writers = Writers(args.database_url, villages, count)
        rounds: dict = {design: [] for design in DESIGNS}
        for n in range(args.rounds):
            order = DESIGNS[n % 3 :] + DESIGNS[: n % 3]  # each way first in turn: a drift falls alike
            for design in order:
                day = FIRST_DAY + timedelta(days=next(days))
                watched = peak_watchers.Watched(scope, root, villages, probe_kind, day, design)
                found = writers.round(design, day, args.seconds / args.rounds)
                rounds[design].append(found | watched.stop())
                if design == "bare":
                    check_and_remove_bare(found, day)
                else:
                    rounds[design][-1]["levels"] = check_every_level(root, day, LEVELS)
                    fold_and_check_again(root, day, LEVELS)
        writers.stop()
        for design in DESIGNS:
            figures["designs"][design][count] = _summary(rounds[design])
        _print_size(count, figures["designs"])
    figures["exact"] = True  # every check passed, or the run stopped
    from results import record

    print(f"figures written to {record('nation_peak', figures, options=vars(args))}")


def _nation_admin(root):
    from ledger import bench_admin

    from qunfang.core.access import Scope

    return Scope.for_user(bench_admin("nation-peak-bench", root))


def root_size(root) -> dict:
    from qunfang.core.models import OrgUnit

    under = OrgUnit.objects.under(root)
    return {level: under.filter(depth=root.depth + n).count() for n, level in enumerate(LEVELS)}


def _ms(values: list[float], share: float = 0.5) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def _summary(rounds: list[dict]) -> dict:
    records = sum(r["reports"] + r["days_of_work"] for r in rounds)
    seconds, held = sum(r["seconds"] for r in rounds), sum(r["held"] for r in rounds)

    def every(key):
        return [v for r in rounds for v in r.get(key, [])]

    found = {
        "records": records,
        "reports": sum(r["reports"] for r in rounds),
        "days_of_work": sum(r["days_of_work"] for r in rounds),
        "per_second": round(records / seconds, 1),
        # every day of work takes the root's rows in turn (in place): the rate can never pass this
        "shared_rows_held_ms_a_record": round(1000 * held / max(records, 1), 2),
        "at_most_per_second": round(records / held) if held else None,
        "folding_ms_a_record": round(1000 * sum(r["folding"] for r in rounds) / max(records, 1), 2),
        "writers_waiting_on_a_lock": round(statistics.fmean(every("waiting") or [0]), 2),
        "writers_in_the_database": round(statistics.fmean(every("active") or [0]), 2),
        "pending_deltas_mean": round(statistics.fmean(every("pending") or [0])),
        "pending_deltas_most": max(every("pending") or [0]),
    }
    if every("lags"):
        found |= {
            "lag_ms_median": _ms(every("lags")),
            "lag_ms_p95": _ms(every("lags"), 0.95),
            "lag_ms_most": _ms(every("lags"), 1.0),
            "lags_measured": len(every("lags")),
            "root_read_ms_median": _ms(every("reads")),
            "probe_write_ms_median": _ms(every("probe_writes")),
            "probe_write_ms_p95": _ms(every("probe_writes"), 0.95),
            "levels": rounds[-1]["levels"],
        }
    return found


def _print_size(count: int, designs: dict) -> None:
    bare = designs["bare"][count]["per_second"]
    for design in DESIGNS:
        found = designs[design][count]
        found["vs_bare"] = round(found["per_second"] / bare, 2)
        print(
            f"{count:3d} writers  {design:7s} {found['per_second']:7.1f} records/s"
            f" ({found['vs_bare']:4.2f}x bare)   waiting on a lock {found['writers_waiting_on_a_lock']:5.2f}"
            f" of {found['writers_in_the_database']:5.2f} in the database   pending deltas"
            f" {found['pending_deltas_mean']:,} on average, {found['pending_deltas_most']:,} at most",
            flush=True,
        )
        if design != "bare":
            ceiling = found["at_most_per_second"] or "no bound"
            print(
                f"{'':22s}the root's rows held {found['shared_rows_held_ms_a_record']:6.2f} ms a record:"
                f" at most {ceiling} records/s with any number of cores; folding after a commit"
                f" {found['folding_ms_a_record']:5.2f} ms a record (folds wait for each other, writers not)",
                flush=True,
            )
        if "levels" in found:
            print(
                f"{'':22s}equal to the recount of the raw rows at every level (activities counted /"
                " reports), pending included and after a full fold: "
                + ", ".join(
                    f"{level} {n['activities']:,}/{n['reports']:,}" for level, n in found["levels"].items()
                ),
                flush=True,
            )
        if "lag_ms_median" in found:
            print(
                f"{'':22s}the root's figure: a write shows {found['lag_ms_median']} ms after its commit"
                f" (95% within {found['lag_ms_p95']} ms, at most {found['lag_ms_most']} ms,"
                f" {found['lags_measured']} writes); the root's read {found['root_read_ms_median']} ms;"
                f" a write {found['probe_write_ms_median']} ms (95% within {found['probe_write_ms_p95']} ms)",
                flush=True,
            )
    before, now = designs["before"][count]["per_second"], designs["pending"][count]["per_second"]
    print(f"{count:3d} writers  pending / before {now / before:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
