"""Reads of the ledger and its kept totals, scope first. Totals for a place and period are read from
the kept daily totals, never summed from the raw records."""

from datetime import date

from django.db.models import QuerySet, Sum

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.mobilization.models import ActivityRecord, ActivityType, DailyTotal


def activity_types() -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(active=True)


def _kept(scope: Scope, start: date, end: date) -> QuerySet[DailyTotal]:
    return DailyTotal.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(day__range=(start, end))


def totals(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per activity type: the count and people reached of the place and everything under it."""
    sums = {
        row["activity_type_id"]: row
        for row in _kept(scope, start, end)
        .filter(place=place)
        .values("activity_type_id")
        .annotate(count=Sum("count"), reached=Sum("people_reached"))
    }
    return [
        {
            "type": kind,
            "count": sums.get(kind.pk, {}).get("count") or 0,
            "reached": sums.get(kind.pk, {}).get("reached") or 0,
        }
        for kind in activity_types()
    ]


def breakdown(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per child place: its counts per activity type (in the order of activity_types())."""
    kinds = list(activity_types())
    children = list(
        OrgUnit.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(parent=place)
        .order_by("code", "name")
    )
    sums: dict[tuple[int, int], int] = {
        (row["place_id"], row["activity_type_id"]): row["count"]
        for row in _kept(scope, start, end)
        .filter(place__parent=place)
        .values("place_id", "activity_type_id")
        .annotate(count=Sum("count"))
    }
    return [
        {"place": child, "counts": [sums.get((child.pk, kind.pk), 0) for kind in kinds]} for child in children
    ]


def by_day(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per day: counts per activity type (in the order of activity_types())."""
    kinds = list(activity_types())
    sums: dict[tuple[date, int], int] = {
        (row["day"], row["activity_type_id"]): row["count"]
        for row in _kept(scope, start, end).filter(place=place).values("day", "activity_type_id", "count")
    }
    days = sorted({day for day, _kind in sums})
    return [{"day": day, "counts": [sums.get((day, kind.pk), 0) for kind in kinds]} for day in days]


def records(
    scope: Scope, place: OrgUnit, start: date, end: date, activity_type: ActivityType | None = None
) -> QuerySet[ActivityRecord]:
    """The ledger entries behind a total: everything recorded in the place's subtree in the period."""
    found = (
        ActivityRecord.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(place__path__startswith=place.path, day__range=(start, end))
        .select_related("place", "activity_type", "recorded_by", "reverses")
    )
    return found.filter(activity_type=activity_type) if activity_type else found
