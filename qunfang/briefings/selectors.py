"""The figures of a place and period, read from what the apps keep (the activity totals, the report
tallies, the donation totals) and checked against the reader's scope one block at a time: what the
dashboard shows and what a briefing quotes. `raw=True` reckons the same figures from the raw records,
for the benchmark that shows what keeping them saves."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from qunfang.briefings.models import Briefing, Notice
from qunfang.core.access import Scope
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.core.roles import Capability


@dataclass
class Figures:
    place: str
    start: str
    end: str
    bureau: bool = True  # a district or above writes as the bureau (我局), a town or village as its station
    activities: list[dict] = field(default_factory=list)  # code, name, unit, count, reached
    activities_before: int = 0  # the same length of time just before: the trend
    sms_sent: int = 0
    sms_delivered: int = 0
    campaigns: int = 0
    donations_total: str = "0"
    donations: int = 0
    by_purpose: list[dict] = field(default_factory=list)
    handovers: list[dict] = field(default_factory=list)
    stock: list[dict] = field(default_factory=list)
    reports: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    organisation: dict = field(default_factory=dict)
    community: dict = field(default_factory=dict)

    def activity(self, code: str) -> dict:
        return next((a for a in self.activities if a["code"] == code), {"count": 0, "reached": 0})

    @property
    def activities_total(self) -> int:
        return sum(a["count"] for a in self.activities)

    def as_json(self) -> dict:
        return asdict(self)


def yuan_text(amount) -> str:
    """Yuan as the reports write them: 161796, 11796.5."""
    text = f"{Decimal(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figures(scope: Scope, place: OrgUnit, start: date, end: date, *, raw: bool = False) -> Figures:
    found = Figures(
        place=place.name,
        start=start.isoformat(),
        end=end.isoformat(),
        bureau=LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT],
    )
    if scope.allows(Capability.VIEW_ACTIVITIES, place):
        _activities(scope, place, start, end, found, raw)
        _messages(place, start, end, found)
    if scope.allows(Capability.VIEW_DONATIONS, place):
        _donations(scope, place, start, end, found, raw)
    if scope.allows(Capability.VIEW_REPORTS, place):
        _reports(scope, place, end, found)
    if scope.allows(Capability.VIEW_OPERATIONS, place):
        _operations(scope, place, start, end, found)
    if scope.allows(Capability.VIEW_COMMUNITY, place):
        _community(place, found)
    return found


def _activities(scope: Scope, place: OrgUnit, start: date, end: date, found: Figures, raw: bool) -> None:
    from qunfang.mobilization import selectors as mobilization
    from qunfang.mobilization.models import ActivityRecord

    before = (start - (end - start) - timedelta(days=1), start - timedelta(days=1))
    if raw:
        sums = {
            row["activity_type"]: row
            for row in ActivityRecord.objects.filter(
                place__path__startswith=place.path, day__range=(start, end)
            )
            .values("activity_type")
            .annotate(count=Sum("count"), reached=Sum("people_reached"))
        }
        rows = [
            {
                "type": kind,
                "count": int(sums.get(kind.pk, {}).get("count") or 0),
                "reached": int(sums.get(kind.pk, {}).get("reached") or 0),
            }
            for kind in mobilization.activity_types()
        ]
        found.activities_before = (
            ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=before).aggregate(
                n=Sum("count")
            )["n"]
            or 0
        )
    else:
        rows = mobilization.totals(scope, place, start, end)
        found.activities_before = sum(r["count"] for r in mobilization.totals(scope, place, *before))
    found.activities = [
        {
            "code": r["type"].code,
            "name": r["type"].name,
            "unit": r["type"].unit,
            "count": r["count"],
            "reached": r["reached"],
        }
        for r in rows
    ]


def _messages(place: OrgUnit, start: date, end: date, found: Figures) -> None:
    """Messages of the campaigns the place and those under it started in the period."""
    from qunfang.messaging.models import Campaign, Message, MessageState

    campaigns = Campaign.objects.filter(
        place__path__startswith=place.path, started_at__date__range=(start, end)
    ).values("pk")
    counts = dict(
        Message.objects.filter(campaign__in=campaigns)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    found.campaigns = len(campaigns)
    found.sms_delivered = counts.get(MessageState.DELIVERED, 0)
    found.sms_sent = counts.get(MessageState.SENT, 0) + found.sms_delivered


def _donations(scope: Scope, place: OrgUnit, start: date, end: date, found: Figures, raw: bool) -> None:
    from qunfang.donations import selectors as donations
    from qunfang.donations.models import CashDonation, Designation, HandOver, yuan

    if raw:
        gifts = CashDonation.objects.filter(place__path__startswith=place.path)
        parts = (
            Designation.objects.filter(donation__in=gifts)
            .values("purpose")
            .annotate(fen=Sum("amount_fen"))
            .order_by("-fen", "purpose")
        )
        found.by_purpose = [{"purpose": p["purpose"], "amount": str(yuan(p["fen"]))} for p in parts]
        found.donations = gifts.count()
        found.donations_total = str(yuan(gifts.aggregate(fen=Sum("amount_fen"))["fen"]))
    else:
        rows = donations.totals_by_purpose_in_all(place)
        found.by_purpose = [{"purpose": r["purpose"], "amount": str(r["amount"])} for r in rows]
        found.donations = CashDonation.objects.filter(place__path__startswith=place.path).count()
        found.donations_total = str(sum((r["amount"] for r in rows), Decimal(0)))
    sheets = HandOver.objects.filter(place__path__startswith=place.path, day__range=(start, end)).annotate(
        gifts=Count("donations")
    )
    found.handovers = [
        {
            "recipient": s.recipient,
            "day": s.day.isoformat(),
            "donations": s.gifts,
            "total": str(yuan(s.total_fen)),
        }
        for s in sheets.order_by("day")
    ]
    found.stock = [
        {"item": level.item.name, "unit": level.item.unit, "on_hand": level.on_hand}
        for level in donations.stock(scope, place).filter(place=place)[:20]
    ]


def _reports(scope: Scope, place: OrgUnit, day: date, found: Figures) -> None:
    from qunfang.reporting import selectors as reporting
    from qunfang.reporting.models import DataSet

    data_set = DataSet.objects.filter(code="epidemic_daily").first()
    if data_set is None or not data_set.reported_under(place) and place.level != data_set.level:
        return
    whole = reporting.completeness(scope, data_set, place, day).place
    found.reports = {
        "day": day.isoformat(),
        "expected": whole.expected,
        "reported": whole.reported,
        "zero": whole.zero,
        "late": whole.late,
    }


def _operations(scope: Scope, place: OrgUnit, start: date, end: date, found: Figures) -> None:
    from qunfang.operations import selectors as operations
    from qunfang.operations.models import DutyShift, TaskStatus

    tasks = operations.tasks(scope, place)
    today = timezone.localdate()
    found.tasks = {
        "open": tasks.exclude(status=TaskStatus.DONE).count(),
        "overdue": tasks.exclude(status=TaskStatus.DONE).filter(due__lt=today).count(),
        "done": tasks.filter(status=TaskStatus.DONE).count(),
    }
    board = operations.health_board(scope, place, today)
    found.staff = {"total": len(board.rows), "checked_in": board.checked_in, "unwell": len(board.unwell)}
    group = operations.groups(scope, place).filter(place=place).first()
    plan = operations.plans(scope, place).filter(place=place, start__lte=end, end__gte=start).first()
    head = group and group.members.filter(role="leader").select_related("staff").first()
    found.organisation = {
        "group": group.name if group else "",
        "head": head.staff.name if head else "",
        "head_title": head.staff.title if head else "",
        "plan": plan.title if plan else "",
        "plan_tasks": plan.task_count if plan else 0,
        "shifts": DutyShift.objects.filter(place=place, start__date__range=(start, end)).count(),
    }


def _community(place: OrgUnit, found: Figures) -> None:
    from qunfang.community.models import Building, Household, Merchant, NoticeDelivery, Resident

    under = {"place__path__startswith": place.path}
    residents = Resident.objects.filter(**under)
    if not residents.exists():
        return
    found.community = {
        "buildings": Building.objects.filter(**under).count(),
        "households": Household.objects.filter(**under).count(),
        "residents": residents.count(),
        "merchants": Merchant.objects.filter(**under).count(),
        "merchants_open": Merchant.objects.filter(is_open=True, **under).count(),
        "notices_delivered": NoticeDelivery.objects.filter(**under).count(),
    }


# --- briefings and notices -----------------------------------------------------------------------------


def briefings(scope: Scope, place: OrgUnit):
    return Briefing.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(place=place)


def submitted_from_below(scope: Scope, place: OrgUnit):
    """What the places one level down sent up: the level above sees each child's briefings."""
    return (
        Briefing.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(place__parent=place, submitted_at__isnull=False)
        .select_related("place")
        .order_by("-submitted_at")
    )


