from datetime import date, datetime, time

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
