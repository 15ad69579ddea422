"""The kept totals and the ledger summed up the tree, worked out in Python: a second, independent
reckoning that the tests hold the database's roll-ups and its SQL rebuild against."""

from datetime import date

from django.db.models import Sum

from qunfang.core.models import OrgUnit
from qunfang.lib.tallies import ancestor_ids
from qunfang.mobilization.models import ActivityRecord, ActivityType, DailyTotal, PendingDailyTotal

Totals = dict[tuple[int, date, int], tuple[int, int]]


def totals_from_ledger() -> Totals:
    """Every place's totals recomputed from the raw records: (place, day, type) -> (count, reached)."""
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    sums: dict[tuple[int, date, int], list[int]] = {}
    rows = ActivityRecord.objects.values("place_id", "day", "activity_type_id").annotate(
        count=Sum("count"), reached=Sum("people_reached")
    )
    for row in rows:
        for pk in ancestor_ids(paths[row["place_id"]]):
            kept = sums.setdefault((pk, row["day"], row["activity_type_id"]), [0, 0])
            kept[0] += row["count"]
            kept[1] += row["reached"]
    return {key: (count, reached) for key, (count, reached) in sums.items() if count or reached}


def kept_totals() -> Totals:
    """Every place's figures as the readers see them: its kept row plus its pending deltas."""
    sums: dict[tuple[int, date, int], list[int]] = {}
    for model in (DailyTotal, PendingDailyTotal):
        for t in model.objects.all():
            kept = sums.setdefault((t.place_id, t.day, t.activity_type_id), [0, 0])
            kept[0] += t.count
            kept[1] += t.people_reached
    return {key: (count, reached) for key, (count, reached) in sums.items() if count or reached}


def figure(place: OrgUnit, code: str = "temperature_checks") -> int:
    """The place's count of an activity over all days, as readers see it (kept plus pending)."""
    kind = ActivityType.objects.get(code=code).pk
    return sum(
        count
        for (pk, _day, type_id), (count, _) in kept_totals().items()
        if (pk, type_id) == (place.pk, kind)
    )


def nothing_kept() -> bool:
    return not DailyTotal.objects.exists() and not PendingDailyTotal.objects.exists()
