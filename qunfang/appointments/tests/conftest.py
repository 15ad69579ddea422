from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from qunfang.appointments import services
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id

REOPENS = date(2020, 3, 2)  # a Monday
HOURS = [(time(9), time(11, 30)), (time(14), time(17))]


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


BEFORE = at(date(2020, 2, 25), 10)  # the clock of the services' tests: a week before the hall reopens


@pytest.fixture(autouse=True)
def english():
    """The services' messages matched in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def hall(world):
    """龙颈镇's hall, closed from 24 January until 2 March, with the slots of the fortnight after."""
    hall = services.set_up_hall(
        by=None, place=world.longjing, name="龙颈镇退役军人服务站", address="龙颈镇政府"
    )
    services.change_hall(
        by=None, hall=hall, name=hall.name, address=hall.address, closed_from=date(2020, 1, 24),
        closed_reason="疫情防控", reopens_on=REOPENS,
    )  # fmt: skip
    services.make_slots(
        by=None, hall=hall, first_day=date(2020, 2, 26), last_day=date(2020, 3, 13), periods=HOURS,
        minutes=30, capacity=2, now=BEFORE,
    )  # fmt: skip
    return hall


@pytest.fixture
def people(world):
    return [
        registry.create_veteran(
            by=None,
            place=world.jingkou,
            name=f"老兵{n}",
            id_number=synthetic_id("441803", 100 + n),
            phone=f"1380000{n:04d}",
        )  # fmt: skip
        for n in range(6)
    ]


def later_today(hall, *, capacity: int = 6):
    """A slot of the hall later today (by the real clock), for what is marked on its day; skipped in
    the last hour before midnight, when no slot of today is left to come."""
    from qunfang.appointments.models import Slot

    now = timezone.localtime()
    start = (now + timedelta(minutes=15)).replace(second=0, microsecond=0)
    end = start + timedelta(minutes=30)
    if end.date() != now.date():
        pytest.skip("too near midnight for a slot later today")
    services.make_slots(
        by=None, hall=hall, first_day=now.date(), last_day=now.date(), periods=[(start.time(), end.time())],
        minutes=30, capacity=capacity, weekdays=range(7),
    )  # fmt: skip
    return Slot.objects.select_related("hall__place").get(hall=hall, day=now.date(), start=start.time())
