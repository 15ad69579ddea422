"""Reads of the ledger and its kept totals, scope first. Totals for a place and period are read from
the kept daily totals and their pending deltas (services.TOTALS) summed in one statement, never summed
from the raw records."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope, under
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted
from qunfang.mobilization.models import (
    ActivityRecord,
    ActivityType,
    DailyTotal,
    Deed,
    Deployment,
    PendingDailyTotal,
    Team,
    Volunteer,
    VolunteerStatus,
)
from qunfang.mobilization.services import TOTALS


def activity_types() -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(active=True)


def _on(day: date):
    return connection.ops.adapt_datefield_value(day)


def _a_day(day) -> date:
    """A date column read by a plain cursor: SQLite gives its text."""
    return day if isinstance(day, date) else date.fromisoformat(day)


def totals(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per activity type: the count and people reached of the place and everything under it."""
    if not scope.allows(Capability.VIEW_ACTIVITIES, place):
        return [{"type": kind, "count": 0, "reached": 0} for kind in activity_types()]
    # The read every dashboard opens with: the types and their sums (the kept rows and the pending
    # deltas) in one plain statement, answered from the covering index and the deltas' index. Built
    # by the ORM it took several times longer than the database does.
    types, kept, pending = (
        connection.ops.quote_name(m._meta.db_table) for m in (ActivityType, DailyTotal, PendingDailyTotal)
    )
    rows = " UNION ALL ".join(
        f"SELECT activity_type_id, count, people_reached FROM {t}"
        " WHERE place_id = %s AND day BETWEEN %s AND %s"
        for t in (kept, pending)
    )
    found = ActivityType.objects.raw(
        f"SELECT t.*, COALESCE(s.count, 0) AS kept_count, COALESCE(s.reached, 0) AS kept_reached"
        f" FROM {types} t LEFT JOIN (SELECT activity_type_id, SUM(count) AS count,"
        f" SUM(people_reached) AS reached FROM ({rows}) AS r"
        " GROUP BY activity_type_id) s ON s.activity_type_id = t.id"
        " WHERE t.active ORDER BY t.position, t.code",
        [place.pk, _on(start), _on(end)] * 2,
    )
    # int(): PostgreSQL sums bigints as numeric.
    return [
        {"type": kind, "count": int(kind.kept_count), "reached": int(kind.kept_reached)} for kind in found
    ]


def breakdown(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per child place: its counts per activity type (in the order of activity_types())."""
    kinds = list(activity_types())
    children = list(
        OrgUnit.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(parent=place)
        .order_by("code", "sort_name")
    )
    sums: dict[tuple[int, int], int] = {}
    if children:
        marks = ", ".join(["%s"] * len(children))
        sums = {
            (place_id, type_id): count
            for place_id, type_id, count, _reached in TOTALS.summed(
                ["place_id", "activity_type_id"],
                f"place_id IN ({marks}) AND day BETWEEN %s AND %s",
                [*(child.pk for child in children), _on(start), _on(end)],
            )
        }
    return [
        {"place": child, "counts": [sums.get((child.pk, kind.pk), 0) for kind in kinds]} for child in children
    ]


def by_day(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """Per day: counts per activity type (in the order of activity_types())."""
    kinds = list(activity_types())
    sums: dict[tuple[date, int], int] = {}
    if scope.allows(Capability.VIEW_ACTIVITIES, place):
        sums = {
            (_a_day(day), type_id): count
            for day, type_id, count, _reached in TOTALS.summed(
                ["day", "activity_type_id"],
                "place_id = %s AND day BETWEEN %s AND %s",
                [place.pk, _on(start), _on(end)],
            )
        }
    days = sorted({day for day, _kind in sums})
    return [{"day": day, "counts": [sums.get((day, kind.pk), 0) for kind in kinds]} for day in days]


def records(
    scope: Scope, place: OrgUnit, start: date, end: date, activity_type: ActivityType | None = None
) -> QuerySet[ActivityRecord]:
    """The ledger entries behind a total: everything recorded in the place's subtree in the period."""
    found = (
        ActivityRecord.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(under(place), day__range=(start, end))
        .select_related("place", "activity_type", "recorded_by", "reverses")
        .prefetch_related("volunteers", "photos")
    )
    return found.filter(activity_type=activity_type) if activity_type else found


def recorded_on(place: OrgUnit, day: date) -> list[dict]:
    """What the place itself has recorded for the day, per activity (corrections taken off): what the
    day's form shows before the clerk adds more. The caller has checked the place."""
    sums = (
        ActivityRecord.objects.filter(place=place, day=day)
        .values("activity_type")
        .annotate(count=Sum("count"), reached=Sum("people_reached"))
    )
    counted = {row["activity_type"]: row for row in sums if row["count"] or row["reached"]}
    return [
        {"type": kind, "count": counted[kind.pk]["count"], "reached": counted[kind.pk]["reached"]}
        for kind in activity_types()
        if kind.pk in counted
    ]


# --- people -------------------------------------------------------------------------------------------


def volunteers(
    scope: Scope, place: OrgUnit, *, status: str = "", skill: str = "", name: str = ""
) -> QuerySet[Volunteer]:
    """The volunteers of the place's stations and those below it."""
    found = (
        Volunteer.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .under(place)
        .select_related("place", "veteran__place")
    )
    if status:
        found = found.filter(status=status)
    if skill:
        # JSON containment is not on SQLite; the list is short and the codes are plain words.
        found = found.filter(skills__icontains=f'"{skill}"')
    if name:
        found = found.filter(name__icontains=name.strip())
    return found


def who_can_take_part(scope: Scope, place: OrgUnit, day: date) -> QuerySet[Volunteer]:
    """The active volunteers who may have worked at the place (already checked to be the user's) on
    the day: those of its own station and the stations below it, and anyone sent there for that day,
    from wherever they come (the district's staff sent down into a community)."""
    sent = Deployment.objects.filter(place=place, start__lte=day, end__gte=day)
    own = Volunteer.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).under(place)
    return (
        Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
        .filter(
            Q(pk__in=own.values("pk"))
            | Q(pk__in=sent.values("volunteer_id"))
            | Q(teams__in=sent.values("team_id"))
        )
        .distinct()
        .order_by("name", "pk")
    )


