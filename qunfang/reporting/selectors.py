"""Reads of daily reporting, scope first. Completeness and totals come from the kept tallies (a few
rows per place, see services.TALLIES) and the tree's shape, cached until the tree changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope, under
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.selectors import tree_version
from qunfang.lib.figures import counted
from qunfang.lib.tallies import ancestor_ids
from qunfang.reporting.models import DataSet, Reminder, Report, ReportStatus
from qunfang.reporting.services import TALLIES

COUNTS = ("reported", "late", "zero", "approved")


def data_sets(place: OrgUnit | None = None) -> QuerySet[DataSet]:
    """The data sets in use; with a place, those reported in or under it: everywhere's, its bureaus'
    above, and those of bureaus under it."""
    found = DataSet.objects.filter(active=True).select_related("owner").prefetch_related("fields")
    if place is not None:
        found = found.filter(
            Q(owner=None) | Q(owner_id__in=[*place.ancestor_ids, place.pk]) | under(place, via="owner")
        )
    return found


def data_set_to_manage(scope: Scope, data_set_id: int) -> DataSet:
    """A bureau's own data set that the caller may change; 404 alike for the one reported everywhere
    (the operator's), another bureau's and none."""
    found = DataSet.objects.select_related("owner").filter(pk=data_set_id, owner__isnull=False).first()
    if found is None or not scope.allows(Capability.MANAGE_DATA_SETS, found.owner):
        raise Http404
    return found


def _check(scope: Scope, place: OrgUnit) -> None:
    if not scope.allows(Capability.VIEW_REPORTS, place):
        raise PermissionDenied


@dataclass
class PlaceCompleteness:
    """How a place's reporting places stand for a period (for a reporting place itself: 1 or 0)."""

    place: OrgUnit
    expected: int
    reported: int = 0
    late: int = 0
    zero: int = 0
    approved: int = 0
    report: Report | None = None  # for a reporting place: its report, if any

    @property
    def on_time(self) -> int:
        return self.reported - self.late

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        """The share that reported at all (a zero report is a report)."""
        return self.reported / self.expected if self.expected else 1.0

    @property
    def state(self) -> str:
        """One word for the cell's color: all in on time, some late, some missing, none."""
        if self.expected and self.reported == 0:
            return "missing"
        if self.missing:
            return "partial"
        return "late" if self.late else "on-time"


@dataclass
class Shape:
    """Where a data set's reporting places sit under a place: for the place and each place under it
    that holds some, (depth, how many it holds) — reporting places themselves are left out, each holds
    itself — and the place's children that hold some or report themselves, in order."""

    held: dict[int, tuple[int, int]]
    children: list[OrgUnit]

    def expected(self, place: OrgUnit) -> int:
        return self.held.get(place.pk, (0, 1))[1]


# The shapes this process has read, by cache key (which holds the tree's version): a province's is a
# few thousand entries, read on every completeness page; unpickling it each time would cost more than
# the page's query.
_shapes: dict[str, Shape] = {}


def reporting_shape(place: OrgUnit, data_set: DataSet) -> Shape:
    """The shape of the data set's reporting places under `place`, cached until the tree changes."""
    level, prefix = data_set.level, data_set.reported_under(place)
    if prefix is None:
        return Shape({}, [])
    key = f"reporting:shape:3:{tree_version()}:{place.pk}:{level}:{prefix}"  # 3: the Shape, natural order
    shape = _shapes.get(key) or cache.get(key)
    if shape is None:
        counts: dict[int, int] = defaultdict(int)
        paths = OrgUnit.objects.under(place).filter(level=level).values_list("path", flat=True)
        for path in paths:
            for pk in ancestor_ids(path)[place.depth : -1]:
                counts[pk] += 1
        depths = dict(OrgUnit.objects.filter(pk__in=counts).values_list("pk", "depth"))
        children = [
            child
            for child in OrgUnit.objects.filter(parent=place).order_by("code", "sort_name")
            if child.pk in counts or child.level == level
        ]
        shape = Shape({pk: (depths[pk], count) for pk, count in counts.items()}, children)
        cache.set(key, shape, timeout=24 * 3600)
    if len(_shapes) > 256:
        _shapes.clear()
    _shapes[key] = shape
    return shape


def _day(day: date):
    return connection.ops.adapt_datefield_value(day)


def _as_date(value) -> date:
    """A day as the database answers a plain statement (SQLite: its ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _tallies(data_set: DataSet, period_start: date, place_ids: list[int]) -> dict[int, dict[str, int]]:
    """The period's counts of each place, in one plain statement: the main read of the reporting pages,
    where building the ORM's query would cost more than the database's answer (from the index alone),
    the kept rows and the pending deltas summed."""
    places = ", ".join(["%s"] * len(place_ids))
    keys = ", ".join(["%s"] * len(COUNTS))
    rows = TALLIES.summed(
        ("place_id", "key"),
        f"place_id IN ({places}) AND data_set_id = %s AND period_start = %s AND key IN ({keys})",
        [*place_ids, data_set.pk, _day(period_start), *COUNTS],
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for place_id, key, value in rows:
        found[place_id][key] = value
    return found


@dataclass
class Completeness:
    place: PlaceCompleteness
    children: list[PlaceCompleteness] = field(default_factory=list)


def completeness(scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date) -> Completeness:
    """The place's completeness for the period, and each child's that holds reporting places: which
    reported on time, late, or not at all."""
    _check(scope, place)
    if place.level == data_set.level:
        counts = _tallies(data_set, period_start, [place.pk])
        expected = int(data_set.reported_under(place) is not None)
        return Completeness(PlaceCompleteness(place, expected, **counts.get(place.pk, {})))
    shape = reporting_shape(place, data_set)
    counts = _tallies(data_set, period_start, [place.pk, *(child.pk for child in shape.children)])
    rows = [
        PlaceCompleteness(child, shape.expected(child), **counts.get(child.pk, {}))
        for child in shape.children
    ]
    if rows and rows[0].place.level == data_set.level:
        reports = {
            report.place_id: report
            for report in Report.objects.filter(
                data_set=data_set, period_start=period_start, place__parent=place
            )
        }
        for row in rows:
            row.report = reports.get(row.place.pk)
    whole = PlaceCompleteness(place, shape.held.get(place.pk, (0, 0))[1], **counts.get(place.pk, {}))
    return Completeness(whole, rows)


@dataclass
class LevelRate:
    level: str
    places: int  # places of this level that hold reporting places
    complete: int  # of them, those whose every place reported
    expected: int
    reported: int

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0


def rates_by_level(scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date) -> list[LevelRate]:
    """For each level under the place down to the reporting one: how many of its places reported
    completely, and the share of reports in."""
    _check(scope, place)
    shape = reporting_shape(place, data_set)
    below = {pk: value for pk, value in shape.held.items() if pk != place.pk}
    marks = ", ".join(["%s"] * len(below)) or "NULL"
    reported = dict(
        TALLIES.summed(
            ("place_id",),
            f"place_id IN ({marks}) AND data_set_id = %s AND period_start = %s AND key = 'reported'",
            [*below, data_set.pk, _day(period_start)],
        )
    )
    levels = dict(OrgUnit.objects.filter(pk__in=below).values_list("pk", "level"))
    by_level: dict[str, LevelRate] = {}
    for pk, (_depth, expected) in sorted(below.items(), key=lambda item: item[1][0]):
        rate = by_level.setdefault(levels[pk], LevelRate(levels[pk], 0, 0, 0, 0))
        rate.places += 1
        rate.expected += expected
        rate.reported += reported.get(pk, 0)
        rate.complete += reported.get(pk, 0) >= expected
    whole = completeness(scope, data_set, place, period_start).place
    reporting = LevelRate(data_set.level, whole.expected, whole.reported, whole.expected, whole.reported)
    return [*by_level.values(), reporting] if place.level != data_set.level else []


def totals(
    scope: Scope, data_set: DataSet, place: OrgUnit, start: date, end: date, *, approved: bool = False
) -> dict[str, int]:
    """Each field's sum over the period for the place and everything under it: as submitted (the
    figures the moment they are in), or only what the level above approved."""
    _check(scope, place)
    prefix = "approved:" if approved else "sum:"
    sums = dict(
        TALLIES.summed(
            ("key",),
            "place_id = %s AND data_set_id = %s AND period_start BETWEEN %s AND %s AND key LIKE %s",
            [place.pk, data_set.pk, _day(start), _day(end), prefix + "%"],
        )
    )
    return {f.code: sums.get(prefix + f.code, 0) for f in data_set.fields.all()}


def report_for(scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date) -> Report | None:
    _check(scope, place)
    return (
        Report.objects.filter(data_set=data_set, place=place, period_start=period_start)
        .prefetch_related("versions__submitted_by")
        .first()
    )


def reports(scope: Scope, data_set: DataSet, place: OrgUnit, start: date, end: date) -> QuerySet[Report]:
    """The reports of the places under `place` (and its own) for the period, oldest first."""
    _check(scope, place)
    return (
        Report.objects.visible_to(scope, Capability.VIEW_REPORTS)
        .filter(under(place), data_set=data_set, period_start__range=(start, end))
        .select_related("place")
        .order_by("period_start", "place__path")
    )


def awaiting_review(scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date) -> list[Report]:
    """The reports of the place's children that wait for its approval."""
    _check(scope, place)
    return list(
        Report.objects.filter(
            data_set=data_set, period_start=period_start, place__parent=place, status=ReportStatus.SUBMITTED
        ).select_related("place")
    )


