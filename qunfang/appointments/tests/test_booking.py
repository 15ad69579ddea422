"""Booking at a hall: slots in bulk, the queue number in the order of booking, and each refusal (a
full slot, a past one, a closed day, a second appointment the same day) leaving nothing written."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from qunfang.appointments import services
from qunfang.appointments.models import Appointment, AppointmentState, AppointmentTotal, Slot
from qunfang.appointments.tests.conftest import BEFORE, REOPENS, at
from qunfang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def slot_at(hall, day=REOPENS, start=time(9)):
    return Slot.objects.select_related("hall__place").get(hall=hall, day=day, start=start)


def test_slots_are_made_in_bulk_on_open_working_days_only(hall):
    days = sorted(set(Slot.objects.filter(hall=hall).values_list("day", flat=True)))
    assert days[0] == REOPENS  # 26-28 February the hall is closed: no slots
    assert len(days) == 10 and all(day.weekday() < 5 for day in days)
    # 9:00-11:30 in 30 minutes is 5 slots, 14:00-17:00 is 6
    assert Slot.objects.filter(hall=hall, day=REOPENS).count() == 11
    again = services.make_slots(
        by=None, hall=hall, first_day=REOPENS, last_day=REOPENS, periods=[(time(9), time(10))], minutes=30,
        capacity=2, now=BEFORE,
    )  # fmt: skip
    assert again == [] and Slot.objects.filter(hall=hall, day=REOPENS).count() == 11


def test_queue_numbers_follow_the_order_of_booking_per_hall_and_day(hall, people):
    made = [
        services.book(by=None, veteran=v, slot=slot_at(hall, start=time(14)), now=BEFORE) for v in people[:2]
    ]
    made.append(services.book(by=None, veteran=people[2], slot=slot_at(hall), now=BEFORE))
    assert [a.queue_number for a in made] == [1, 2, 3]
    other_day = services.book(
        by=None, veteran=people[0], slot=slot_at(hall, day=date(2020, 3, 3)), now=BEFORE
    )
    assert other_day.queue_number == 1
    assert AppointmentTotal.objects.get(place=hall.place, day=REOPENS).booked == 3


def test_a_full_slot_is_refused_and_cancelling_frees_its_place(hall, people):
    slot = slot_at(hall)
    first, _second = (services.book(by=None, veteran=v, slot=slot, now=BEFORE) for v in people[:2])
    with pytest.raises(ValidationError, match="full"):
        services.book(by=None, veteran=people[2], slot=slot, now=BEFORE)
    assert Appointment.objects.count() == 2
    services.cancel(by=None, appointment=first, now=BEFORE)
    third = services.book(by=None, veteran=people[2], slot=slot, now=BEFORE)
    slot.refresh_from_db()
    assert slot.booked == 2 and third.queue_number == 3  # a number is never given twice
    assert AppointmentTotal.objects.get(place=hall.place, day=REOPENS).booked == 2


def test_a_past_slot_a_closed_day_and_a_second_appointment_are_refused(hall, people):
    veteran = people[0]
    with pytest.raises(ValidationError, match="passed"):
        services.book(by=None, veteran=veteran, slot=slot_at(hall), now=at(REOPENS, 9, 0))
    services.change_hall(
        by=None, hall=hall, name=hall.name, address="", closed_from=date(2020, 1, 24), closed_reason="疫情",
        reopens_on=date(2020, 3, 9),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="closed"):
        services.book(by=None, veteran=veteran, slot=slot_at(hall), now=BEFORE)
    monday = date(2020, 3, 9)
    services.book(by=None, veteran=veteran, slot=slot_at(hall, day=monday), now=BEFORE)
    with pytest.raises(ValidationError, match="already"):
        services.book(by=None, veteran=veteran, slot=slot_at(hall, day=monday, start=time(14)), now=BEFORE)
    assert Appointment.objects.count() == 1
    assert sum(s.booked for s in Slot.objects.filter(hall=hall)) == 1


def test_a_double_tap_makes_one_appointment(hall, people):
    slot = slot_at(hall)
    first = services.book(by=None, veteran=people[0], slot=slot, submission="tap-1234", now=BEFORE)
    assert services.book(by=None, veteran=people[0], slot=slot, submission="tap-1234", now=BEFORE) == first
    assert services.book(by=None, veteran=people[0], slot=slot, now=BEFORE) == first
    with pytest.raises(ValidationError):
        services.book(by=None, veteran=people[1], slot=slot, submission="tap-1234", now=BEFORE)
    slot.refresh_from_db()
    assert slot.booked == 1 and Appointment.objects.count() == 1


def test_came_and_missed_are_counted_and_corrected(hall, people):
    one, two = (services.book(by=None, veteran=v, slot=slot_at(hall), now=BEFORE) for v in people[:2])
    with pytest.raises(ValidationError, match="on its day"):
        services.mark(by=None, appointment=one, outcome="came", now=BEFORE)
    evening = at(REOPENS, 18)
    services.mark(by=None, appointment=one, outcome="came", now=evening)
    services.mark(by=None, appointment=two, outcome="came", now=evening)
    services.mark(by=None, appointment=two, outcome="missed", now=evening)  # a mistake corrected
    total = AppointmentTotal.objects.get(place=hall.place, day=REOPENS)
    assert (total.booked, total.came, total.missed) == (2, 1, 1)
    with pytest.raises(ValidationError):
        services.cancel(by=None, appointment=one, now=evening)
    with pytest.raises(ValidationError):
        services.mark(by=None, appointment=one, outcome="cancelled", now=evening)
    assert services.count_disagreements() == 0


def test_the_next_one_called_is_the_earliest_time_then_the_lowest_number(hall, people):
    late = services.book(by=None, veteran=people[0], slot=slot_at(hall, start=time(14)), now=BEFORE)
    early = services.book(by=None, veteran=people[1], slot=slot_at(hall), now=BEFORE)
    assert late.queue_number == 1
    assert services.call_next(by=None, hall=hall, day=REOPENS, now=at(REOPENS, 9)) == early
    assert services.call_next(by=None, hall=hall, day=REOPENS, now=at(REOPENS, 9)) == late
    assert services.call_next(by=None, hall=hall, day=REOPENS, now=at(REOPENS, 9)) is None


def test_bad_slots_and_halls_are_refused_with_nothing_written(hall, world):
    entries = AuditEntry.objects.count()
    bad = [
        {"periods": [(time(11), time(9))]},
        {"minutes": 0},
        {"capacity": 0},
        {"capacity": 10**6},
        {"first_day": date(2020, 3, 9), "last_day": date(2020, 3, 2)},
        {"first_day": date(2019, 1, 1)},  # the past
        {"last_day": date(9999, 12, 31)},
        {"periods": [(time(0), time(23, 59))], "minutes": 5, "last_day": date(2020, 12, 31)},
    ]
    for change in bad:
        arguments = {
            "first_day": REOPENS, "last_day": date(2020, 3, 6), "periods": [(time(9), time(10))],
            "minutes": 30, "capacity": 2, "now": BEFORE,
        } | change  # fmt: skip
        with pytest.raises(ValidationError):
            services.make_slots(by=None, hall=hall, **arguments)
    for change in ({"closed_from": None, "closed_reason": "x"}, {"closed_reason": ""}, {"name": " \t "},
                   {"reopens_on": date(2020, 1, 1)}):  # fmt: skip
        arguments = {"name": "站", "address": "", "closed_from": date(2020, 1, 24), "closed_reason": "疫情"}
        with pytest.raises(ValidationError):
            services.change_hall(by=None, hall=hall, **(arguments | change))
    with pytest.raises(ValidationError):
        services.set_up_hall(by=None, place=world.longjing)  # it has one
    with pytest.raises(ValidationError):
        services.set_up_hall(by=None, place=world.jingkou_grid)  # a grid has no hall
    assert AuditEntry.objects.count() == entries


def test_hostile_text_is_refused_or_kept_plain(hall, people):
    for text in ("bell\u0007", "lone \ud800", "nul\x00", "reversed \u202e"):
        with pytest.raises(ValidationError, match="control"):
            services.book(by=None, veteran=people[0], slot=slot_at(hall), purpose=text, now=BEFORE)
    assert not Appointment.objects.exists() and slot_at(hall).booked == 0
    text = "<script>alert(1)</script> " + "长" * 300
    made = services.book(by=None, veteran=people[0], slot=slot_at(hall), purpose=text, now=BEFORE)
    assert len(made.purpose) == 200 and made.purpose.startswith("<script>")


def test_each_reminder_is_sent_once_the_day_before(hall, people):
    from qunfang.messaging.models import Message

    booked = [services.book(by=None, veteran=v, slot=slot_at(hall), now=BEFORE) for v in people[:2]]
    services.cancel(by=None, appointment=booked[1], now=BEFORE)
    sent_before = Message.objects.count()
    assert services.send_reminders(now=at(date(2020, 2, 28), 9)) == 0  # not yet the day before
    assert services.send_reminders(now=at(date(2020, 3, 1), 9)) == 1
    assert services.send_reminders(now=at(date(2020, 3, 1), 10)) == 0
    assert Appointment.objects.get(pk=booked[0].pk).reminded_at is not None
    assert Message.objects.count() >= sent_before
    assert booked[0].state == AppointmentState.BOOKED
