"""Writes of appointments: a hall set up, closed (with the reason) and reopened; slots made in bulk;
an appointment booked (by the veteran on their phone, or by a clerk for one who phones in), cancelled
(freeing its place), marked came or missed; the next one called; the day before's reminder.

Refused: a full slot, a slot in the past, a day the hall is closed, a second appointment the same day.
Capacity holds under concurrency: a place is taken by a conditional UPDATE of the slot that only
succeeds while places are left, so of two phones booking the last place one wins and the other is
told the slot is full. `now` is the clock (the demo's is a day of 2020)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qunfang.appointments.models import Appointment, AppointmentState, AppointmentTotal, Hall, HallDay, Slot
from qunfang.core import audit
from qunfang.core.models import OrgUnit, StationKind
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.lib.tallies import Tally
from qunfang.lib.text import unwanted_in
from qunfang.registry.models import Status, Veteran

TOTALS = Tally(AppointmentTotal, keys=("place_id", "day"), sums=("booked", "came", "missed"))
MAX_SLOT_DAYS = 366  # slots made at once: a year at most
MAX_SLOTS = 5000
OUTCOMES = (AppointmentState.CAME, AppointmentState.MISSED)


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now())


def _who(by: Any) -> str:
    """The name the appointment keeps of who booked it: a veteran's phone or a clerk."""
    if by is None:
        return ""
    name = getattr(by, "audit_name", None) or (by.get_username() if hasattr(by, "get_username") else "")
    return str(name)[:40]


def _clean(value: str | None, length: int) -> str:
    """Text from outside on one line, at most `length` long; a control character is refused (the forms
    and the API refuse it first; this holds for any other caller)."""
    if unwanted_in(value or ""):
        raise ValidationError(_("The text holds an invisible control character: type it again."))
    return " ".join((value or "").split())[:length]


# --- halls ----------------------------------------------------------------------------------------------


@service
def set_up_hall(*, by: Any, place: OrgUnit, name: str = "", address: str = "") -> Hall:
    """A place's service hall (a district centre or a town station), once per place."""
    if place.station_kind == StationKind.NONE:
        raise ValidationError(_("Only a service centre or station has a service hall."))
    if Hall.objects.filter(place=place).exists():
        raise ValidationError(_("This place has its service hall already."))
    hall = Hall.objects.create(
        place=place,
        name=_clean(name, 100) or place.name,
        address=_clean(address, 200) or place.address,
    )
    audit.record(by=by, action="appointments.hall", place=place, target=hall, after={"name": hall.name})
    return hall


@service
def change_hall(
    *,
    by: Any,
    hall: Hall,
    name: str,
    address: str,
    closed_from: date | None,
    closed_reason: str = "",
    reopens_on: date | None = None,
) -> Hall:
    """The hall's name and address, and whether it is closed: from a day, why, and until when."""
    name, address, closed_reason = _clean(name, 100), _clean(address, 200), _clean(closed_reason, 200)
    if not name:
        raise ValidationError({"name": _("Give the hall a name.")})
    if closed_from is None and (closed_reason or reopens_on):
        raise ValidationError({"closed_from": _("Say from which day the hall is closed.")})
    if closed_from is not None and not closed_reason:
        raise ValidationError({"closed_reason": _("Say why the hall is closed.")})
    if closed_from and reopens_on and reopens_on <= closed_from:
        raise ValidationError({"reopens_on": _("The hall reopens after the day it closes.")})
    before = {"closed_from": str(hall.closed_from), "reopens_on": str(hall.reopens_on)}
    hall.name, hall.address = name, address
    hall.closed_from, hall.closed_reason, hall.reopens_on = closed_from, closed_reason, reopens_on
    hall.save()
    after = {"closed_from": str(closed_from), "reopens_on": str(reopens_on), "reason": closed_reason}
    audit.record(by=by, action="appointments.hall", place=hall.place, target=hall, before=before, after=after)
    return hall


