"""Two phones booking the last place of a slot at once make one appointment (PostgreSQL: the
conditional UPDATE of the slot holds the capacity); the same veteran booking two slots of a day at
once holds one."""

from datetime import time
from threading import Barrier, Thread

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection

from qunfang.appointments import services
from qunfang.appointments.models import Appointment, Slot
from qunfang.appointments.tests.conftest import BEFORE, REOPENS

postgresql_only = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database refuses a second writer at once",
)


def _at_once(calls) -> list[str]:
    answers: list[str] = []
    start = Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            call()
            answers.append("booked")
        except ValidationError:
            answers.append("refused")
        finally:
            connection.close()

    threads = [Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


def _slot(hall, start=time(9)):
    return Slot.objects.select_related("hall__place").get(hall=hall, day=REOPENS, start=start)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_phones_booking_the_last_place_make_one_appointment(hall, people):
    slot = _slot(hall)
    services.book(by=None, veteran=people[0], slot=slot, now=BEFORE)  # one of the two places
    calls = [lambda v=v: services.book(by=None, veteran=v, slot=_slot(hall), now=BEFORE) for v in people[1:3]]
    assert _at_once(calls) == ["booked", "refused"]
    slot.refresh_from_db()
    assert slot.booked == 2 == Appointment.objects.filter(slot=slot).count()
    numbers = sorted(Appointment.objects.values_list("queue_number", flat=True))
    assert numbers == [1, 2]
    assert services.count_disagreements() == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_veteran_booking_two_times_of_a_day_at_once_holds_one(hall, people):
    calls = [
        lambda start=start: services.book(by=None, veteran=people[0], slot=_slot(hall, start), now=BEFORE)
        for start in (time(9), time(14))
    ]
    assert _at_once(calls) == ["booked", "refused"]
    assert Appointment.objects.count() == 1
    assert sum(Slot.objects.filter(hall=hall).values_list("booked", flat=True)) == 1
    assert services.count_disagreements() == 0
