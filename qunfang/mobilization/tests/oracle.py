"""The kept totals and the ledger summed up the tree, worked out in Python: a second, independent
reckoning that the tests hold the database's roll-ups and its SQL rebuild against."""

from datetime import date

from django.db.models import Sum

from qunfang.core.models import OrgUnit
from qunfang.lib.tallies import ancestor_ids
from qunfang.mobilization.models import ActivityRecord, DailyTotal

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
    return {
        (t.place_id, t.day, t.activity_type_id): (t.count, t.people_reached)
        for t in DailyTotal.objects.all()
        if t.count or t.people_reached
    }
