"""A bureau's day of work under /api/v1/operations: staff, health check-ins, the day's board and the
reminders to check in, return-to-work screening, leave, duty shifts with their handover notes, the
roster's gaps and its phones for the printed week, work plans and tasks (given out, pushed down,
progress), office measures. The same services and scoping as the pages."""

from datetime import date, datetime

from django.db.models import TextChoices
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for, under
from qunfang.core.models import OrgUnit, User
from qunfang.core.once import answer_shown_once
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Moment, Pages, Text
from qunfang.mobilization.models import Team
from qunfang.operations import selectors, services
from qunfang.operations.models import (
    DutyShift,
    LeaveKind,
    MeasureKind,
    Section,
    StaffMember,
    Symptom,
    Task,
    TaskStatus,
    WorkMode,
    WorkPlan,
)

router = Router(tags=["operations"])
VIEW, MANAGE = Capability.VIEW_OPERATIONS, Capability.MANAGE_OPERATIONS


def _staff(request, staff_id: int, capability: Capability = VIEW) -> StaffMember:
    return get_for(request.scope, StaffMember.objects.select_related("place"), capability, pk=staff_id)


class StaffMemberOut(Schema):
    id: int
    place_id: int
    name: str
    title: str
    section: str | None
    phone: str | None = Field(None, description="masked")
    user_id: int | None
    active: bool

    @staticmethod
    def resolve_section(person: StaffMember) -> str | None:
        return person.section.name if person.section else None

    @staticmethod
    def resolve_phone(person: StaffMember) -> str | None:
        return person.phone.masked if person.phone else None


class StaffChange(Schema):
    """A staff member as they are to be (as the page's form sends them)."""

    name: Text = Field(..., max_length=50)
    title: Text = Field("", max_length=60)
    section_id: Id | None = Field(None, description="a section of the person's place")
    phone: Text = Field("", max_length=20, description="empty keeps the number on record")
    user_id: Id | None = Field(None, description="an account of the place or below: the person checks in")
    active: bool = Field(True, description="still on the staff")


class StaffMemberIn(StaffChange):
    place_id: Id


def _staff_fields(request, place: OrgUnit, data: StaffChange) -> dict:
    section = Section.objects.filter(place=place, pk=data.section_id).first() if data.section_id else None
    user = None
    if data.user_id:
        # The accounts the page offers: active, with a membership at the place or below.
        accounts = User.objects.filter(under(place, via="memberships__place"), is_active=True)
        user = accounts.filter(pk=data.user_id).distinct().first()
        if user is None:
            raise Http404
    fields = data.dict(exclude={"place_id", "section_id", "user_id"})
    return {**fields, "section": section, "user": user}


@router.get("/operations/staff", response={200: list[StaffMemberOut], **ERRORS})
@paginate(Pages)
def list_staff(request, place_id: Id):
    return selectors.staff(request.scope, place_for(request, place_id, VIEW))


@router.post("/operations/staff", response={201: StaffMemberOut, **ERRORS})
def add_staff(request, data: StaffMemberIn):
    place = place_for(request, data.place_id, MANAGE)
    person = services.save_staff(by=request.auth, place=place, **_staff_fields(request, place, data))
    return Status(201, person)


@router.put("/operations/staff/{staff_id}", response={200: StaffMemberOut, **ERRORS})
def change_staff(request, staff_id: Id, data: StaffChange):
    person = _staff(request, staff_id, MANAGE)
    fields = _staff_fields(request, person.place, data)
    fields["phone"] = fields["phone"] or None  # empty keeps the number, as on the page
    return services.save_staff(by=request.auth, place=person.place, staff=person, **fields)


# --- health --------------------------------------------------------------------------------------------


class CheckInBody(Schema):
    staff_id: Id
    day: Day
    temperature: Text = Field(..., max_length=6, description='°C to one decimal: "36.5"')
    whereabouts: Text = Field(..., max_length=100)
    mode: WorkMode = WorkMode.AT_WORK
    symptoms: list[Symptom] = Field(default_factory=list, max_length=10)
    came_back_from: Text = Field("", max_length=100)
    came_back_on: Day | None = None


class CheckInOut(Schema):
    id: int
    staff_id: int
    day: date
    temperature: str
    symptoms: list[str]
    whereabouts: str
    mode: str
    unwell: bool

    @staticmethod
    def resolve_temperature(record) -> str:
        return str(record.temperature)


