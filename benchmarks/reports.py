"""Daily reporting benchmark: the province root's completeness table for one day, and its figures'
totals over the whole period, read from the kept tallies against computing the same answers from the
raw reports, in the same run. Prints the medians and the ratios.

    .venv/bin/python benchmarks/reports.py                      # province on PostgreSQL: 28,224
                                                                # villages reporting for 60 days
    .venv/bin/python benchmarks/reports.py --days 10            # a quicker look
    .venv/bin/python benchmarks/reports.py --database-url postgres://postgres@127.0.0.1:54330/bench

The province runs on a private PostgreSQL server (fsync on) unless given --database-url. Its places are
the ledger benchmark's tree (benchmarks/ledger.py): province → 14 cities → 112 districts → 1,568 towns
→ 28,224 villages. The reports are inserted in one statement in the server (most of them zero reports,
some late, a few missing, most approved) and the tallies made by the service's own rebuild; the reads
are the selectors behind the reporting page and the API, scoped for the root's bureau admin, and each
kept answer is checked against the raw one. The raw side counts and sums in the database (COUNT with
FILTER, SUM of each figure read from the report's JSON, grouped by city), on an index of the reports by
data set and day (benchmarks/raw_care.py) with fresh statistics, as the kept tallies get. The bar: both
at least 100x faster than from the raw reports. The figures go to benchmarks/results/reports.json.

Submission throughput over HTTP (gunicorn, 2 workers) against a bare view is in benchmarks/load.py.
"""

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import raw_care
import results
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIRST_DAY = date(2020, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=60, help="days of reports (default 60)")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("reports", args.database_url)
    if args.database_url:
        run(args.days, vars(args))
        return
    again_on_private_postgres(__file__, ["--days", str(args.days)])


def fill_reports(data_set, villages: list[int], days: int) -> None:
    """One statement in the server: ~3% of village-days missing, ~5% late, ~85% zero reports, the rest
    with a few people quarantined at home or a fever found; everything but the last day approved. The
    villages have consecutive ids (see ledger.build_tree)."""
    from django.db import connection

    from qunfang.reporting.models import Report, ReportVersion

    first, count = min(villages), len(villages)
    values = connection.ops.quote_name("values")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Report._meta.db_table} (data_set_id, place_id, period_start, {values},"
            " zero, late, status, first_submitted_at, updated_at, return_reason)"
            " SELECT %s, v, d, CASE WHEN r < 0.85 THEN '{}'::jsonb ELSE jsonb_build_object("
            " 'home_quarantined', 1 + floor(random() * 4)::int, 'fever_found', floor(random() * 2)::int) END,"
            " r < 0.85, random() < 0.05,"
            " CASE WHEN d < %s THEN 'approved' ELSE 'submitted' END, now(), now(), ''"
            " FROM (SELECT v, d, random() AS r FROM generate_series(%s::int, %s::int) AS v,"
            " generate_series(%s::date, %s::date, '1 day') AS d) AS cells WHERE random() >= 0.03",
            [
                data_set.pk,
                FIRST_DAY + timedelta(days=days - 1),
                first,
                first + count - 1,
                FIRST_DAY,
                FIRST_DAY + timedelta(days=days - 1),
            ],
        )
        cursor.execute(
            f"INSERT INTO {ReportVersion._meta.db_table} (report_id, number, {values},"
            f" zero, submission, submitted_at) SELECT id, 1, {values}, zero, 'bench-' || id, now()"
            f" FROM {Report._meta.db_table}"
        )
        cursor.execute(f"ANALYZE {Report._meta.db_table}")


