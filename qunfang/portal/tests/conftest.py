import pytest

from qunfang.registry import services as roll
from qunfang.registry.synthetic import synthetic_id

FATHER_PHONE = "13700001111"
SON_PHONE = "13700002222"
NEIGHBOUR_PHONE = "13700003333"


@pytest.fixture
def father(world):
    return roll.create_veteran(
        by=None, place=world.jingkou, name="林老伯", id_number=synthetic_id("441803", 11), phone=FATHER_PHONE
    )


@pytest.fixture
def son(father):
    return roll.add_family_member(by=None, veteran=father, relation="child", name="林小明", phone=SON_PHONE)


@pytest.fixture
def neighbour(world):
    return roll.create_veteran(
        by=None,
        place=world.nankeng,
        name="邻村老兵",
        id_number=synthetic_id("441803", 12),
        phone=NEIGHBOUR_PHONE,
    )