@router.post("/operations/check-ins", response={201: CheckInOut, **ERRORS})
def check_in(request, data: CheckInBody):
    """One's own check-in (the account linked to the staff member), or a colleague's by station staff."""
    person = StaffMember.objects.filter(pk=data.staff_id, user=request.auth).first() or _staff(
        request, data.staff_id, MANAGE
    )
    record = services.check_in(by=request.auth, staff=person, **data.dict(exclude={"staff_id"}))
    return Status(201, record)


class PersonRef(Schema):
    staff_id: int
    name: str
    place_id: int


class HealthOut(Schema):
    day: date
    staff: int
    checked_in: int
    missing: list[PersonRef]
    unwell: list[PersonRef]


def _ref(row) -> dict:
    return {"staff_id": row.staff.pk, "name": row.staff.name, "place_id": row.staff.place_id}


@router.get("/operations/health", response={200: HealthOut, **ERRORS})
def health(request, place_id: Id, day: Day | None = None):
    board = selectors.health_board(
        request.scope, place_for(request, place_id, VIEW), day or timezone.localdate()
    )
    return {
        "day": board.day,
        "staff": len(board.rows),
        "checked_in": board.checked_in,
        "missing": [_ref(r) for r in board.missing],
        "unwell": [_ref(r) for r in board.unwell],
    }


class ReturnScreeningBody(Schema):
    first_day: Day = Field(..., description="the first day back at work")
    came_from: Text = Field(..., max_length=100)
    arrived_on: Day | None = None
    risk_area: bool = False
    contact: bool = Field(False, description="with a confirmed or suspected case")
    observed_days: int = Field(0, ge=0, le=60, description="days of home observation done")
    temperature: Text = Field(..., max_length=6, description='°C to one decimal: "36.5"')
    symptoms: list[Symptom] = Field(default_factory=list, max_length=10)
    note: Text = Field("", max_length=300)


class ReturnScreeningOut(Schema):
    id: int
    staff_id: int
    first_day: date
    came_from: str
    arrived_on: date | None
    risk_area: bool
    contact: bool
    observed_days: int
    temperature: str
    symptoms: list[str]
    cleared: bool = Field(..., description="no fever, no symptom, and any home observation done")
    note: str

    @staticmethod
    def resolve_temperature(screening) -> str:
        return str(screening.temperature)


@router.post("/operations/staff/{staff_id}/return-screenings", response={201: ReturnScreeningOut, **ERRORS})
def screen_return(request, staff_id: Id, data: ReturnScreeningBody):
    """The screening before a person's first day back; `cleared` says whether they may come in."""
    person = _staff(request, staff_id, MANAGE)
    return Status(201, services.screen_return(by=request.auth, staff=person, **data.dict()))


class RemindBody(Schema):
    place_id: Id = Field(..., description="this place and everything under it")


class RemindedOut(Schema):
    reminded: int = Field(..., description="staff members reminded now (each at most once a day)")


@router.post("/operations/check-in-reminders", response={200: RemindedOut, **ERRORS})
def remind_to_check_in(request, data: RemindBody):
    """Remind at once everyone under the place who has not checked in today and is not on leave."""
    place = place_for(request, data.place_id, MANAGE)
    return {"reminded": services.remind_to_check_in(place=place, any_time=True)}


# --- leave ---------------------------------------------------------------------------------------------


class LeaveBody(Schema):
    staff_id: Id
    kind: LeaveKind
    start: Day
    end: Day
    reason: Text = Field("", max_length=300)


class LeaveOut(Schema):
    id: int
    staff_id: int
    kind: str
    start: date
    end: date
    reason: str


@router.get("/operations/leave", response={200: list[LeaveOut], **ERRORS})
@paginate(Pages)
def list_leave(request, place_id: Id, on: Day | None = None):
    place = place_for(request, place_id, VIEW)
    return selectors.away_on(request.scope, place, on) if on else selectors.leaves(request.scope, place)


@router.post("/operations/leave", response={201: LeaveOut, **ERRORS})
def record_leave(request, data: LeaveBody):
    person = _staff(request, data.staff_id, MANAGE)
    leave = services.record_leave(by=request.auth, staff=person, **data.dict(exclude={"staff_id"}))
    return Status(201, leave)


# --- duty roster ---------------------------------------------------------------------------------------