@dataclass
class Missing:
    """A reporting place that has not sent the period's report, with when it was reminded, if it was."""

    place: OrgUnit
    reminded_at: datetime | None


def missing_places(
    scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date, limit: int = 20
) -> list[Missing]:
    """The first `limit` reporting places under the place (in the tree's order) that have not sent the
    period's report: named where they are counted, so the one who finds them can call or remind."""
    _check(scope, place)
    prefix = data_set.reported_under(place)
    if prefix is None:
        return []
    sent = Report.objects.filter(data_set=data_set, period_start=period_start).values("place_id")
    found = list(
        OrgUnit.objects.under(prefix)
        .filter(level=data_set.level)
        .exclude(pk__in=sent)
        .order_by("path")[:limit]
    )
    reminders = Reminder.objects.filter(data_set=data_set, period_start=period_start, place__in=found)
    reminded = dict(reminders.values_list("place_id", "sent_at"))
    return [Missing(unit, reminded.get(unit.pk)) for unit in found]


@dataclass
class Cell:
    """A square of the completeness grid: a reporting place and how its report stands, or a place
    above them colored by its share."""

    place: OrgUnit
    state: str  # on-time, zero, late, missing, returned, approved; for a place above: its share's state
    rate: float | None = None


def report_state(report: Report | None) -> str:
    if report is None:
        return "missing"
    if report.status == ReportStatus.APPROVED:
        return "approved"
    if report.status == ReportStatus.RETURNED:
        return "returned"
    return "late" if report.late else ("zero" if report.zero else "on-time")


