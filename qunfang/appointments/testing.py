"""Appointments' records, for the walks and the other tests (qunfang/testing/records.py): a place's
hall with tomorrow's slots and the roll's veteran's appointment in one; and, for the veteran walk
(portal), an appointment of a given veteran at the hall nearest them."""

from datetime import time, timedelta

from django.utils import timezone

from qunfang.appointments import services
from qunfang.appointments.models import Appointment, Hall, Slot
from qunfang.core.models import OrgUnit, StationKind
from qunfang.lib.tallies import ancestor_ids

HOURS = [(time(9), time(11, 30)), (time(14), time(17))]


def hall_with_slots(place: OrgUnit, *, by=None, purpose: str = "") -> Hall:
    """The place's hall (set up if it has none) with slots tomorrow and the day after."""
    hall = Hall.objects.filter(place=place).first() or services.set_up_hall(by=by, place=place)
    tomorrow = timezone.localdate() + timedelta(days=1)
    if not Slot.objects.filter(hall=hall, day__gte=tomorrow).exists():
        services.make_slots(
            by=by, hall=hall, first_day=tomorrow, last_day=tomorrow + timedelta(days=1), periods=HOURS,
            minutes=30, capacity=6, weekdays=range(7), purpose=purpose[:100],
        )  # fmt: skip
    return hall


def records_at(place, *, by, text, id_number, made) -> dict:
    if place.station_kind == StationKind.NONE:
        return {}
    hall = hall_with_slots(place, by=by, purpose=text)
    slot = Slot.objects.filter(hall=hall, day__gt=timezone.localdate()).order_by("day", "start").first()
    appointment = services.book(by=by, veteran=made["veteran_id"], slot=slot, purpose=text[:200])
    return {"hall_id": hall, "appointment_id": appointment}


def veteran_records_of(veteran) -> dict[str, int]:
    places = OrgUnit.objects.filter(pk__in=ancestor_ids(veteran.place.path)).exclude(
        station_kind=StationKind.NONE
    )
    place = places.order_by("-depth").first()
    hall = hall_with_slots(place)
    taken = Appointment.objects.filter(veteran=veteran).values("day")
    slot = Slot.objects.filter(hall=hall, day__gt=timezone.localdate()).exclude(day__in=taken).first()
    return {"appointment_id": services.book(by=None, veteran=veteran, slot=slot).pk}