def run(days: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from ledger import bench_admin, build_tree, medians_ms

    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit
    from qunfang.reporting import selectors, services
    from qunfang.reporting.models import DataSet, Report

    call_command("migrate", verbosity=0)
    root, villages = build_tree("province")
    data_set = DataSet.objects.get(code="epidemic_daily")
    _fill_once(root, villages, data_set, days)
    scope = Scope.for_user(bench_admin("reports-bench", root))
    day = FIRST_DAY + timedelta(days=days // 2)
    start, end = FIRST_DAY, FIRST_DAY + timedelta(days=days - 1)
    children = list(OrgUnit.objects.filter(parent=root).order_by("code", "name"))

    def kept_completeness():
        found = selectors.completeness(scope, data_set, root, day)
        return {
            row.place.pk: (row.expected, row.reported, row.late, row.zero, row.approved)
            for row in found.children
        }

    def raw_completeness():
        return _raw_completeness(data_set, root, children, day)

    def kept_totals():
        return selectors.totals(scope, data_set, root, start, end, approved=True)

    def raw_totals():
        return _raw_totals(data_set, root, start, end)

    places = OrgUnit.objects.under(root).count()
    print(
        f"{places:,} places, {len(villages):,} reporting, {Report.objects.count():,} reports over {days} days"
        f" on PostgreSQL {connection.pg_version // 10000}"
    )
    with raw_care.raw_indexes(raw_care.REPORTS):
        assert kept_completeness() == raw_completeness(), "the kept completeness disagrees with the reports"
        assert kept_totals() == raw_totals(), "the kept totals disagree with the reports"
        medians_ms([kept_completeness, raw_completeness, kept_totals, raw_totals], 1)  # warm the caches
        kept_c, raw_c = medians_ms([kept_completeness, raw_completeness], 15)
        kept_t, raw_t = medians_ms([kept_totals, raw_totals], 5)
    print(
        f"root completeness, one day   kept median {kept_c:8.2f} ms   raw median {raw_c:9.2f} ms"
        f"   ratio {raw_c / kept_c:7.1f}x  (bar: at least 100x)"
    )
    print(
        f"root totals, {days} days        kept median {kept_t:8.2f} ms   raw median {raw_t:9.2f} ms"
        f"   ratio {raw_t / kept_t:7.1f}x  (bar: at least 100x)"
    )
    figures = {
        "places": places,
        "reporting": len(villages),
        "days": days,
        "completeness_ms": {"kept": round(kept_c, 3), "raw": round(raw_c, 3)},
        "completeness_ratio": round(raw_c / kept_c, 1),
        "totals_ms": {"kept": round(kept_t, 3), "raw": round(raw_t, 3)},
        "totals_ratio": round(raw_t / kept_t, 1),
    }
    started = time.perf_counter()
    wrong = services.count_tally_disagreements()
    seconds = time.perf_counter() - started
    print(f"kept tallies checked against every report in {seconds:,.0f} s: {wrong:,} disagree")
    assert wrong == 0
    print(
        f"figures written to {results.record('reports', figures | {'disagreements': wrong}, options=options)}"
    )


def _fill_once(root, villages, data_set, days: int) -> None:
    """The reports and their kept tallies, unless a run before made them; fresh statistics."""
    from django.db import connection, transaction

    from qunfang.reporting import services
    from qunfang.reporting.models import Report, ReportTally

    if not Report.objects.under(root).exists():
        started = time.perf_counter()
        with transaction.atomic():
            fill_reports(data_set, villages, days)
        print(
            f"{Report.objects.count():,} reports filled in {time.perf_counter() - started:,.0f} s", flush=True
        )
        started = time.perf_counter()
        made = services.rebuild_tallies()
        print(f"{made:,} kept tallies made from them in {time.perf_counter() - started:,.0f} s", flush=True)
    with connection.cursor() as cursor:
        # What autovacuum does after such a load, at once: fresh statistics, and the visibility map
        # that lets the counts be read from the index alone.
        cursor.execute(f"VACUUM ANALYZE {ReportTally._meta.db_table}")


def _raw_completeness(data_set, root, children, day) -> dict:
    """Each city's expected villages and the day's reports under it, counted from the raw rows."""
    from django.db.models import Count, Q
    from raw_care import child_of

    from qunfang.core.models import OrgUnit
    from qunfang.reporting.models import Report

    def city(prefix: str):
        return child_of(root, children, via=prefix)

    expected = dict(
        OrgUnit.objects.filter(path__startswith=root.path, level=data_set.level)
        .annotate(city=city(""))
        .values("city")
        .annotate(n=Count("pk"))
        .values_list("city", "n")
    )
    rows = (
        Report.objects.filter(data_set=data_set, period_start=day, place__path__startswith=root.path)
        .annotate(city=city("place__"))
        .values("city")
        .annotate(
            reported=Count("pk"),
            late=Count("pk", filter=Q(late=True)),
            zero=Count("pk", filter=Q(zero=True)),
            approved=Count("pk", filter=Q(status="approved")),
        )
    )
    counts = {row["city"]: row for row in rows}
    return {
        c.pk: (
            expected.get(c.pk, 0),
            *(counts.get(c.pk, {}).get(key, 0) for key in ("reported", "late", "zero", "approved")),
        )
        for c in children
    }


def _raw_totals(data_set, root, start, end) -> dict:
    """Each field summed over the period's approved reports, from the raw rows: one SUM per field in
    the database, each figure read from the report's JSON as the kept tallies' rebuild reads it."""
    from django.db.models import BigIntegerField, Sum, Value
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast, Coalesce

    from qunfang.reporting.models import Report

    codes = [f.code for f in data_set.fields.all()]
    sums = Report.objects.filter(
        data_set=data_set,
        period_start__range=(start, end),
        status="approved",
        zero=False,
        place__path__startswith=root.path,
    ).aggregate(
        **{
            f"sum_{n}": Coalesce(Sum(Cast(KT(f"values__{code}"), BigIntegerField())), Value(0))
            for n, code in enumerate(codes)
        }
    )
    return {code: sums[f"sum_{n}"] for n, code in enumerate(codes)}


if __name__ == "__main__":
    main()
