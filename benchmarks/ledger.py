"""Activity ledger benchmark: reading a place's totals from the kept daily totals against summing the
raw records for the same answer, and writing a record with its roll-ups against inserting it alone,
all in the same run. Prints the medians and the ratios.

    .venv/bin/python benchmarks/ledger.py                        # province on PostgreSQL: ~30,000 places,
                                                                 # 10,000,000 records over 60 days
    .venv/bin/python benchmarks/ledger.py --scale district       # district on SQLite: 253 places,
                                                                 # 1,000,000 records over 60 days
    .venv/bin/python benchmarks/ledger.py --records 1000000      # a quicker look at province scale
    .venv/bin/python benchmarks/ledger.py --database-url postgres://postgres@127.0.0.1:54330/bench

The province runs on a private PostgreSQL server (fsync on) unless given --database-url. The ledger is
filled in bulk (COPY, or one INSERT … SELECT on PostgreSQL) and its totals made by the service's own
rebuild; the reads are the selectors behind the statistics page and the API, scoped for the root's
bureau admin; each kept answer is checked against the raw one. The raw records get the indexes a
careful engineer would give them for these reads (benchmarks/raw_care.py: by day, type and place, and by
place, day and type, each covering the sums) and fresh statistics, as the kept totals do; they are
dropped again before the writes are timed on the product's own indexes. The bars: totals for the root
over 30 days at least 500x faster than from the raw records, the breakdown by child place at least
100x, and a record with its roll-ups at most 3x the insert of the record alone. The figures go to
benchmarks/results/ledger.json.
"""

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import raw_care
import results
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIRST_DAY = date(2020, 1, 1)
DAYS = 60
WINDOW = (FIRST_DAY + timedelta(days=15), FIRST_DAY + timedelta(days=44))  # 30 days
# Children per place, level by level: province → 14 cities → 112 districts → 1,568 towns → 28,224 villages.
PROVINCE_TREE = [("city", 14), ("district", 8), ("town", 14), ("village", 18)]
DISTRICT_TREE = [("town", 12), ("village", 20)]
SCALES = {
    "province": {"root": "province", "tree": PROVINCE_TREE, "records": 10_000_000},
    "district": {"root": "district", "tree": DISTRICT_TREE, "records": 1_000_000},
}


def medians_ms(functions, rounds: int) -> list[float]:
    """The median time of each function, called in turns (each once before any again), so that a
    noisy moment of the machine falls on all alike."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(rounds):
        for function, kept in zip(functions, times, strict=True):
            started = time.perf_counter()
            function()
            kept.append((time.perf_counter() - started) * 1000)
    return [statistics.median(kept) for kept in times]


def timed_medians(steps: dict, rounds: int, before_each) -> dict[str, float]:
    """The median of what each step answers (the seconds of the part it times), the steps taken in
    turns, each after `before_each` (a clean table)."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _round in range(rounds):
        for name, step in steps.items():
            before_each()
            times[name].append(step())
    before_each()
    return {name: statistics.median(kept) for name, kept in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="province")
    parser.add_argument("--records", type=int, help="records in the ledger (default by scale)")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    records = args.records or SCALES[args.scale]["records"]

    prepare_environment("ledger", args.database_url)
    if args.scale == "district" or args.database_url:
        run(args.scale, records, vars(args))
        return
    again_on_private_postgres(__file__, ["--records", str(records)])