def notices(scope: Scope, place: OrgUnit):
    return Notice.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(place=place)


def published(place: OrgUnit) -> tuple:
    """What anyone may read on the place's public page."""
    return (
        Notice.objects.filter(place=place, published_at__isnull=False).order_by("-published_at"),
        Briefing.objects.filter(place=place, published_at__isnull=False).order_by("-published_at"),
    )


def changes(found: Figures) -> int | None:
    """The activities' change against the period before, in percent (None when nothing came before)."""
    if not found.activities_before:
        return None
    return round(100 * (found.activities_total - found.activities_before) / found.activities_before)


# --- the benchmark's baseline: the dashboard's tables reckoned from the raw records --------------------


def by_day_raw(place: OrgUnit, start: date, end: date) -> list[dict]:
    """What mobilization.selectors.by_day reads from the kept totals, summed from the ledger."""
    from qunfang.mobilization import selectors as mobilization
    from qunfang.mobilization.models import ActivityRecord

    kinds = [kind.pk for kind in mobilization.activity_types()]
    sums = {
        (row["day"], row["activity_type"]): row["count"]
        for row in ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=(start, end))
        .values("day", "activity_type")
        .annotate(count=Sum("count"))
    }
    days = sorted({day for day, _kind in sums})
    return [{"day": day, "counts": [sums.get((day, kind), 0) for kind in kinds]} for day in days]


def breakdown_raw(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """What mobilization.selectors.breakdown reads from the kept totals, summed from the ledger."""
    from django.db.models import Case, IntegerField, Value, When

    from qunfang.mobilization import selectors as mobilization
    from qunfang.mobilization.models import ActivityRecord

    kinds = [kind.pk for kind in mobilization.activity_types()]
    children = list(
        OrgUnit.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(parent=place)
        .order_by("code", "name")
    )
    if not children:
        return []
    child = Case(
        *[When(place__path__startswith=c.path, then=Value(c.pk)) for c in children],
        output_field=IntegerField(),
    )
    rows = (
        ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=(start, end))
        .annotate(child=child)
        .values("child", "activity_type")
        .annotate(count=Sum("count"))
    )
    sums = {(row["child"], row["activity_type"]): row["count"] for row in rows}
    return [{"place": c, "counts": [sums.get((c.pk, kind), 0) for kind in kinds]} for c in children]
