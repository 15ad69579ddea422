"""The distinct donors of the province root's dashboard figures, for benchmarks/lists.py: synthetic cash
gifts added once under the demo's Guangdong (10,000 donors over 60 days, each gift with its designation,
the kept tallies made by the service's own rebuild), then the root's distinct donors of 30 days read
as the dashboard reads them, against a count from the raw gifts, the two answers compared first."""

import random
import time
from datetime import date, timedelta

FIRST_DAY = date(2021, 3, 1)
DAYS = 60
DONORS = 10_000
WINDOW = (FIRST_DAY + timedelta(days=15), FIRST_DAY + timedelta(days=44))  # 30 days


def fill_gifts_once(gifts: int) -> None:
    """`gifts` cash gifts over the villages of Guangdong, written in bulk (the services take one gift
    at a time), then the kept tallies rebuilt from them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from qunfang.core.models import Level, OrgUnit
    from qunfang.donations import services
    from qunfang.donations.models import CashDonation, Designation, Donor, DonorDay
    from qunfang.lib.bulk import insert_rows, refresh_statistics

    root = OrgUnit.objects.get(parent=None, code__startswith="44")
    if CashDonation.objects.filter(receipt_number__startswith="bench-").exists() or not gifts:
        return
    started = time.perf_counter()
    leaves = list(OrgUnit.objects.under(root).filter(level=Level.VILLAGE).values_list("pk", flat=True))
    chooser = random.Random(7)
    with transaction.atomic():
        Donor.objects.bulk_create(
            Donor(place_id=leaves[n % len(leaves)], name=f"捐赠者{n}", is_veteran=n % 3 == 0)
            for n in range(DONORS)
        )
        donors = list(Donor.objects.filter(name__startswith="捐赠者").values_list("pk", flat=True))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = [
            (chooser.choice(leaves), chooser.choice(donors), FIRST_DAY + timedelta(days=n % DAYS),
             100 + chooser.randrange(100_000), f"bench-{n}", "", now)
            for n in range(gifts)
        ]  # fmt: skip
        insert_rows(
            CashDonation,
            ["place", "donor", "day", "amount_fen", "receipt_number", "note", "created_at"],
            rows,
        )
        parts = CashDonation.objects.filter(receipt_number__startswith="bench-").values_list(
            "pk", "amount_fen"
        )
        insert_rows(Designation, ["donation", "purpose", "amount_fen"], [(pk, "", fen) for pk, fen in parts])
        services.rebuild_totals()
    refresh_statistics(CashDonation, Designation, Donor, DonorDay)
    print(
        f"{gifts:,} gifts and their kept tallies made in {time.perf_counter() - started:,.0f} s", flush=True
    )


def donors_steps(admin_for) -> dict:
    """The timed steps: the root's distinct donors from the kept donors of each day, and from the raw
    gifts; each answers its milliseconds."""
    from qunfang.core.access import Scope
    from qunfang.core.models import OrgUnit
    from qunfang.donations import selectors
    from qunfang.donations.models import CashDonation

    root = OrgUnit.objects.get(parent=None, code__startswith="44")
    scope = Scope.for_user(admin_for(root))
    start, end = WINDOW

    def kept():
        return selectors.period_donors(place=root, start=start, end=end)

    def raw():
        gifts = CashDonation.objects.under(root).filter(day__range=(start, end))
        return {
            "donors": gifts.values("donor").distinct().count(),
            "veterans": gifts.filter(donor__is_veteran=True).values("donor").distinct().count(),
        }

    counted = raw()
    assert kept() == counted, (kept(), counted)
    assert selectors.figures_for(scope, root, start, end).donors_in_period == counted["donors"]
    print(f"the root's distinct donors of 30 days: {counted['donors']:,} ({counted['veterans']:,} veterans)")

    def timed(function):
        def ask() -> float:
            started = time.perf_counter()
            function()
            return (time.perf_counter() - started) * 1000

        return ask

    return {"donors_root": timed(kept), "donors_raw": timed(raw)}
