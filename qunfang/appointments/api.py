"""Appointments under /api/v1/appointments (the staff: halls, slots, the day's list, marks, calls,
booking for a veteran who phones in) and /api/v1/my/appointments (the veteran: halls near them, their
slots with places left, their own appointments, booking and cancelling). The same services and
scoping as the pages."""

from datetime import date, datetime, time
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.appointments import selectors, services
from qunfang.appointments.models import Appointment, Hall, Slot
from qunfang.appointments.selectors import MANAGE, VIEW
from qunfang.core.access import get_for, place_for
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.portal.access import own
from qunfang.portal.api import VisitorAuth
from qunfang.registry.models import Status as RollStatus
from qunfang.registry.models import Veteran

router = Router(tags=["appointments"])
veteran_router = Router(auth=VisitorAuth(), tags=["veterans' appointments"])


class HallOut(Schema):
    id: int
    place_id: int
    name: str
    address: str
    closed_from: date | None
    closed_reason: str
    reopens_on: date | None


# A slot's times are the hall's local clock, without an offset: JSON Schema's "time" format demands one
# (RFC 3339), so they are written as "HH:MM" strings.
ClockTime = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", description="the hall's local time, HH:MM")]


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


class SlotOut(Schema):
    id: int
    hall_id: int
    day: date
    start: ClockTime
    end: ClockTime
    capacity: int
    booked: int
    purpose: str

    @staticmethod
    def resolve_start(row: Slot) -> str:
        return _clock(row.start)

    @staticmethod
    def resolve_end(row: Slot) -> str:
        return _clock(row.end)


class AppointmentOut(Schema):
    id: int
    veteran_id: int
    veteran: str
    hall_id: int
    hall: str
    address: str
    slot_id: int
    day: date
    start: ClockTime
    end: ClockTime
    purpose: str
    state: str
    queue_number: int
    called_at: datetime | None

    @staticmethod
    def resolve_veteran(row: Appointment) -> str:
        return row.veteran.name

    @staticmethod
    def resolve_hall(row: Appointment) -> str:
        return row.hall.name

    @staticmethod
    def resolve_address(row: Appointment) -> str:
        return row.hall.address

    @staticmethod
    def resolve_start(row: Appointment) -> str:
        return _clock(row.slot.start)

    @staticmethod
    def resolve_end(row: Appointment) -> str:
        return _clock(row.slot.end)


class HallIn(Schema):
    name: Text = Field(..., max_length=100)
    address: Text = Field("", max_length=200)
    closed_from: Day | None = None
    closed_reason: Text = Field("", max_length=200)
    reopens_on: Day | None = None


class HoursIn(Schema):
    # Read as text and parsed once the hall is found to be the caller's: a stranger's request is a 404
    # whatever its body holds.
    start: Text = Field(..., max_length=5, description="HH:MM")
    end: Text = Field(..., max_length=5, description="HH:MM")


class SlotsIn(Schema):
    first_day: Day
    last_day: Day
    periods: list[HoursIn] = Field(..., min_length=1, max_length=6)
    minutes: int = Field(30, ge=5, le=480)
    capacity: int = Field(6, ge=1, le=500)
    weekdays: list[int] = Field([0, 1, 2, 3, 4], max_length=7, description="0 is Monday")
    purpose: Text = Field("", max_length=100)


class BookingIn(Schema):
    slot_id: Id
    purpose: Text = Field("", max_length=200)
    submission: Text | None = Field(None, max_length=64, description="a key per form: sent twice, kept once")


class BookingForIn(BookingIn):
    veteran_id: Id


class OutcomeIn(Schema):
    outcome: Literal["came", "missed"]


class CallNextIn(Schema):
    day: Day


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValidationError({"periods": _("Give each time as HH:MM.")}) from None


def _hall(request, hall_id: int, capability) -> Hall:
    return get_for(request.scope, Hall.objects.select_related("place"), capability, pk=hall_id)


def _appointment(request, appointment_id: int) -> Appointment:
    rows = Appointment.objects.select_related("slot", "hall__place", "veteran")
    return get_for(request.scope, rows, MANAGE, pk=appointment_id)


@router.get("/appointments/halls", response={200: list[HallOut], **ERRORS})
@paginate(Pages)
def list_halls(request, place_id: Id):
    return selectors.halls_at(request.scope, place_for(request, place_id, VIEW))


@router.post("/appointments/halls", response={201: HallOut, **ERRORS})
def set_up_hall(request, place_id: Id):
    """A place's service hall set up (named after the place, at its address)."""
    return Status(201, services.set_up_hall(by=request.auth, place=place_for(request, place_id, MANAGE)))