# A grid shows every reporting place while there are at most this many; above, a square per child.
GRID_PLACES = 600


def grid(
    scope: Scope, data_set: DataSet, found: Completeness, period_start: date
) -> list[tuple[OrgUnit | None, list[Cell]]]:
    """The completeness as colored squares, grouped: the reporting places under each child when they
    are few enough to see at a glance (a district's villages by town), else a square per child."""
    place = found.place.place
    _check(scope, place)
    if not found.children or found.place.expected > GRID_PLACES:
        return [(None, [Cell(row.place, row.state, row.rate) for row in found.children])]
    if found.children[0].place.level == data_set.level:
        return [(None, [Cell(row.place, report_state(row.report)) for row in found.children])]
    reporting = OrgUnit.objects.under(place).filter(level=data_set.level).order_by("path")
    reports = {
        report.place_id: report
        for report in Report.objects.filter(under(place), data_set=data_set, period_start=period_start)
    }
    groups: dict[int, list[Cell]] = {row.place.pk: [] for row in found.children}
    for unit in reporting:
        child = ancestor_ids(unit.path)[place.depth + 1]
        groups[child].append(Cell(unit, report_state(reports.get(unit.pk))))
    return [(row.place, groups[row.place.pk]) for row in found.children]


def period_table(
    scope: Scope, data_set: DataSet, place: OrgUnit, start: date, end: date
) -> list[tuple[date, PlaceCompleteness, dict[str, int]]]:
    """Each day's completeness and submitted sums for each child (or the place itself): the table
    a bureau exports."""
    _check(scope, place)
    shape = reporting_shape(place, data_set)
    places = [place] if place.level == data_set.level else shape.children
    fields = list(data_set.fields.all())
    kept: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    marks = ", ".join(["%s"] * len(places)) or "NULL"
    rows = TALLIES.summed(
        ("place_id", "period_start", "key"),
        f"place_id IN ({marks}) AND data_set_id = %s AND period_start BETWEEN %s AND %s",
        [*(p.pk for p in places), data_set.pk, _day(start), _day(end)],
    )
    for place_id, day, key, value in rows:
        kept[place_id, _as_date(day)][key] = value
    table = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        for unit in places:
            found = kept.get((unit.pk, day), {})
            counts = {key: found.get(key, 0) for key in COUNTS}
            expected = shape.expected(unit)
            sums = {f.code: found.get(f"sum:{f.code}", 0) for f in fields}
            table.append((day, PlaceCompleteness(unit, expected, **counts), sums))
    return table


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class ReportFigures:
    day: date | None = counted(
        _(
            "The day the completeness is for: the period's last day, or yesterday when the period reaches "
            "today (a day's reports are due the next morning)."
        ),
        default=None,
    )
    expected: int = counted(_("Places that should report the epidemic's daily report for that day."))
    reported: int = counted(_("Of them, those that reported (a zero report is a report)."))
    zero: int = counted(_("Of the reports, those that said there was nothing to report."))
    late: int = counted(_("Of the reports, those that came after the deadline."))


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> ReportFigures:
    found = ReportFigures()
    data_set = DataSet.objects.filter(code="epidemic_daily").first()
    if not scope.allows(Capability.VIEW_REPORTS, place) or data_set is None:
        return found
    if data_set.reported_under(place) is None and place.level != data_set.level:
        return found
    day = min(end, timezone.localdate() - timedelta(days=1))
    if day < start:
        day = start
    whole = completeness(scope, data_set, place, data_set.period_of(day)).place
    found.day = day
    found.expected, found.reported, found.zero, found.late = (
        whole.expected,
        whole.reported,
        whole.zero,
        whole.late,
    )
    return found
