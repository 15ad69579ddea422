"""Reads of a bureau's operations, scope first: staff, groups, plans with their progress per owner,
tasks (one's own and a place's), the day's health board, who is away, the roster's week and its gaps,
office measures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted
from qunfang.operations.models import (
    CheckIn,
    DutyShift,
    GroupMember,
    GroupRole,
    LeadingGroup,
    Leave,
    OfficeMeasure,
    ReturnScreening,
    Section,
    StaffMember,
    Task,
    TaskStatus,
    WorkPlan,
)

VIEW = Capability.VIEW_OPERATIONS
ROSTER_DAYS = 14  # how far ahead the roster is checked for hours nobody covers


def _under(queryset: QuerySet, scope: Scope, place: OrgUnit, path_field: str = "place__path") -> QuerySet:
    return queryset.visible_to(scope, VIEW).filter(**{f"{path_field}__startswith": place.path})


def staff(scope: Scope, place: OrgUnit, *, active_only: bool = True) -> QuerySet[StaffMember]:
    found = _under(StaffMember.objects.select_related("place", "section", "user"), scope, place)
    return found.filter(active=True) if active_only else found


def sections(scope: Scope, place: OrgUnit) -> QuerySet[Section]:
    return Section.objects.visible_to(scope, VIEW).filter(place=place)


def groups(scope: Scope, place: OrgUnit) -> QuerySet[LeadingGroup]:
    return _under(LeadingGroup.objects.select_related("place"), scope, place)


ROLE_ORDER = {GroupRole.LEADER: 0, GroupRole.DEPUTY: 1, GroupRole.MEMBER: 2}


def group_members(group: LeadingGroup) -> list[GroupMember]:
    """Head first, then deputies, then members."""
    members = group.members.select_related("staff", "staff__place", "staff__section")
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.staff.name))


# --- plans and tasks -----------------------------------------------------------------------------------


def plans(scope: Scope, place: OrgUnit) -> QuerySet[WorkPlan]:
    found = _under(WorkPlan.objects.select_related("place"), scope, place).order_by("-start", "pk")
    return found.annotate(
        task_count=Count("tasks"), done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE))
    )


def _with_owner(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return queryset.select_related(
        "plan", "place", "owner_staff", "owner_section", "owner_station", "owner_team"
    )


def tasks(scope: Scope, place: OrgUnit, *, status: str = "", overdue: bool = False) -> QuerySet[Task]:
    """The tasks whose owners are at the place or below it: a station's own list."""
    found = _with_owner(_under(Task.objects.all(), scope, place))
    if status:
        found = found.filter(status=status)
    if overdue:
        found = found.exclude(status=TaskStatus.DONE).filter(due__lt=timezone.localdate())
    return found.order_by("status" if not status else "due", "due", "pk")


def plan_tasks(plan: WorkPlan) -> QuerySet[Task]:
    return (
        _with_owner(plan.tasks.all())
        .annotate(pushed_count=Count("pushed_down"))
        .order_by("due", "place__path", "pk")
    )


_UNREAD = object()


def my_tasks(user: User, member: StaffMember | None | object = _UNREAD) -> QuerySet[Task]:
    """The tasks given to the user: to them as a staff member (`member`, when the caller has read it),
    to their section, or to a station they work at. Not scoped by capability: they are the owner."""
    mine = Q(owner_station__in=user.memberships.values("place_id"))
    if member is _UNREAD:
        member = StaffMember.objects.filter(user=user).first()
    if member is not None:
        mine |= Q(owner_staff=member)
        if member.section_id:
            mine |= Q(owner_section_id=member.section_id)
    return _with_owner(Task.objects.filter(mine)).order_by("status", "due", "pk")


@dataclass
class OwnerProgress:
    owner: str
    place: OrgUnit
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_by_owner(plan: WorkPlan) -> list[OwnerProgress]:
    """The plan's tasks counted per owner (pushed-down tasks under the station that got them)."""
    rows: dict[tuple[str, int], OwnerProgress] = {}
    today = timezone.localdate()
    for task in _with_owner(plan.tasks.all()).order_by("place__path"):
        key = (task.owner_kind, task.owner.pk)
        row = rows.setdefault(key, OwnerProgress(owner=str(task.owner), place=task.place))
        row.total += 1
        row.done += task.status == TaskStatus.DONE
        row.overdue += task.status != TaskStatus.DONE and task.due < today
    return sorted(rows.values(), key=lambda r: (r.place.path, r.owner))


