"""Reads of appointments, scope first: a place's halls, a hall's slots and its day's list; for a
veteran, the halls near them (their place's station and district centre), the slots with places left
and their own appointments; and the figures of a place and period, from the kept totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.appointments.capabilities import MANAGE_APPOINTMENTS, VIEW_APPOINTMENTS
from qunfang.appointments.models import Appointment, AppointmentState, AppointmentTotal, Hall, Slot
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.figures import counted
from qunfang.lib.tallies import ancestor_ids

VIEW, MANAGE = VIEW_APPOINTMENTS, MANAGE_APPOINTMENTS
DAYS_AHEAD = 28  # how far ahead a veteran is offered slots


def halls_at(scope: Scope, place: OrgUnit) -> QuerySet[Hall]:
    return Hall.objects.visible_to(scope, VIEW).under(place).select_related("place")


def slots_of(hall: Hall, start: date, end: date) -> QuerySet[Slot]:
    return Slot.objects.filter(hall=hall, day__range=(start, end)).order_by("day", "start")


def day_list(scope: Scope, hall: Hall, day: date) -> QuerySet[Appointment]:
    """Who comes to the hall on the day, in the order they are called: by time, then queue number."""
    return (
        Appointment.objects.visible_to(scope, VIEW)
        .filter(hall=hall, day=day)
        .exclude(state=AppointmentState.CANCELLED)
        .select_related("veteran", "slot")
        .order_by("slot__start", "queue_number")
    )


def now_called(hall: Hall, day: date) -> Appointment | None:
    return (
        Appointment.objects.filter(hall=hall, day=day, called_at__isnull=False)
        .select_related("veteran")
        .order_by("-called_at", "-pk")
        .first()
    )


# --- the veteran's side ---------------------------------------------------------------------------------


def halls_near(veteran) -> QuerySet[Hall]:
    """The halls of the veteran's place and the places above it (their station, their district
    centre), the nearest first."""
    return Hall.objects.filter(place_id__in=ancestor_ids(veteran.place.path)).order_by("-place__depth")


def open_slots(hall: Hall, now: datetime | None = None, days: int = DAYS_AHEAD) -> list[Slot]:
    """The hall's slots to come with places left, on days it is open."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    slots = (
        Slot.objects.filter(hall=hall, day__range=(today, today + timedelta(days)), booked__lt=F("capacity"))
        .exclude(Q(day=today) & Q(start__lte=now.time()))
        .order_by("day", "start")
    )
    return [slot for slot in slots if not hall.closed_on(slot.day)]


def by_day(slots: list[Slot]) -> dict[date, list[Slot]]:
    """Slots grouped by their day, in order: a phone shows the days, then one day's times."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.day, []).append(slot)
    return days


def appointments_of(veteran_ids: list[int]) -> QuerySet[Appointment]:
    """A visitor's own appointments (their people's), the coming first."""
    return (
        Appointment.objects.filter(veteran_id__in=veteran_ids)
        .select_related("slot", "hall", "veteran")
        .order_by("-day", "-slot__start", "-pk")
    )


def coming_of(veteran_ids: list[int], today: date) -> QuerySet[Appointment]:
    return appointments_of(veteran_ids).filter(day__gte=today, state=AppointmentState.BOOKED)


# --- the figures of a place and period ------------------------------------------------------------------


@dataclass
class AppointmentFigures:
    booked: int = counted(
        _("Appointments held for days of the period at halls here or below (not cancelled).")
    )
    came: int = counted(_("Appointments of the period whose veteran came to the hall."))
    missed: int = counted(_("Appointments of the period whose veteran did not come."))


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> AppointmentFigures:
    """The place's appointments in the period, from the kept daily totals."""
    if not scope.allows(VIEW, place):
        return AppointmentFigures()
    sums = AppointmentTotal.objects.filter(place=place, day__range=(start, end)).aggregate(
        booked=Sum("booked"), came=Sum("came"), missed=Sum("missed")
    )
    return AppointmentFigures(**{name: value or 0 for name, value in sums.items()})


def per_day(scope: Scope, place: OrgUnit, start: date, end: date) -> QuerySet[AppointmentTotal]:
    """The place's kept totals day by day (a hall's figures page)."""
    if not scope.allows(VIEW, place):
        return AppointmentTotal.objects.none()
    return AppointmentTotal.objects.filter(place=place, day__range=(start, end)).order_by("day")
