"""Daily health check-ins, return-to-work screenings, leave, and the reminders to staff who have not
checked in by the day's time."""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.temperature import is_fever, temperature_reading
from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend
from qunfang.operations.models import (
    CheckIn,
    CheckInReminder,
    Leave,
    ReturnScreening,
    StaffMember,
    Symptom,
    WorkMode,
)
from qunfang.operations.services.rules import OBSERVATION_DAYS, _not_in_future, _required

logger = logging.getLogger(__name__)

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