# --- health --------------------------------------------------------------------------------------------


@dataclass
class HealthRow:
    staff: StaffMember
    check_in: CheckIn | None
    on_leave: Leave | None


@dataclass
class HealthBoard:
    day: date
    rows: list[HealthRow] = field(default_factory=list)

    @property
    def missing(self) -> list[HealthRow]:
        return [r for r in self.rows if r.check_in is None and r.on_leave is None]

    @property
    def unwell(self) -> list[HealthRow]:
        return [r for r in self.rows if r.check_in is not None and r.check_in.unwell]

    @property
    def checked_in(self) -> int:
        return sum(r.check_in is not None for r in self.rows)


def health_board(scope: Scope, place: OrgUnit, day: date) -> HealthBoard:
    """Every active staff member under the place with the day's check-in, or the leave that excuses
    them; the missing and the unwell are read from it."""
    people = list(staff(scope, place).order_by("place__path", "name", "pk"))
    ids = [p.pk for p in people]
    check_ins = {c.staff_id: c for c in CheckIn.objects.filter(staff_id__in=ids, day=day)}
    leaves = {lv.staff_id: lv for lv in Leave.objects.filter(staff_id__in=ids, start__lte=day, end__gte=day)}
    board = HealthBoard(day=day)
    board.rows = [HealthRow(p, check_ins.get(p.pk), leaves.get(p.pk)) for p in people]
    return board


def check_ins(scope: Scope, place: OrgUnit, start: date, end: date) -> QuerySet[CheckIn]:
    return _under(
        CheckIn.objects.select_related("staff", "staff__place"), scope, place, "staff__place__path"
    ).filter(day__range=(start, end))


def return_screenings(scope: Scope, place: OrgUnit) -> QuerySet[ReturnScreening]:
    return _under(ReturnScreening.objects.select_related("staff"), scope, place, "staff__place__path")


def leaves(scope: Scope, place: OrgUnit) -> QuerySet[Leave]:
    return _under(Leave.objects.select_related("staff", "staff__place"), scope, place, "staff__place__path")


def away_on(scope: Scope, place: OrgUnit, day: date) -> QuerySet[Leave]:
    return leaves(scope, place).filter(start__lte=day, end__gte=day).order_by("staff__name")


# --- the duty roster -----------------------------------------------------------------------------------