def teams(scope: Scope, place: OrgUnit) -> QuerySet[Team]:
    return (
        Team.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .under(place)
        .select_related("place", "leader")
        .prefetch_related("members")
    )


def deployments(scope: Scope, place: OrgUnit, *, on: date | None = None) -> QuerySet[Deployment]:
    """People and teams sent to the place or below it; with `on`, those at work on that day."""
    found = (
        Deployment.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .under(place)
        .select_related("place", "volunteer", "team")
    )
    return found.filter(start__lte=on, end__gte=on) if on else found


def deeds(scope: Scope, place: OrgUnit, start: date, end: date) -> QuerySet[Deed]:
    return (
        Deed.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(under(place), day__range=(start, end))
        .select_related("place", "volunteer")
        .prefetch_related("photos")
    )


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class ActivityFigures:
    activities: list = counted(
        _(
            "Per activity, in its own unit: the count and the people reached in the period, recorded here "
            "or below (corrections taken off); of it, what the place itself recorded (its own staff) and "
            "what the stations below recorded; and the count of the same number of days just before. "
            "Different units are never added together."
        ),
        default=[],
    )
    deeds_in_period: int = counted(_("Volunteers' deeds written up for days in the period."))


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> ActivityFigures:
    """From the kept daily totals: the place's, its children's (the place's own work is the rest), and
    the period before's."""
    if not scope.allows(Capability.VIEW_ACTIVITIES, place):
        return ActivityFigures()
    before = (start - (end - start) - timedelta(days=1), start - timedelta(days=1))
    previous = {row["type"].pk: row["count"] for row in totals(scope, place, *before)}
    children = connection.ops.quote_name(OrgUnit._meta.db_table)
    below = {
        type_id: {"count": count, "reached": reached}
        for type_id, count, reached in TOTALS.summed(
            ["activity_type_id"],
            f"place_id IN (SELECT id FROM {children} WHERE parent_id = %s) AND day BETWEEN %s AND %s",
            [place.pk, _on(start), _on(end)],
        )
    }
    rows = totals(scope, place, start, end)
    return activity_figures(rows, below, previous, deeds(scope, place, start, end).count())


def activity_figures(rows: list[dict], below: dict, previous: dict, deeds_in_period: int) -> ActivityFigures:
    """The figures from the period's sums per activity type (`rows`, as totals() gives them), the
    sums of the stations below by type id, and the period before's counts by type id."""
    found = ActivityFigures(deeds_in_period=deeds_in_period)
    for row in rows:
        kind = row["type"]
        under = below.get(kind.pk, {})
        found.activities.append(
            {
                "code": kind.code,
                "name": kind.name,
                "unit": kind.unit,
                "count": row["count"],
                "reached": row["reached"],
                "counts_people_reached": kind.counts_people_reached,
                "category": kind.category,
                "by_stations_below": int(under.get("count") or 0),
                "by_this_place": row["count"] - int(under.get("count") or 0),
                "reached_by_stations_below": int(under.get("reached") or 0),
                "reached_by_this_place": row["reached"] - int(under.get("reached") or 0),
                "count_before": previous.get(kind.pk, 0),
            }
        )
    return found