# --- slots ----------------------------------------------------------------------------------------------


def _times(periods: Iterable[tuple[time, time]], minutes: int) -> list[tuple[time, time]]:
    """The slots of a day: each period cut into `minutes` (a remainder too short is left out)."""
    if not 5 <= minutes <= 480:
        raise ValidationError({"minutes": _("A slot lasts from 5 minutes to 8 hours.")})
    found = []
    for start, end in periods:
        if end <= start:
            raise ValidationError({"periods": _("Each period ends after it starts.")})
        moment = datetime.combine(date.min, start)
        while (
            following := moment + timedelta(minutes=minutes)
        ).time() <= end and following.day == moment.day:
            found.append((moment.time(), following.time()))
            moment = following
    return found


@service
def make_slots(
    *,
    by: Any,
    hall: Hall,
    first_day: date,
    last_day: date,
    periods: list[tuple[time, time]],
    minutes: int,
    capacity: int,
    weekdays: Iterable[int] = range(5),
    purpose: str = "",
    now: datetime | None = None,
) -> list[Slot]:
    """Slots in bulk: on each of the `weekdays` (0 Monday) from the first day to the last, every period
    cut into slots of `minutes`, each taking `capacity` people. A time that has its slot already is
    left as it is; a day the hall is closed gets none."""
    if not 1 <= capacity <= 500:
        raise ValidationError({"capacity": _("A slot takes from 1 to 500 people.")})
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day cannot be before the first.")})
    if first_day < _now(now).date():
        raise ValidationError({"first_day": _("Slots are made for days to come.")})
    if (last_day - first_day).days >= MAX_SLOT_DAYS:
        raise ValidationError({"last_day": _("Make the slots of a year at most at once.")})
    times, days = _times(periods, minutes), set(weekdays)
    wanted = [
        first_day + timedelta(n)
        for n in range((last_day - first_day).days + 1)
        if (first_day + timedelta(n)).weekday() in days and not hall.closed_on(first_day + timedelta(n))
    ]
    if len(wanted) * len(times) > MAX_SLOTS:
        raise ValidationError(_("That is more than %(most)s slots at once.") % {"most": MAX_SLOTS})
    taken = set(Slot.objects.filter(hall=hall, day__in=wanted).values_list("day", "start"))
    slots = Slot.objects.bulk_create(
        Slot(hall=hall, day=day, start=start, end=end, capacity=capacity, purpose=_clean(purpose, 100))
        for day in wanted
        for start, end in times
        if (day, start) not in taken
    )
    HallDay.objects.bulk_create([HallDay(hall=hall, day=day) for day in wanted], ignore_conflicts=True)
    audit.record(
        by=by,
        action="appointments.slots",
        place=hall.place,
        target=hall,
        after={"from": first_day.isoformat(), "to": last_day.isoformat(), "slots": len(slots)},
    )
    return slots


# --- booking --------------------------------------------------------------------------------------------


def _count(appointment: Appointment, booked: int = 0, came: int = 0, missed: int = 0) -> None:
    day = connection.ops.adapt_datefield_value(appointment.day)
    TOTALS.add_up_the_tree(appointment.hall.place.path, [(day, booked, came, missed)])


def _check_bookable(veteran: Veteran, slot: Slot, now: datetime) -> None:
    if veteran.status != Status.ACTIVE:
        raise ValidationError(_("Only a veteran on the roll can book an appointment."))
    if datetime.combine(slot.day, slot.start, tzinfo=now.tzinfo) <= now:
        raise ValidationError({"slot": _("This slot has passed: choose one to come.")})
    if slot.hall.closed_on(slot.day):
        raise ValidationError({"slot": _("The hall is closed on that day: choose another day.")})


def _taken_place(slot: Slot) -> None:
    """One place of the slot taken, or the slot is full: the UPDATE holds only while places are left."""
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise ValidationError({"slot": _("This slot is full: choose another time.")})