@router.put("/appointments/halls/{hall_id}", response={200: HallOut, **ERRORS})
def change_hall(request, hall_id: Id, data: HallIn):
    """The hall's name, address, and whether it is closed (from, why, until it reopens)."""
    return services.change_hall(by=request.auth, hall=_hall(request, hall_id, MANAGE), **data.dict())


@router.get("/appointments/halls/{hall_id}/slots", response={200: list[SlotOut], **ERRORS})
@paginate(Pages)
def list_slots(request, hall_id: Id, start: Day, end: Day):
    return selectors.slots_of(_hall(request, hall_id, VIEW), start, end)


@router.post("/appointments/halls/{hall_id}/slots", response={201: list[SlotOut], **ERRORS})
def make_slots(request, hall_id: Id, data: SlotsIn):
    """Slots in bulk: each chosen weekday between the days, each period cut into slots of `minutes`."""
    slots = services.make_slots(
        by=request.auth,
        hall=_hall(request, hall_id, MANAGE),
        first_day=data.first_day,
        last_day=data.last_day,
        periods=[(_time(p.start), _time(p.end)) for p in data.periods],
        minutes=data.minutes,
        capacity=data.capacity,
        weekdays=[d for d in data.weekdays if 0 <= d <= 6],
        purpose=data.purpose,
    )
    return Status(201, slots)


@router.get("/appointments/halls/{hall_id}/day", response={200: list[AppointmentOut], **ERRORS})
@paginate(Pages)
def day_list(request, hall_id: Id, day: Day):
    """Who comes to the hall on the day, by time and queue number."""
    return selectors.day_list(request.scope, _hall(request, hall_id, VIEW), day).select_related("hall")


@router.post("/appointments/halls/{hall_id}/call", response={200: AppointmentOut | None, **ERRORS})
def call_next(request, hall_id: Id, data: CallNextIn):
    """The next veteran called to the counter (none when nobody is waiting)."""
    return services.call_next(by=request.auth, hall=_hall(request, hall_id, MANAGE), day=data.day)


@router.post("/appointments", response={201: AppointmentOut, **ERRORS})
def book_for(request, data: BookingForIn):
    """An appointment booked by a clerk for a veteran who phones in."""
    people = Veteran.objects.filter(status=RollStatus.ACTIVE).select_related("place")
    veteran = get_for(request.scope, people, MANAGE, pk=data.veteran_id)
    slot = get_for(request.scope, Slot.objects.select_related("hall__place"), MANAGE, pk=data.slot_id)
    made = services.book(
        by=request.auth, veteran=veteran, slot=slot, purpose=data.purpose, submission=data.submission
    )
    return Status(201, made)


@router.post("/appointments/{appointment_id}/mark", response={200: AppointmentOut, **ERRORS})
def mark(request, appointment_id: Id, data: OutcomeIn):
    """The veteran came, or missed the appointment."""
    return services.mark(
        by=request.auth, appointment=_appointment(request, appointment_id), outcome=data.outcome
    )


@router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel(request, appointment_id: Id):
    return services.cancel(by=request.auth, appointment=_appointment(request, appointment_id))


# --- the veteran's own ----------------------------------------------------------------------------------


def _my_hall(request, hall_id: int) -> Hall:
    """One of the halls near the person acted for, else 404."""
    return get_404(selectors.halls_near(request.auth.veteran).filter(pk=hall_id))


def get_404(queryset):
    return get_object_or_404(queryset)


@veteran_router.get("/halls", response={200: list[HallOut], **ERRORS})
def my_halls(request):
    """The halls near the person: their place's station and district centre."""
    return list(selectors.halls_near(request.auth.veteran))


@veteran_router.get("/slots", response={200: list[SlotOut], **ERRORS})
def my_slots(request, hall_id: Id):
    """The hall's slots to come with places left."""
    return selectors.open_slots(_my_hall(request, hall_id))


@veteran_router.get("/appointments", response={200: list[AppointmentOut], **ERRORS})
@paginate(Pages)
def my_appointments(request):
    return selectors.appointments_of([request.auth.veteran.pk])


@veteran_router.post("/appointments", response={201: AppointmentOut, **ERRORS})
def my_book(request, data: BookingIn):
    """An appointment of the person acted for, in a slot of a hall near them."""
    halls = selectors.halls_near(request.auth.veteran)
    slot = get_404(Slot.objects.filter(hall__in=halls, pk=data.slot_id).select_related("hall__place"))
    made = services.book(
        by=request.auth,
        veteran=request.auth.veteran,
        slot=slot,
        purpose=data.purpose,
        submission=data.submission,
    )
    return Status(201, made)


@veteran_router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def my_cancel(request, appointment_id: Id):
    rows = Appointment.objects.select_related("slot", "hall__place", "veteran")
    return services.cancel(by=request.auth, appointment=own(request.auth, rows, pk=appointment_id))
