"""The care a careful engineer gives the raw side of a benchmark, as the product gives its kept side:
indexes that serve the raw reads (made for the run and dropped after it, so that no other timing of
the run or of a later one pays for them), fresh statistics and visibility maps (what autovacuum does
after a load, and what the kept tables get), and grouping by child place without a prefix test a row
for every child. None of these indexes are product migrations: the product never reads its raw
records this way (its pages and API read the kept totals), and each would slow every write."""

import time
from contextlib import contextmanager

# table -> {index name: columns}. Column lists, not INCLUDE, so that SQLite takes them too: the leading
# columns serve the filters, the rest make the scans index-only.
LEDGER = {
    "mobilization_activityrecord": {
        # A wide place (the root) over a window of days: every record of those days, by type.
        "bench_record_day_type_place": ("day", "activity_type_id", "place_id", "count", "people_reached"),
        # A small place: its few places' records, each place's days in one range.
        "bench_record_place_day_type": ("place_id", "day", "activity_type_id", "count", "people_reached"),
    }
}
GIFTS = {
    "donations_cashdonation": {
        "bench_gift_day_place": ("day", "place_id", "amount_fen", "donor_id"),
        "bench_gift_place_day": ("place_id", "day", "amount_fen", "donor_id"),
    },
    "donations_designation": {
        "bench_part_donation": ("donation_id", "purpose", "amount_fen"),
    },
}
REPORTS = {
    "reporting_report": {
        # One day's reports, or a period's, of one data set; the unique (data_set, place, period_start)
        # index serves one place's.
        "bench_report_set_day": ("data_set_id", "period_start", "status", "zero", "late", "place_id"),
    }
}


@contextmanager
def raw_indexes(*groups: dict):
    """The indexes of `groups` made (and the tables' statistics and visibility maps made fresh) for
    the block, dropped after it."""
    from django.db import connection

    wanted = {table: indexes for group in groups for table, indexes in group.items()}
    quote = connection.ops.quote_name
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table, indexes in wanted.items():
            for name, columns in indexes.items():
                listed = ", ".join(quote(column) for column in columns)
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {quote(table)} ({listed})")
            fresh = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            cursor.execute(f"{fresh} {quote(table)}")
    print(
        f"raw side's indexes made in {time.perf_counter() - started:,.0f} s: "
        + ", ".join(name for indexes in wanted.values() for name in indexes),
        flush=True,
    )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for indexes in wanted.values():
                for name in indexes:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")


def child_of(place, children, via: str = "place__"):
    """Which of `children` (the place's children) each row lies under, as an expression. On
    PostgreSQL the child's id read from the row's place path ("/1/7/42/": the id after the place's
    own), one split_part a row; elsewhere one prefix test per child. A row at the place itself: null."""
    from django.db import connection
    from django.db.models import Case, F, Func, IntegerField, Value, When
    from django.db.models.functions import Cast, NullIf

    if connection.vendor == "postgresql":
        part = Func(F(f"{via}path"), Value("/"), Value(place.depth + 3), function="split_part")
        return Cast(NullIf(part, Value("")), IntegerField())
    return Case(
        *[When(**{f"{via}path__startswith": c.path}, then=Value(c.pk)) for c in children],
        output_field=IntegerField(),
    )