def _next_number(slot: Slot) -> int:
    HallDay.objects.get_or_create(hall_id=slot.hall_id, day=slot.day)
    counter = HallDay.objects.filter(hall_id=slot.hall_id, day=slot.day)
    counter.update(last=F("last") + 1)  # the row stays locked until the booking commits
    return counter.values_list("last", flat=True).get()


def _earlier(veteran: Veteran, slot: Slot, submission: str | None) -> Appointment | None:
    """The appointment this request made already (its key, or the same slot booked: a double tap)."""
    if submission and (found := Appointment.objects.filter(submission=submission).first()):
        if found.veteran_id != veteran.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        return found
    return Appointment.objects.filter(veteran=veteran, slot=slot, state=AppointmentState.BOOKED).first()


@service
def book(
    *,
    by: Any,
    veteran: Veteran,
    slot: Slot,
    purpose: str = "",
    submission: str | None = None,
    now: datetime | None = None,
) -> Appointment:
    """An appointment of the veteran in the slot, with the day's next queue number; told by SMS."""
    if earlier := _earlier(veteran, slot, submission):
        return earlier
    now = _now(now)
    _check_bookable(veteran, slot, now)
    if (
        Appointment.objects.filter(veteran=veteran, day=slot.day)
        .exclude(state=AppointmentState.CANCELLED)
        .exists()
    ):
        raise ValidationError(_("%(name)s has an appointment that day already.") % {"name": veteran.name})
    _taken_place(slot)
    try:
        with transaction.atomic():  # a second booking the same day that raced the check above
            appointment = Appointment.objects.create(
                veteran=veteran,
                slot=slot,
                hall=slot.hall,
                day=slot.day,
                purpose=_clean(purpose, 200) or slot.purpose,
                queue_number=_next_number(slot),
                booked_by=_who(by),
                submission=submission or None,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s has an appointment that day already.") % {"name": veteran.name}
        ) from None
    _count(appointment, booked=1)
    after = {"veteran": veteran.pk, "slot": slot.pk, "queue_number": appointment.queue_number}
    audit.record(by=by, action="appointments.book", place=slot.hall.place, target=appointment, after=after)
    _tell(appointment, "booked")
    return appointment


@service
def cancel(*, by: Any, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """An appointment given up before its time: its place is free again for another."""
    if appointment.state != AppointmentState.BOOKED:
        raise ValidationError(_("Only a booked appointment can be cancelled."))
    slot = appointment.slot
    if datetime.combine(slot.day, slot.start, tzinfo=_now(now).tzinfo) <= _now(now):
        raise ValidationError(_("This appointment's time has come: it can no longer be cancelled."))
    if not Appointment.objects.filter(pk=appointment.pk, state=AppointmentState.BOOKED).update(
        state=AppointmentState.CANCELLED
    ):
        raise ValidationError(_("Only a booked appointment can be cancelled."))  # cancelled meanwhile
    appointment.state = AppointmentState.CANCELLED
    Slot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)
    _count(appointment, booked=-1)
    audit.record(by=by, action="appointments.cancel", place=appointment.hall.place, target=appointment)
    _tell(appointment, "cancelled")
    return appointment


@service
def mark(*, by: Any, appointment: Appointment, outcome: str, now: datetime | None = None) -> Appointment:
    """Whether the veteran came or missed their appointment (a mistake corrected the other way)."""
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Mark the appointment came or missed.")})
    if appointment.state not in (AppointmentState.BOOKED, *OUTCOMES):
        raise ValidationError(_("A cancelled appointment is neither came nor missed."))
    if appointment.day > _now(now).date():
        raise ValidationError(_("An appointment is marked on its day or after."))
    before = appointment.state
    if before == outcome:
        return appointment
    appointment.state = outcome
    appointment.save(update_fields=["state"])
    changes = {AppointmentState.CAME: 0, AppointmentState.MISSED: 0}
    changes[outcome] += 1
    if before in changes:
        changes[before] -= 1
    _count(appointment, came=changes[AppointmentState.CAME], missed=changes[AppointmentState.MISSED])
    audit.record(
        by=by,
        action="appointments.mark",
        place=appointment.hall.place,
        target=appointment,
        before={"state": before},
        after={"state": outcome},
    )
    return appointment


