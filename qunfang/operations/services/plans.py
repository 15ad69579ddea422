"""Work plans and their tasks: one owner each, inside the plan's place; given to every station one
level down at once, pushed down again from there; progress notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service
from qunfang.mobilization.models import Team
from qunfang.operations.models import Section, StaffMember, Task, TaskNote, TaskStatus, WorkPlan
from qunfang.operations.services.rules import _required, _under

# --- work plans and tasks ------------------------------------------------------------------------------


@service
def save_plan(
    *,
    by: User | None,
    place: OrgUnit,
    title: str,
    start: date,
    end: date,
    text: str = "",
    plan: WorkPlan | None = None,
) -> WorkPlan:
    title = _required(title, "title", _("Enter the plan's title."))
    if end < start:
        raise ValidationError({"end": _("A plan ends on or after the day it starts.")})
    plan = plan or WorkPlan(place=place, created_by=audit.acting_user(by))
    plan.title, plan.start, plan.end, plan.text = title[:120], start, end, text.strip()
    plan.save()
    audit.record(by=by, action="work_plan.save", place=place, target=plan)
    return plan


@dataclass(frozen=True)
class Owner:
    """Who a task is given to: exactly one of a person, a section, a station (a place) or a team."""

    staff: StaffMember | None = None
    section: Section | None = None
    station: OrgUnit | None = None
    team: Team | None = None

    @property
    def place(self) -> OrgUnit:
        if self.station is not None:
            return self.station
        found = self.staff or self.section or self.team
        return found.place

    def given(self) -> list:
        return [x for x in (self.staff, self.section, self.station, self.team) if x is not None]


def _task_fields(title: str, due: date, plan: WorkPlan) -> str:
    title = _required(title, "title", _("Enter the task."))
    if due < plan.start:
        raise ValidationError({"due": _("A task cannot be due before its plan starts.")})
    return title[:200]


@service
def add_task(
    *,
    by: User | None,
    plan: WorkPlan,
    title: str,
    due: date,
    owner: Owner,
    detail: str = "",
    parent: Task | None = None,
) -> Task:
    """A task of the plan with its one owner, who must be within the plan's place."""
    title = _task_fields(title, due, plan)
    if len(owner.given()) != 1:
        raise ValidationError({"owner": _("Give the task to one person, section, station or team.")})
    if not _under(owner.place, plan.place):
        raise ValidationError(
            {
                "owner": _("%(owner)s is not under %(place)s: give the task to someone within it.")
                % {"owner": owner.given()[0], "place": plan.place.name}
            }
        )
    task = Task.objects.create(
        plan=plan,
        parent=parent,
        place=owner.place,
        title=title,
        detail=detail.strip(),
        due=due,
        owner_staff=owner.staff,
        owner_section=owner.section,
        owner_station=owner.station,
        owner_team=owner.team,
    )
    audit.record(by=by, action="task.add", place=owner.place, target=task)
    return task


def _stations_below(place: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent=place).exclude(station_kind="").order_by("path"))


@service
def give_out_task(
    *, by: User | None, plan: WorkPlan, kind: str, owner, title: str, due: date, detail: str = ""
) -> list[Task]:
    """A task of the plan for one owner (kind "staff", "section", "station" or "team"), or for every
    station one level below a place at once (kind "below"): what the page and the API both give out."""
    if kind == "below":
        return assign_to_stations(by=by, plan=plan, under=owner, title=title, due=due, detail=detail)
    return [add_task(by=by, plan=plan, owner=Owner(**{kind: owner}), title=title, due=due, detail=detail)]


@service
def assign_to_stations(
    *,
    by: User | None,
    plan: WorkPlan,
    under: OrgUnit,
    title: str,
    due: date,
    detail: str = "",
    parent: Task | None = None,
) -> list[Task]:
    """The same task for every station one level below `under` at once (the district to its towns).
    From a task already given to `under` (`parent`), it is pushed down; a station that has it already
    keeps its own and gets no second one."""
    title = _task_fields(title, due, plan)
    if not _under(under, plan.place):
        raise ValidationError(
            {
                "owner": _("%(owner)s is not under %(place)s: give the task to someone within it.")
                % {"owner": under.name, "place": plan.place.name}
            }
        )
    stations = _stations_below(under)
    if not stations:
        raise ValidationError({"owner": _("%(place)s has no station below it.") % {"place": under.name}})
    if parent is not None:
        have = set(parent.pushed_down.values_list("owner_station_id", flat=True))
        stations = [s for s in stations if s.pk not in have]
    tasks = Task.objects.bulk_create(
        Task(plan=plan, parent=parent, place=s, owner_station=s, title=title, detail=detail.strip(), due=due)
        for s in stations
    )
    audit.record(
        by=by,
        action="task.assign_to_stations",
        place=under,
        target=plan,
        after={"title": title, "stations": [s.pk for s in stations], "parent": parent and parent.pk},
    )
    return tasks


@service
def push_down(*, by: User | None, task: Task) -> list[Task]:
    """A station's task, given on to each station one level below it."""
    if task.owner_station is None:
        raise ValidationError(_("Only a station's task can be pushed down to the stations below it."))
    return assign_to_stations(
        by=by,
        plan=task.plan,
        under=task.owner_station,
        title=task.title,
        due=task.due,
        detail=task.detail,
        parent=task,
    )


@service
def report_progress(*, by: User | None, task: Task, status: str, note: str = "") -> Task:
    """A progress note, and the status it leaves the task in."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose the task's status.")})
    note = note.strip()
    if not note and status == task.status:
        raise ValidationError({"note": _("Write what was done, or change the status.")})
    TaskNote.objects.create(task=task, text=note[:500], status=status, by=audit.acting_user(by))
    before = {"status": task.status}
    task.status = status
    task.done_on = timezone.localdate() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "done_on"])
    audit.record(
        by=by,
        action="task.progress",
        place=task.place,
        target=task,
        before=before,
        after={"status": status, "note": note[:500]},
    )
    return task