def build_tree(scale: str):
    """The places, made in bulk with ids chosen here so that every path is known before the insert
    (the services make one place at a time, with an audit entry each: minutes for 30,000)."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max

    from qunfang.core.models import OrgUnit

    name = f"基准{scale}"
    root = OrgUnit.objects.filter(name=name, parent=None).first()
    if root is None:
        next_id = (OrgUnit.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        root = OrgUnit(pk=next_id, name=name, level=SCALES[scale]["root"], path=f"/{next_id}/", depth=0)
        level_places, made = [root], [root]
        for level, per_parent in SCALES[scale]["tree"]:
            children = []
            for parent in level_places:
                for n in range(per_parent):
                    next_id += 1
                    children.append(
                        OrgUnit(
                            pk=next_id,
                            parent_id=parent.pk,
                            name=f"{parent.name[-6:]}{n + 1}",
                            level=level,
                            path=f"{parent.path}{next_id}/",
                            depth=parent.depth + 1,
                        )
                    )
            made += children
            level_places = children
        OrgUnit.objects.bulk_create(made, batch_size=5000)
        with connection.cursor() as cursor:  # later places take ids after these
            for statement in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
                cursor.execute(statement)
    leaf_level = SCALES[scale]["tree"][-1][0]
    leaves = list(OrgUnit.objects.under(root).filter(level=leaf_level).values_list("pk", flat=True))
    return root, leaves


def fill_ledger(leaves: list[int], records: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from qunfang.lib.bulk import insert_rows
    from qunfang.mobilization.models import ActivityRecord, ActivityType

    types = list(ActivityType.objects.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        # One statement in the server: streaming 10,000,000 rows from Python would take longer than the
        # benchmark. The places of one level have consecutive ids (see build_tree).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ActivityRecord._meta.db_table} (place_id, day, activity_type_id, count,"
                " people_reached, participants, note, submission, recorded_at)"
                " SELECT %s + floor(random() * %s)::int, %s::date + (i %% %s),"
                " (%s::int[])[1 + floor(random() * %s)::int], 1 + floor(random() * 60)::int,"
                " floor(random() * 100)::int, '', '', '', now() FROM generate_series(1, %s) AS i",
                [min(leaves), len(leaves), FIRST_DAY, DAYS, types, len(types), records],
            )
            cursor.execute(f"ANALYZE {ActivityRecord._meta.db_table}")
        return
    pick = random.Random(5)
    fields = ["place", "day", "activity_type", "count", "people_reached", "participants", "note"]
    fields += ["submission", "recorded_at"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    days = [connection.ops.adapt_datefield_value(FIRST_DAY + timedelta(days=d)) for d in range(DAYS)]
    batch = 100_000
    for start in range(0, records, batch):
        rows = [
            (
                pick.choice(leaves),
                days[i % DAYS],
                pick.choice(types),
                pick.randint(1, 60),
                pick.randint(0, 99),
                "",
                "",
                "",
                now,
            )
            for i in range(start, min(start + batch, records))
        ]
        insert_rows(ActivityRecord, fields, rows)


def run(scale: str, records: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    root, leaves = build_tree(scale)
    fill_ledger_once(root, leaves, records)
    admin = bench_admin(f"ledger-bench-{scale}", root)
    with raw_care.raw_indexes(raw_care.LEDGER):
        figures = _time_reads(admin, root)
    figures |= _time_writes(admin, leaves)  # on the product's own indexes
    figures |= {"scale": scale, "records": records}
    print(f"figures written to {results.record('ledger', figures, options=options)}")


def fill_ledger_once(root, leaves: list[int], records: int) -> None:
    """The ledger and its kept totals, unless a run before made them."""
    from django.db import connection, transaction

    from qunfang.mobilization import services
    from qunfang.mobilization.models import ActivityRecord, DailyTotal

    if ActivityRecord.objects.under(root).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():  # one commit, not one per row on SQLite
        fill_ledger(leaves, records)
    print(f"ledger filled in {time.perf_counter() - started:,.0f} s", flush=True)
    started = time.perf_counter()
    made = services.rebuild_totals()
    print(f"{made:,} kept totals made from it in {time.perf_counter() - started:,.0f} s", flush=True)
    if connection.vendor == "postgresql":
        # What autovacuum does after such a load, at once: fresh statistics, and the visibility map
        # that lets the sums be read from the index alone.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {DailyTotal._meta.db_table}")


def bench_admin(username: str, root):
    """The root's bureau admin the benchmark reads as (made once, kept for the next run)."""
    from qunfang.core import services as core_services
    from qunfang.core.models import User
    from qunfang.core.roles import Role

    return User.objects.filter(username=username).first() or core_services.create_user(
        by=None,
        username=username,
        full_name="基准",
        password=secrets.token_urlsafe(16),  # nobody signs in: the benchmark calls the selectors
        place=root,
        role=Role.BUREAU_ADMIN,
    )


