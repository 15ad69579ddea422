"""Dashboard benchmark: the province root's dashboard page (server time, through Django's own request
handling) with its figures read from what the apps keep (the activities' daily totals, the donations'
dated tally), against the same page with those figures reckoned from the raw records, in the same
run. Prints both medians and the ratio (bar: at least 20x).

    .venv/bin/python benchmarks/dashboard.py                      # ~30,000 places, 10,000,000 activity
                                                                  # records over 60 days, private PostgreSQL
    .venv/bin/python benchmarks/dashboard.py --records 2000000 --gifts 200000   # a quicker look
    .venv/bin/python benchmarks/dashboard.py --database-url postgres://postgres@127.0.0.1:54330/bench

The places and the ledger are made as benchmarks/ledger.py makes them (the same functions), the kept
totals by the service's own rebuild. Both pages are asked for by the root's bureau admin, signed in.
The raw records (activities, gifts, their designations) get the indexes a careful engineer would give
them for these reads (benchmarks/raw_care.py) and fresh statistics, as the kept totals do, for the
run. The figures go to benchmarks/results/dashboard.json."""

import argparse
import sys
import time
from pathlib import Path

import raw_care
import results
from ledger import DAYS, FIRST_DAY, WINDOW, bench_admin, build_tree, fill_ledger_once, medians_ms
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000_000, help="activity records in the ledger")
    parser.add_argument("--gifts", type=int, default=1_000_000, help="cash gifts, each with a designation")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("dashboard", args.database_url, settings="baseline_settings")
    if args.database_url:
        run(args.records, args.gifts, vars(args))
        return
    again_on_private_postgres(__file__, ["--records", str(args.records), "--gifts", str(args.gifts)])


def fill_gifts(leaves: list[int], gifts: int) -> None:
    """Cash gifts over the leaves and days, from 10,000 donors, each with one designation: one
    statement each in the server (PostgreSQL), as the ledger is filled."""
    from django.db import connection

    from qunfang.donations.models import CashDonation, Designation, Donor

    donor, gift, part = (m._meta.db_table for m in (Donor, CashDonation, Designation))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {donor} (place_id, kind, name, contact, address, is_veteran)"
            " SELECT %s + (i %% %s), 'person', '捐赠者' || i, '', '', i %% 3 = 0"
            " FROM generate_series(1, 10000) AS i",
            [min(leaves), len(leaves)],
        )
        cursor.execute(f"SELECT min(id) FROM {donor}")
        first_donor = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {gift} (place_id, donor_id, day, amount_fen, receipt_number, note, created_at)"
            " SELECT %s + floor(random() * %s)::int, %s + floor(random() * 10000)::int, %s::date + (i %% %s),"
            " 100 + floor(random() * 100000)::int, 'bench-' || i, '', now() FROM generate_series(1, %s) AS i",
            [min(leaves), len(leaves), first_donor, FIRST_DAY, DAYS, gifts],
        )
        cursor.execute(
            f"INSERT INTO {part} (donation_id, purpose, amount_fen)"
            f" SELECT id, CASE WHEN id %% 4 = 0 THEN '一线防控' ELSE '' END, amount_fen FROM {gift}",
            [],  # an empty list, so that "%%" is read as one "%" like in the statements above
        )
        cursor.execute(f"ANALYZE {donor}; ANALYZE {gift}; ANALYZE {part}")


def run(records: int, gifts: int, options: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from qunfang.donations import services as donations
    from qunfang.donations.models import CashDonation, DonationTotal

    call_command("migrate", verbosity=0)
    root, leaves = build_tree("province")
    fill_ledger_once(root, leaves, records)
    if not CashDonation.objects.under(root).exists():
        started = time.perf_counter()
        with transaction.atomic():
            fill_gifts(leaves, gifts)
            donations.rebuild_totals()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {DonationTotal._meta.db_table}")
        print(f"gifts and their kept daily tally made in {time.perf_counter() - started:,.0f} s", flush=True)
    admin = bench_admin("dashboard-bench", root)
    with raw_care.raw_indexes(raw_care.LEDGER, raw_care.GIFTS):
        figures = _time_pages(admin, root)
    figures |= {"records": records, "gifts": gifts}
    print(f"figures written to {results.record('dashboard', figures, options=options)}")


def _time_pages(admin, root) -> dict:
    """The kept and the raw figures checked equal, then both pages timed in turns."""
    import baselines  # after django.setup(): it imports the product's views

    from qunfang.briefings import selectors
    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit
    from qunfang.mobilization import selectors as mobilization
    from qunfang.mobilization.models import ActivityRecord
    from qunfang.testing.clients import client_for

    start, end = WINDOW
    scope = Scope.for_user(admin)
    kept, raw = (
        selectors.figures(scope, root, start, end),
        baselines.figures(scope, root, start, end),
    )
    assert kept.as_json() == raw.as_json(), "the kept figures disagree with the raw records"
    assert (
        baselines.breakdown(scope, root, start, end)[0]["counts"]
        == mobilization.breakdown(scope, root, start, end)[0]["counts"]
    ), "the kept breakdown disagrees with the raw records"
    given = kept.donations

    client = client_for(admin)
    period = f"?start={start}&end={end}"
    url, raw_url = f"/places/{root.pk}/dashboard/{period}", f"/bench/raw-dashboard/{root.pk}/{period}"

    def page(address):
        def ask():
            answer = client.get(address)
            assert answer.status_code == 200, answer.status_code

        return ask

    places = OrgUnit.objects.under(root).count()
    total = ActivityRecord.objects.filter(place__path__startswith=root.path).count()
    print(
        f"{places:,} places, {total:,} records and {given.gifts_running:,} gifts over {DAYS} days from"
        f" {FIRST_DAY}; the root's dashboard for 30 days ({given.gifts_in_period:,} gifts,"
        f" {given.yuan_in_period} yuan, read from the dated tally)"
    )
    medians_ms([page(url), page(raw_url)], 1)  # warm the caches alike
    kept_ms, raw_ms = medians_ms([page(url), page(raw_url)], ROUNDS)
    print(
        f"dashboard page  kept median {kept_ms:8.2f} ms   raw median {raw_ms:9.2f} ms"
        f"   ratio {raw_ms / kept_ms:7.1f}x  (bar: at least 20x)"
    )
    return {
        "places": places,
        "records_under_root": total,
        "gifts_running": given.gifts_running,
        "rounds": ROUNDS,
        "dashboard_page_ms": {"kept": round(kept_ms, 3), "raw": round(raw_ms, 3)},
        "dashboard_page_ratio": round(raw_ms / kept_ms, 1),
    }


if __name__ == "__main__":
    main()
