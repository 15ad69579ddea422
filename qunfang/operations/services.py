"""Every write of a bureau's own operations. Each checks what it is given before writing anything and
leaves an audit entry: staff and sections; leading groups and who answers for what; work plans and
their tasks (one owner each, inside the plan's place; given to every station one level down at once,
and pushed down again from there); daily check-ins and return-to-work screenings; leave; duty shifts
(nobody on two shifts at once); office measures; and the reminders to staff who have not checked in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import set_fields
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.temperature import is_fever, temperature_reading
from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend
from qunfang.mobilization.models import Team
from qunfang.operations.models import (
    CheckIn,
    CheckInReminder,
    DutyShift,
    GroupMember,
    GroupRole,
    LeadingGroup,
    Leave,
    MeasureKind,
    OfficeMeasure,
    ReturnScreening,
    Section,
    StaffMember,
    Symptom,
    Task,
    TaskNote,
    TaskStatus,
    WorkMode,
    WorkPlan,
)

logger = logging.getLogger(__name__)
LONGEST_SHIFT = timedelta(hours=24)
OBSERVATION_DAYS = 14  # home observation after a risk area or a contact, before work again


def _under(place: OrgUnit, inside: OrgUnit) -> bool:
    return place.path.startswith(inside.path)


def _not_in_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _required(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


# --- staff and sections --------------------------------------------------------------------------------


@service
def save_section(
    *, by: User | None, place: OrgUnit, name: str, duties: str = "", section: Section | None = None
):
    name = _required(name, "name", _("Enter the section's name."))
    if Section.objects.filter(place=place, name=name).exclude(pk=section.pk if section else None).exists():
        raise ValidationError(
            {"name": _("%(place)s has a section of that name already.") % {"place": place.name}}
        )
    section = section or Section(place=place)
    section.name, section.duties = name[:60], duties.strip()[:300]
    section.save()
    audit.record(by=by, action="section.save", place=place, target=section)
    return section


@service
def save_staff(
    *,
    by: User | None,
    place: OrgUnit,
    name: str,
    title: str = "",
    section: Section | None = None,
    phone: str | None = "",
    user: User | None = None,
    active: bool = True,
    staff: StaffMember | None = None,
) -> StaffMember:
    """Add a staff member at `place`, or change one. A section is one of the place's own; a user
    account is linked to one staff member at most."""
    name = _required(name, "name", _("Enter the person's name."))
    if section is not None and section.place_id != place.pk:
        raise ValidationError({"section": _("Choose a section of %(place)s.") % {"place": place.name}})
    if (
        user is not None
        and StaffMember.objects.filter(user=user).exclude(pk=staff.pk if staff else None).exists()
    ):
        raise ValidationError({"user": _("That account belongs to another staff member already.")})
    before = audit.snapshot(staff, ["name", "title", "section_id", "user_id", "active"]) if staff else None
    staff = staff or StaffMember(place=place)
    fields = {
        "name": name[:50],
        "title": title.strip()[:60],
        "section": section,
        "user": user,
        "active": active,
    }
    if phone is not None:  # None keeps the number; blank removes it
        fields["phone"] = phone
    set_fields(staff, fields)
    staff.save()
    after = audit.snapshot(staff, ["name", "title", "section_id", "user_id", "active"])
    audit.record(by=by, action="staff.save", place=place, target=staff, before=before, after=after)
    return staff


def _staff_under(place: OrgUnit, people: list[StaffMember | None], field: str) -> None:
    for person in people:
        if person is not None and not _under(person.place, place):
            raise ValidationError(
                {
                    field: _("%(name)s does not work under %(place)s.")
                    % {"name": person.name, "place": place.name}
                }
            )


# --- leading groups ------------------------------------------------------------------------------------


@service
def form_group(
    *, by: User | None, place: OrgUnit, name: str, purpose: str = "", formed_on: date
) -> LeadingGroup:
    name = _required(name, "name", _("Enter the group's name."))
    _not_in_future(formed_on, "formed_on")
    group = LeadingGroup.objects.create(
        place=place, name=name[:100], purpose=purpose.strip()[:300], formed_on=formed_on
    )
    audit.record(by=by, action="leading_group.form", place=place, target=group)
    return group


@service
def set_group_member(
    *, by: User | None, group: LeadingGroup, staff: StaffMember, role: str, responsibility: str = ""
) -> GroupMember:
    """Put a person in the group with a role and what they answer for (again: change it). A group has
    one head."""
    _staff_under(group.place, [staff], "staff")
    if role not in GroupRole.values:
        raise ValidationError({"role": _("Choose the person's role in the group.")})
    if role == GroupRole.LEADER:
        head = group.members.filter(role=GroupRole.LEADER).exclude(staff=staff).first()
        if head:
            raise ValidationError(
                {"role": _("%(name)s heads the group already.") % {"name": head.staff.name}}
            )
    member, _created = GroupMember.objects.update_or_create(
        group=group, staff=staff, defaults={"role": role, "responsibility": responsibility.strip()[:300]}
    )
    audit.record(
        by=by,
        action="leading_group.member",
        place=group.place,
        target=group,
        after={"staff": staff.pk, "role": role, "responsibility": member.responsibility},
    )
    return member


@service
def remove_group_member(*, by: User | None, member: GroupMember) -> None:
    audit.record(
        by=by,
        action="leading_group.remove",
        place=member.group.place,
        target=member.group,
        before={"staff": member.staff_id, "role": member.role},
    )
    member.delete()


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


# --- health: daily check-in and return-to-work screening -----------------------------------------------


def _symptoms(codes) -> list[str]:
    codes = list(dict.fromkeys(codes or []))
    unknown = [c for c in codes if c not in Symptom.values]
    if unknown:
        raise ValidationError({"symptoms": _("Unknown symptom: %(code)s.") % {"code": unknown[0]}})
    return codes


def _reading(value) -> object:
    if value in (None, ""):
        raise ValidationError({"temperature": _("Enter the temperature.")})
    try:
        return temperature_reading(value)
    except ValidationError as error:
        raise ValidationError({"temperature": error.messages}) from None


@service
def check_in(
    *,
    by: User | None,
    staff: StaffMember,
    day: date,
    temperature,
    whereabouts: str,
    mode: str = WorkMode.AT_WORK,
    symptoms=(),
    came_back_from: str = "",
    came_back_on: date | None = None,
) -> CheckIn:
    """A staff member's health on a day. Sent again the same day, it replaces the first (kept in the
    audit), so a slip can be put right on the phone."""
    reading = _reading(temperature)
    _not_in_future(day, "day")
    whereabouts = _required(whereabouts, "whereabouts", _("Say where you are today."))
    if mode not in WorkMode.values:
        raise ValidationError({"mode": _("Choose whether you are at work.")})
    if came_back_on and came_back_on > day:
        raise ValidationError({"came_back_on": _("The date cannot be in the future.")})
    if came_back_on and not came_back_from.strip():
        raise ValidationError({"came_back_from": _("Say where you came back from.")})
    values = {
        "temperature": reading,
        "symptoms": _symptoms(symptoms),
        "whereabouts": whereabouts[:100],
        "mode": mode,
        "came_back_from": came_back_from.strip()[:100],
        "came_back_on": came_back_on,
        "recorded_by": audit.acting_user(by),
        "recorded_at": timezone.now(),
    }
    before = (
        CheckIn.objects.filter(staff=staff, day=day).values("temperature", "symptoms", "whereabouts").first()
    )
    record, _created = CheckIn.objects.update_or_create(staff=staff, day=day, defaults=values)
    audit.record(
        by=by,
        action="staff.check_in",
        place=staff.place,
        target=record,
        before={k: str(v) for k, v in before.items()} if before else None,
        after={
            "temperature": str(reading),
            "symptoms": values["symptoms"],
            "whereabouts": values["whereabouts"],
        },
    )
    return record


@service
def screen_return(
    *,
    by: User | None,
    staff: StaffMember,
    first_day: date,
    came_from: str,
    temperature,
    arrived_on: date | None = None,
    risk_area: bool = False,
    contact: bool = False,
    observed_days: int = 0,
    symptoms=(),
    note: str = "",
) -> ReturnScreening:
    """The screening before a first day back. Cleared when there is no fever and no symptom, and after a
    risk area or a contact only once the days of home observation are done."""
    reading = _reading(temperature)
    came_from = _required(came_from, "came_from", _("Say where the person is coming back from."))
    symptoms = _symptoms(symptoms)
    if not 0 <= observed_days <= 60:
        raise ValidationError({"observed_days": _("Enter the days of home observation, 0 to 60.")})
    if arrived_on and arrived_on > first_day:
        raise ValidationError({"arrived_on": _("The person arrives before the first day back.")})
    observed = not (risk_area or contact) or observed_days >= OBSERVATION_DAYS
    screening = ReturnScreening.objects.create(
        staff=staff,
        first_day=first_day,
        came_from=came_from[:100],
        arrived_on=arrived_on,
        risk_area=risk_area,
        contact=contact,
        observed_days=observed_days,
        temperature=reading,
        symptoms=symptoms,
        cleared=observed and not is_fever(reading) and not symptoms,
        note=note.strip()[:300],
        recorded_by=audit.acting_user(by),
    )
    audit.record(
        by=by,
        action="staff.return_screening",
        place=staff.place,
        target=screening,
        after={"cleared": screening.cleared},
    )
    return screening


# --- leave ---------------------------------------------------------------------------------------------


@service
def record_leave(
    *, by: User | None, staff: StaffMember, kind: str, start: date, end: date, reason: str = ""
) -> Leave:
    if end < start:
        raise ValidationError({"end": _("A leave ends on or after the day it starts.")})
    overlapping = Leave.objects.filter(staff=staff, start__lte=end, end__gte=start).first()
    if overlapping:
        raise ValidationError(
            _("%(name)s is already on leave from %(start)s to %(end)s.")
            % {"name": staff.name, "start": overlapping.start, "end": overlapping.end}
        )
    leave = Leave(
        staff=staff,
        kind=kind,
        start=start,
        end=end,
        reason=reason.strip()[:300],
        recorded_by=audit.acting_user(by),
    )
    leave.full_clean(exclude=["staff", "recorded_by"])
    leave.save()
    audit.record(by=by, action="staff.leave", place=staff.place, target=leave)
    return leave


# --- duty roster ---------------------------------------------------------------------------------------


@service
def save_shift(
    *,
    by: User | None,
    place: OrgUnit,
    start: datetime,
    end: datetime,
    leader: StaffMember | None,
    staff: list[StaffMember],
    handover_note: str = "",
    shift: DutyShift | None = None,
) -> DutyShift:
    """A shift of the place's roster. Nobody is on two shifts at once, the leader on duty included."""
    if end <= start:
        raise ValidationError({"end": _("A shift ends after it starts.")})
    if end - start > LONGEST_SHIFT:
        raise ValidationError({"end": _("A shift lasts 24 hours at most.")})
    if leader is None and not staff:
        raise ValidationError({"staff": _("Put someone on duty.")})
    people = list({p.pk: p for p in [*staff, *([leader] if leader else [])]}.values())
    _staff_under(place, people, "staff")
    # Serialize the check-then-write per place (SQLite is serialized already).
    OrgUnit.objects.select_for_update().filter(pk=place.pk).first()
    clash = (
        DutyShift.objects.filter(start__lt=end, end__gt=start)
        .filter(Q(leader__in=people) | Q(staff__in=people))
        .exclude(pk=shift.pk if shift else None)
        .order_by("start")
        .first()
    )
    if clash:
        busy = [p.name for p in people if p.pk == clash.leader_id or clash.staff.filter(pk=p.pk).exists()]
        raise ValidationError(
            _("%(names)s already on duty %(when)s: a person cannot be on two shifts at once.")
            % {"names": "、".join(busy), "when": str(clash)}
        )
    shift = shift or DutyShift(place=place, created_by=audit.acting_user(by))
    shift.start, shift.end, shift.leader, shift.handover_note = start, end, leader, handover_note.strip()
    shift.save()
    shift.staff.set(staff)
    audit.record(
        by=by,
        action="duty_shift.save",
        place=place,
        target=shift,
        after={"leader": leader and leader.pk, "staff": sorted(p.pk for p in staff)},
    )
    return shift