def _time_reads(admin, root) -> dict:
    """The root's totals and its children's breakdown, kept against summed from the raw records (on
    the indexes raw_care.LEDGER gives them)."""
    from django.db import connection
    from django.db.models import Sum
    from raw_care import child_of

    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit
    from qunfang.core.roles import Capability
    from qunfang.mobilization import selectors
    from qunfang.mobilization.models import ActivityRecord

    scope = Scope.for_user(admin)
    start, end = WINDOW
    raw = (
        ActivityRecord.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .under(root)
        .filter(day__range=WINDOW)
    )
    children = list(OrgUnit.objects.filter(parent=root).order_by("code", "name"))
    kinds = list(selectors.activity_types())

    def kept_totals():
        return {row["type"].pk: row["count"] for row in selectors.totals(scope, root, start, end)}

    def raw_totals():
        sums = dict(
            raw.values("activity_type_id")
            .annotate(count=Sum("count"))
            .values_list("activity_type_id", "count")
        )
        return {kind.pk: sums.get(kind.pk, 0) for kind in kinds}

    def kept_breakdown():
        return {row["place"].pk: row["counts"] for row in selectors.breakdown(scope, root, start, end)}

    def raw_breakdown():
        rows = (
            raw.annotate(child=child_of(root, children))
            .values("child", "activity_type_id")
            .annotate(count=Sum("count"))
        )
        sums = {(row["child"], row["activity_type_id"]): row["count"] for row in rows}
        return {c.pk: [sums.get((c.pk, kind.pk), 0) for kind in kinds] for c in children}

    assert kept_totals() == raw_totals(), "the kept totals disagree with the raw records"
    assert kept_breakdown() == raw_breakdown(), "the kept breakdown disagrees with the raw records"
    total = ActivityRecord.objects.count()
    database = (
        f"PostgreSQL {connection.pg_version // 10000}" if connection.vendor == "postgresql" else "SQLite"
    )
    places = OrgUnit.objects.under(root).count()
    print(f"{places:,} places, {total:,} records over {DAYS} days on {database}; 30-day window")
    medians_ms([kept_totals, raw_totals, kept_breakdown, raw_breakdown], 1)  # warm the caches alike
    reads = 5 if total >= 5_000_000 else 15
    kept_ms, raw_ms = medians_ms([kept_totals, raw_totals], reads)
    kept_b_ms, raw_b_ms = medians_ms([kept_breakdown, raw_breakdown], reads)
    print(
        f"root totals     kept median {kept_ms:8.2f} ms   raw median {raw_ms:9.2f} ms"
        f"   ratio {raw_ms / kept_ms:7.1f}x  (bar: at least 500x)"
    )
    print(
        f"child breakdown kept median {kept_b_ms:8.2f} ms   raw median {raw_b_ms:9.2f} ms"
        f"   ratio {raw_b_ms / kept_b_ms:7.1f}x  (bar: at least 100x)"
    )
    return {
        "places": places,
        "records_in_ledger": total,
        "database": database,
        "reads_per_median": reads,
        "root_totals_ms": {"kept": round(kept_ms, 3), "raw": round(raw_ms, 3)},
        "root_totals_ratio": round(raw_ms / kept_ms, 1),
        "child_breakdown_ms": {"kept": round(kept_b_ms, 3), "raw": round(raw_b_ms, 3)},
        "child_breakdown_ratio": round(raw_b_ms / kept_b_ms, 1),
    }


def _time_writes(admin, leaves: list[int]) -> dict:
    """One record inserted alone, against with its roll-ups and through the station's form; then the
    kept totals checked against the whole ledger."""
    from django.db import transaction

    from qunfang.core.models import OrgUnit
    from qunfang.mobilization import services
    from qunfang.mobilization.models import ActivityRecord, ActivityType

    start = WINDOW[0]
    pick = random.Random(11)
    villages = {v.pk: v for v in OrgUnit.objects.filter(pk__in=pick.sample(leaves, min(200, len(leaves))))}
    checks = ActivityType.objects.get(code="temperature_checks")
    writes = []

    def a_record(alone: bool = False):
        village = villages[pick.choice(list(villages))]
        record = ActivityRecord(
            place=village, day=start + timedelta(days=pick.randrange(30)), activity_type=checks, count=3
        )
        writes.append((record, alone))
        return record, village

    def insert_alone():
        record, _village = a_record(alone=True)
        with transaction.atomic():
            record.save()

    def with_rollups():
        record, village = a_record()
        with transaction.atomic():
            services.write_record(record, village)

    def through_the_service():  # the station's form: checks, the day's records and the audit entry
        _record, village = a_record()
        services.record_day(
            by=admin, place=village, day=start, entries=[services.Entry(checks, 3)], note="bench"
        )

    medians_ms([insert_alone, with_rollups, through_the_service], 20)
    alone_ms, rollup_ms, service_ms = medians_ms([insert_alone, with_rollups, through_the_service], 300)
    print(
        f"one record      alone median {alone_ms:6.2f} ms   with roll-ups median {rollup_ms:6.2f} ms"
        f"   ratio {rollup_ms / alone_ms:4.2f}x  (bar: at most 3x)"
    )
    print(
        f"                through record_day (checks, audit entry) median {service_ms:6.2f} ms"
        f"   ratio {service_ms / alone_ms:4.2f}x  (for information)"
    )
    # The records inserted alone never reached the totals: take them out of the ledger again.
    ActivityRecord.objects.filter(pk__in=[r.pk for r, alone in writes if alone]).delete()
    started = time.perf_counter()
    wrong = services.count_disagreements()
    print(
        f"kept totals checked against the whole ledger in {time.perf_counter() - started:,.0f} s:"
        f" {wrong:,} disagree"
    )
    assert wrong == 0
    return {
        "one_record_ms": {"alone": round(alone_ms, 3), "with_rollups": round(rollup_ms, 3)},
        "one_record_ratio": round(rollup_ms / alone_ms, 2),
        "record_day_ms": round(service_ms, 3),
    }


if __name__ == "__main__":
    main()