class ShiftBody(Schema):
    place_id: Id
    start: Moment
    end: Moment
    leader_id: Id | None = None
    staff_ids: list[Id] = Field(default_factory=list, max_length=50)
    handover_note: Text = Field("", max_length=2000)


class DutyShiftOut(Schema):
    id: int
    place_id: int
    start: datetime
    end: datetime
    leader_id: int | None
    staff_ids: list[int]
    handover_note: str

    @staticmethod
    def resolve_staff_ids(shift: DutyShift) -> list[int]:
        return [p.pk for p in shift.staff.all()]


class GapOut(Schema):
    what: str = Field(..., description='"anyone": nobody on duty; "leader": no leader on duty')
    start: datetime
    end: datetime
    hours: float


@router.get("/operations/shifts", response={200: list[DutyShiftOut], **ERRORS})
def list_shifts(request, place_id: Id, start: Moment, end: Moment):
    return list(selectors.shifts(request.scope, place_for(request, place_id, VIEW), start, end)[:1000])


@router.post("/operations/shifts", response={201: DutyShiftOut, **ERRORS})
def add_shift(request, data: ShiftBody):
    place = place_for(request, data.place_id, MANAGE)
    people = selectors.staff(request.scope, place)
    staff = list(people.filter(pk__in=data.staff_ids))
    leader = people.filter(pk=data.leader_id).first() if data.leader_id else None
    if len(staff) != len(set(data.staff_ids)) or (data.leader_id and leader is None):
        raise Http404  # someone named is not on this place's staff
    shift = services.save_shift(
        by=request.auth,
        place=place,
        start=data.start,
        end=data.end,
        leader=leader,
        staff=staff,
        handover_note=data.handover_note,
    )
    return Status(201, shift)


@router.get("/operations/roster-gaps", response={200: list[GapOut], **ERRORS})
def roster_gaps(request, place_id: Id):
    """Every stretch of the next 14 days with nobody, or no leader, on duty at the place."""
    place = place_for(request, place_id, VIEW)
    start, end = selectors.roster_window()
    return selectors.roster_gaps(place, start, end)


class HandoverBody(Schema):
    handover_note: Text = Field(..., max_length=2000)


@router.post("/operations/shifts/{shift_id}/handover", response={200: DutyShiftOut, **ERRORS})
def write_handover(request, shift_id: Id, data: HandoverBody):
    shift = get_for(request.scope, DutyShift.objects.select_related("place"), MANAGE, pk=shift_id)
    return services.write_handover(by=request.auth, shift=shift, note=data.handover_note)


class PhonesBody(Schema):
    place_id: Id
    week: Day = Field(..., description="any day of the week (Monday to Sunday) to print")


class OnDutyPhoneOut(Schema):
    staff_id: int
    name: str
    phone: str = Field(..., description="in full")


class RosterPhonesOut(Schema):
    monday: date
    people: list[OnDutyPhoneOut]


@router.post("/operations/roster-phones", response={200: RosterPhonesOut, **ERRORS})
def reveal_roster_phones(request, data: PhonesBody):
    """The full phone numbers of everyone on duty in the week, for the sheet on the duty room's wall,
    as the printed week gives them; who asked for which week is kept in the audit log."""
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    place = place_for(request, data.place_id, Capability.REVEAL_PERSONAL_DATA)
    monday = selectors.week_of(data.week)
    week = selectors.roster_week(request.scope, place, monday)
    people = {}
    for entry in (entry for entries in week.values() for entry in entries):
        for person in [entry.shift.leader, *entry.shift.staff.all()]:
            if person is not None and person.phone:
                people.setdefault(person.pk, person)
    services.reveal_roster_phones(by=request.auth, place=place, monday=monday)
    return {
        "monday": monday,
        "people": [{"staff_id": p.pk, "name": p.name, "phone": p.phone.reveal()} for p in people.values()],
    }


# --- plans and tasks -----------------------------------------------------------------------------------


class PlanBody(Schema):
    place_id: Id
    title: Text = Field(..., max_length=120)
    start: Day
    end: Day
    text: Text = Field("", max_length=20000)


class PlanOut(Schema):
    id: int
    place_id: int
    title: str
    start: date
    end: date


class TaskOwnerKind(TextChoices):
    STAFF = "staff", "a staff member"
    SECTION = "section", "a section"
    STATION = "station", "a station (a place)"
    TEAM = "team", "a team"
    BELOW = "below", "every station one level below the place at once"


