"""What the hardship tests share: a district fund with money in it, and veterans of 迳口村."""

from datetime import date

import pytest

from qunfang.hardship import services
from qunfang.registry.services import create_veteran
from qunfang.testing.world import SAMPLE_ID, person

ID_NUMBERS = ["441803195503120011", "441803196007150021", "441803196802280036"]


@pytest.fixture
def fund(world):
    made = services.create_fund(by=None, place=world.qingxin, name="清新区退役军人关爱基金")
    services.take_in_budget(
        by=None, fund=made, amount="10000", day=date(2020, 1, 2), document="清财〔2020〕1号"
    )
    made.refresh_from_db()
    return made


@pytest.fixture
def veteran(world):
    return create_veteran(by=None, place=world.jingkou, name="张清", id_number=SAMPLE_ID)


@pytest.fixture
def bella(world):
    """A second clerk of the town, who decides what bob sent up, or the other way round."""
    return person("bella", world.longjing, "station_staff", "贝拉")


def opened(world, veteran, fund, *, by=None, asked="3000", **facts):
    facts = {"need": "住院手术", "medical_costs": "20000", "household_income": "20000", "household_size": 3,
             **facts}  # fmt: skip
    return services.open_case(by=by or clerk_of(world, veteran), place=veteran.place, veteran=veteran,
                              fund=fund, asked=asked, day=date(2020, 1, 10), **facts)  # fmt: skip


def clerk_of(world, veteran):
    return world.carol if veteran.place_id == world.jingkou.pk else world.dave


def approved(world, veteran, fund, amount="3000"):
    """A case sent up by its village's clerk, approved by bob at the town and alice at the district."""
    case = opened(world, veteran, fund, asked=amount)
    services.send_up(by=clerk_of(world, veteran), case=case)
    services.approve(by=world.bob, case=case, amount=amount)
    return services.approve(by=world.alice, case=case, amount=amount)