@service
def call_next(*, by: Any, hall: Hall, day: date, now: datetime | None = None) -> Appointment | None:
    """The next veteran called to the counter: the earliest slot's lowest number not yet called."""
    waiting = Appointment.objects.filter(
        hall=hall, day=day, state=AppointmentState.BOOKED, called_at__isnull=True
    )
    following = waiting.select_for_update().order_by("slot__start", "queue_number").first()
    if following is None:
        return None
    following.called_at = _now(now)
    following.save(update_fields=["called_at"])
    audit.record(by=by, action="appointments.call", place=hall.place, target=following)
    return following


# --- telling the veteran --------------------------------------------------------------------------------


def _texts() -> dict[str, str]:
    return {
        "booked": _(
            "Your appointment at %(hall)s, %(address)s: %(day)s %(start)s–%(end)s, queue number %(number)s."
        ),
        "cancelled": _("Your appointment at %(hall)s on %(day)s %(start)s is cancelled."),
        "reminder": _(
            "A reminder: tomorrow %(day)s %(start)s–%(end)s at %(hall)s, %(address)s, "
            "queue number %(number)s."
        ),
    }


def _tell(appointment: Appointment, what: str) -> None:
    from qunfang.portal.notify import tell  # the portal's: one SMS to the roll's phone after commit

    slot, hall = appointment.slot, appointment.hall
    with translation.override("zh-hans"):
        text = _texts()[what] % {
            "hall": hall.name,
            "address": hall.address,
            "day": slot.day.isoformat(),
            "start": f"{slot.start:%H:%M}",
            "end": f"{slot.end:%H:%M}",
            "number": appointment.queue_number,
        }
        tell(appointment.veteran, text, topic=f"appointment.{what}")


@service
def send_reminders(*, now: datetime | None = None) -> int:
    """The day before, one SMS to each veteran booked for tomorrow; each reminder sent once (claimed
    by a conditional UPDATE, so two runs at once send it once)."""
    now = _now(now)
    tomorrow = now.date() + timedelta(days=1)
    due = Appointment.objects.filter(day=tomorrow, state=AppointmentState.BOOKED, reminded_at__isnull=True)
    sent = 0
    for appointment in due.select_related("slot", "hall", "veteran"):
        if Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(reminded_at=now):
            _tell(appointment, "reminder")
            sent += 1
    if sent:
        audit.record(
            by=None, action="appointments.remind", place=None, target=Appointment, after={"sent": sent}
        )
    return sent


# --- the kept totals ------------------------------------------------------------------------------------


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its appointment totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)


def _own_sums_sql() -> str:
    """Each hall's place's own appointments per day: held (not cancelled), came, missed."""
    appointments, halls = Appointment._meta.db_table, Hall._meta.db_table
    return (
        "SELECT h.place_id, a.day,"
        f" SUM(CASE WHEN a.state = '{AppointmentState.CANCELLED}' THEN 0 ELSE 1 END),"
        f" SUM(CASE WHEN a.state = '{AppointmentState.CAME}' THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN a.state = '{AppointmentState.MISSED}' THEN 1 ELSE 0 END)"
        f" FROM {appointments} a JOIN {halls} h ON h.id = a.hall_id GROUP BY h.place_id, a.day"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept appointment totals differ from the appointments summed up the tree."""
    return TOTALS.count_disagreements(_own_sums_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the appointments (after a restore, or to check)."""
    rebuilt = TOTALS.rebuild(_own_sums_sql())
    audit.record(
        by=None,
        action="appointments.rebuild_totals",
        place=None,
        target=AppointmentTotal,
        after={"rows": rebuilt},
    )
    return rebuilt
