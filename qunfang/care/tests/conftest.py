"""Two people of 迳口村 on the roll since 2018, with phones and an address."""

from datetime import date

import pytest

from qunfang.care import services
from qunfang.care.models import EventKind
from qunfang.core.personal import check_character
from qunfang.registry import services as registry


@pytest.fixture
def people(world):
    made = [
        registry.create_veteran(
            by=None,
            place=world.jingkou,
            name=name,
            id_number=number + check_character(number),
            phone="13800138000",
            address="迳口村一巷1号",
        )
        for name, number in (("张清", "44180319500101123"), ("罗显铜", "44180319600101123"))
    ]
    for veteran in made:
        services.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2018, 1, 1))
    return made