@service
def write_handover(*, by: User | None, shift: DutyShift, note: str) -> DutyShift:
    note = _required(note, "handover_note", _("Write what the next shift needs to know."))
    shift.handover_note = note
    shift.save(update_fields=["handover_note"])
    audit.record(by=by, action="duty_shift.handover", place=shift.place, target=shift)
    return shift


# --- office measures -----------------------------------------------------------------------------------


@service
def record_measure(
    *, by: User | None, place: OrgUnit, day: date, site: str, kind: str, note: str = "", done_by: str = ""
) -> OfficeMeasure:
    _not_in_future(day, "day")
    site = _required(site, "site", _("Say where it was done."))
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose the measure.")})
    measure = OfficeMeasure.objects.create(
        place=place,
        day=day,
        site=site[:100],
        kind=kind,
        note=note.strip()[:300],
        done_by=done_by.strip()[:50],
        recorded_by=audit.acting_user(by),
    )
    audit.record(by=by, action="office_measure.record", place=place, target=measure)
    return measure


# --- reminders -----------------------------------------------------------------------------------------


@writes_nothing
def check_in_deadline(day: date) -> datetime:
    """The time on `day` by which staff should have checked in (QUNFANG_CHECK_IN_BY, "09:00")."""
    hour, minute = (int(part) for part in settings.CHECK_IN_BY.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@in_steps("each person is reminded in its own transaction, after the message went out")
def remind_to_check_in(
    now: datetime | None = None, place: OrgUnit | None = None, any_time: bool = False
) -> int:
    """Remind every active staff member (under `place`, or everywhere) who has not checked in today
    and is not on leave, once a day, through the messaging backend of QUNFANG_CHECK_IN_CHANNEL. Before
    the day's deadline nobody is reminded, unless a person asks for it at once (`any_time`). Answers
    how many were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if now < check_in_deadline(today) and not any_time:
        return 0
    missing = (
        StaffMember.objects.filter(active=True)
        .exclude(check_ins__day=today)
        .exclude(leaves__start__lte=today, leaves__end__gte=today)
        .exclude(pk__in=CheckInReminder.objects.filter(day=today).values("staff_id"))
        .select_related("place")
        .order_by("place__path", "pk")
    )
    if place is not None:
        missing = missing.under(place)
    sender = backend(settings.CHECK_IN_CHANNEL)
    reminded = 0
    for person in missing.iterator(chunk_size=500):
        phone = person.phone.reveal() if person.phone else ""
        text = _(
            "%(name)s, please check in your health for %(day)s (temperature, where you are) in Qunfang."
        ) % {
            "name": person.name,
            "day": today.isoformat(),
        }
        outgoing = Outgoing(
            [Recipient(name=person.name, phone=phone, place=person.place.name)],
            text,
            topic="check-in-reminder",
            extra={"staff_id": person.pk},
            key=f"check-in-{person.pk}-{today.isoformat()}",
        )
        try:
            # The mark and the sending stand or fall together: a reminder the channel refused is tried
            # again on the clock's next round.
            with transaction.atomic():
                CheckInReminder.objects.create(staff=person, day=today)
                sender.send(outgoing)
        except IntegrityError:
            continue  # another worker reminded this person
        except SendError as error:
            logger.warning("check-in reminder to staff %s not sent: %s", person.pk, error)
            continue
        reminded += 1
    return reminded


@service
def reveal_roster_phones(*, by: User, place: OrgUnit, monday: date) -> None:
    """The printed week with full phone numbers: who printed which week is kept in the audit log."""
    audit.record(
        by=by, action="duty_shift.print_phones", place=place, target=DutyShift,
        after={"week": monday.isoformat()},
    )  # fmt: skip