def shifts(scope: Scope, place: OrgUnit, start: datetime, end: datetime) -> QuerySet[DutyShift]:
    """The place's own shifts that touch [start, end)."""
    return (
        DutyShift.objects.visible_to(scope, VIEW)
        .filter(place=place, start__lt=end, end__gt=start)
        .select_related("leader")
        .prefetch_related(Prefetch("staff", queryset=StaffMember.objects.order_by("name")))
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class Gap:
    """A stretch of time nobody covers (`what` = "anyone") or no leader covers (`what` = "leader")."""

    what: str
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def uncovered(
    covered: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that none of the intervals covers. Works on instants, so a day is
    as long as the clock says in any time zone."""
    gaps, reached = [], start
    for begin, finish in sorted(covered):
        if finish <= reached:
            continue
        if begin > reached:
            gaps.append((reached, min(begin, end)))
        reached = max(reached, finish)
        if reached >= end:
            break
    if reached < end:
        gaps.append((reached, end))
    return [(a, b) for a, b in gaps if a < b]


def roster_gaps(place: OrgUnit, start: datetime, end: datetime) -> list[Gap]:
    """Every stretch of [start, end) with nobody on duty, or with no leader on duty, at the place."""
    found = list(
        DutyShift.objects.filter(place=place, start__lt=end, end__gt=start)
        .annotate(people=Count("staff"))
        .values_list("start", "end", "leader_id", "people")
    )
    anyone = [(s, e) for s, e, leader, people in found if leader or people]
    leaders = [(s, e) for s, e, leader, _people in found if leader]
    gaps = [Gap("anyone", a, b) for a, b in uncovered(anyone, start, end)]
    gaps += [Gap("leader", a, b) for a, b in uncovered(leaders, start, end)]
    return sorted(gaps, key=lambda g: (g.start, g.what))


def roster_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """From the start of the present hour (local time) to the same hour 14 days on."""
    local = timezone.localtime(now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    return local, local + timedelta(days=ROSTER_DAYS)


def uncovered_hours(gaps: list[Gap]) -> list[datetime]:
    """The local clock hours a gap touches, each once: what the roster flags."""
    hours = set()
    for gap in gaps:
        hour = timezone.localtime(gap.start).replace(minute=0, second=0, microsecond=0)
        while hour < gap.end:
            hours.add(hour)
            hour = timezone.localtime(hour + timedelta(hours=1))
    return sorted(hours)


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class RosterEntry:
    """A shift as one day of the week lists it: in full on the day it starts, and as a continuation on
    the next when it runs past midnight (or on the week's first day when it started the week before)."""

    shift: DutyShift
    continued: bool  # this day only holds the shift's end, from midnight
    on_duty_now: bool


def roster_week(
    scope: Scope, place: OrgUnit, monday: date, now: datetime | None = None
) -> dict[date, list[RosterEntry]]:
    """Each day of the week with its shifts: each shift once, on its first day, and continued on the
    next; the shift on duty at this moment marked."""
    now = now or timezone.now()
    days = week_days(monday)
    start = timezone.make_aware(datetime.combine(days[0], datetime.min.time()))
    end = timezone.make_aware(datetime.combine(days[-1] + timedelta(days=1), datetime.min.time()))
    by_day: dict[date, list[RosterEntry]] = defaultdict(list)
    for shift in shifts(scope, place, start, end):
        first = timezone.localtime(shift.start).date()
        last = timezone.localtime(shift.end - timedelta(microseconds=1)).date()
        for day in days:
            if first <= day <= last:
                by_day[day].append(RosterEntry(shift, day != first, shift.start <= now < shift.end))
    return {day: by_day[day] for day in days}


# --- office measures -----------------------------------------------------------------------------------


def measures(scope: Scope, place: OrgUnit, start: date, end: date) -> QuerySet[OfficeMeasure]:
    return _under(OfficeMeasure.objects.select_related("place"), scope, place).filter(day__range=(start, end))


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class OperationFigures:
    tasks_open: int = counted(
        _("Tasks of this place and below not yet done today, whatever the period shown."), running=True
    )
    tasks_overdue: int = counted(_("Of the open tasks, those past their due day, today."), running=True)
    tasks_done: int = counted(_("Tasks of this place and below marked done, so far."), running=True)
    staff: int = counted(_("Staff of this place and below on the health board today."), running=True)
    staff_checked_in_today: int = counted(
        _("Staff of this place and below who checked in today, whatever the period shown."), running=True
    )
    staff_unwell_today: int = counted(
        _("Staff of this place and below unwell today (fever or symptoms), whatever the period shown."),
        running=True,
    )
    leading_group: str = counted(_("The place's own leading group."), default="")
    group_head: str = counted(_("The head of that group."), default="")
    group_head_title: str = counted(_("The head's title."), default="")
    plan: str = counted(_("The place's work plan covering part of the period."), default="")
    plan_tasks: int = counted(_("The tasks of that plan."))
    duty_shifts_in_period: int = counted(
        _("Duty shifts of the place itself starting on a day in the period.")
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> OperationFigures:
    found = OperationFigures()
    if not scope.allows(Capability.VIEW_OPERATIONS, place):
        return found
    today = timezone.localdate()
    found_tasks = tasks(scope, place)
    found.tasks_open = found_tasks.exclude(status=TaskStatus.DONE).count()
    found.tasks_overdue = found_tasks.exclude(status=TaskStatus.DONE).filter(due__lt=today).count()
    found.tasks_done = found_tasks.filter(status=TaskStatus.DONE).count()
    board = health_board(scope, place, today)
    found.staff, found.staff_checked_in_today = len(board.rows), board.checked_in
    found.staff_unwell_today = len(board.unwell)
    group = groups(scope, place).filter(place=place).first()
    if group:
        found.leading_group = group.name
        head = group.members.filter(role=GroupRole.LEADER).select_related("staff").first()
        if head:
            found.group_head, found.group_head_title = head.staff.name, head.staff.title
    plan = plans(scope, place).filter(place=place, start__lte=end, end__gte=start).first()
    if plan:
        found.plan, found.plan_tasks = plan.title, plan.task_count
    found.duty_shifts_in_period = DutyShift.objects.filter(
        place=place, start__date__range=(start, end)
    ).count()
    return found