class TaskOwnerIn(Schema):
    kind: TaskOwnerKind
    id: Id


class TaskBody(Schema):
    plan_id: Id
    title: Text = Field(..., max_length=200)
    due: Day
    owner: TaskOwnerIn
    detail: Text = Field("", max_length=5000)


class TaskOut(Schema):
    id: int
    plan_id: int
    parent_id: int | None
    place_id: int
    title: str
    due: date
    status: str
    owner: str
    owner_kind: str
    overdue: bool

    @staticmethod
    def resolve_owner(task: Task) -> str:
        return str(task.owner)


class ProgressBody(Schema):
    status: TaskStatus
    note: Text = Field("", max_length=500)


@router.get("/operations/plans", response={200: list[PlanOut], **ERRORS})
@paginate(Pages)
def list_plans(request, place_id: Id):
    return selectors.plans(request.scope, place_for(request, place_id, VIEW))


@router.post("/operations/plans", response={201: PlanOut, **ERRORS})
def add_plan(request, data: PlanBody):
    place = place_for(request, data.place_id, MANAGE)
    plan = services.save_plan(by=request.auth, place=place, **data.dict(exclude={"place_id"}))
    return Status(201, plan)


@router.get("/operations/tasks", response={200: list[TaskOut], **ERRORS})
@paginate(Pages)
def list_tasks(request, place_id: Id, status: TaskStatus | None = None, overdue: bool = False):
    return selectors.tasks(
        request.scope, place_for(request, place_id, VIEW), status=status or "", overdue=overdue
    )


@router.post("/operations/tasks", response={201: list[TaskOut], **ERRORS})
def give_out_task(request, data: TaskBody):
    """A task for one owner, or ("below") for every station one level below a place at once."""
    plan = get_for(request.scope, WorkPlan.objects.select_related("place"), MANAGE, pk=data.plan_id)
    scope, kind = request.scope, data.owner.kind
    if kind in ("station", "below"):
        owner = get_for(scope, OrgUnit.objects.all(), MANAGE if kind == "below" else VIEW, pk=data.owner.id)
    else:
        model = {"staff": StaffMember, "section": Section, "team": Team}[kind]
        owner = get_for(scope, model.objects.select_related("place"), VIEW, pk=data.owner.id)
    made = services.give_out_task(
        by=request.auth, plan=plan, kind=kind, owner=owner, title=data.title, due=data.due, detail=data.detail
    )
    return Status(201, made)


def _task(request, task_id: int, capability: Capability) -> Task:
    own = selectors.my_tasks(request.auth).filter(pk=task_id).first()
    return own or get_for(
        request.scope, Task.objects.select_related("plan", "place", "owner_station"), capability, pk=task_id
    )


@router.post("/operations/tasks/{task_id}/progress", response={200: TaskOut, **ERRORS})
def report_progress(request, task_id: Id, data: ProgressBody):
    task = _task(request, task_id, MANAGE)
    return services.report_progress(by=request.auth, task=task, status=data.status, note=data.note)


@router.post("/operations/tasks/{task_id}/push-down", response={201: list[TaskOut], **ERRORS})
def push_down(request, task_id: Id):
    task = _task(request, task_id, MANAGE)
    return Status(201, services.push_down(by=request.auth, task=task))


# --- office measures ---------------------------------------------------------------------------------


class MeasureBody(Schema):
    place_id: Id
    day: Day
    site: Text = Field(..., max_length=100)
    kind: MeasureKind
    note: Text = Field("", max_length=300)
    done_by: Text = Field("", max_length=50)


class MeasureOut(Schema):
    id: int
    place_id: int
    day: date
    site: str
    kind: str
    note: str
    done_by: str


@router.get("/operations/measures", response={200: list[MeasureOut], **ERRORS})
@paginate(Pages)
def list_measures(request, place_id: Id, start: Day, end: Day):
    return selectors.measures(request.scope, place_for(request, place_id, VIEW), start, end)


@router.post("/operations/measures", response={201: MeasureOut, **ERRORS})
def record_measure(request, data: MeasureBody):
    place = place_for(request, data.place_id, MANAGE)
    measure = services.record_measure(by=request.auth, place=place, **data.dict(exclude={"place_id"}))
    return Status(201, measure)
