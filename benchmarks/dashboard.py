"""Dashboard benchmark: the province root's dashboard page (server time, through Django's own request
handling) with its figures read from what the apps keep, against the same page with every figure
reckoned from the raw records, in the same run. Prints both medians and the ratio (bar: at least 20x).

    .venv/bin/python benchmarks/dashboard.py                      # ~30,000 places, 10,000,000 activity
                                                                  # records over 60 days, private PostgreSQL
    .venv/bin/python benchmarks/dashboard.py --records 2000000    # a quicker look
    .venv/bin/python benchmarks/dashboard.py --database-url postgres://postgres@127.0.0.1:54330/bench

The places and the ledger are made as benchmarks/ledger.py makes them (the same functions), the kept
totals by the service's own rebuild. Both pages are asked for by the root's bureau admin, signed in."""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

from ledger import DAYS, FIRST_DAY, WINDOW, build_tree, fill_ledger, medians_ms
from private_postgres import again_on_private_postgres, prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000_000, help="activity records in the ledger")
    parser.add_argument("--database-url", help="an existing PostgreSQL database (else a private server)")
    args = parser.parse_args()
    prepare_environment("dashboard", args.database_url)
    os.environ["QUNFANG_BENCHMARK_VIEW"] = "1"  # lets the page reckon from the raw records (?raw=1)
    if args.database_url:
        run(args.records)
        return
    again_on_private_postgres(__file__, ["--records", str(args.records)])


def run(records: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from qunfang.briefings import selectors
    from qunfang.core import services as core_services
    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit, User
    from qunfang.core.roles import Role
    from qunfang.mobilization import services
    from qunfang.mobilization.models import ActivityRecord, DailyTotal
    from qunfang.test import client_for

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    root, leaves = build_tree("province")
    if not ActivityRecord.objects.filter(place__path__startswith=root.path).exists():
        with transaction.atomic():
            fill_ledger(leaves, records)
        print(f"ledger filled in {time.perf_counter() - started:,.0f} s", flush=True)
        started = time.perf_counter()
        services.rebuild_totals()
        print(f"kept totals made in {time.perf_counter() - started:,.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {DailyTotal._meta.db_table}")
    admin = User.objects.filter(username="dashboard-bench").first() or core_services.create_user(
        by=None,
        username="dashboard-bench",
        full_name="基准",
        password=secrets.token_urlsafe(16),
        place=root,
        role=Role.BUREAU_ADMIN,
    )
    start, end = WINDOW
    scope = Scope.for_user(admin)
    kept, raw = (
        selectors.figures(scope, root, start, end),
        selectors.figures(scope, root, start, end, raw=True),
    )
    assert kept.activities == raw.activities, "the kept figures disagree with the raw records"
    assert (
        selectors.breakdown_raw(scope, root, start, end)[0]["counts"]
        == __import__("qunfang.mobilization.selectors", fromlist=["breakdown"]).breakdown(
            scope, root, start, end
        )[0]["counts"]
    ), "the kept breakdown disagrees with the raw records"

    client = client_for(admin)
    url = f"/places/{root.pk}/dashboard/?start={start}&end={end}"

    def page(address):
        def ask():
            answer = client.get(address)
            assert answer.status_code == 200, answer.status_code

        return ask

    places = OrgUnit.objects.under(root).count()
    total = ActivityRecord.objects.filter(place__path__startswith=root.path).count()
    print(
        f"{places:,} places, {total:,} records over {DAYS} days from {FIRST_DAY};"
        " the root's dashboard for 30 days"
    )
    medians_ms([page(url), page(url + "&raw=1")], 1)  # warm the caches alike
    kept_ms, raw_ms = medians_ms([page(url), page(url + "&raw=1")], 5)
    print(
        f"dashboard page  kept median {kept_ms:8.2f} ms   raw median {raw_ms:9.2f} ms"
        f"   ratio {raw_ms / kept_ms:7.1f}x  (bar: at least 20x)"
    )


if __name__ == "__main__":
    main()
