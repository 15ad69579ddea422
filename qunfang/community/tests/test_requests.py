"""Residents' requests: taken down with the household, given to a volunteer for a delivery, answered
with a standard answer (copied, so a later edit of the list leaves what was said), refused when
empty, aimed at another community's household, or answered twice; standard answers are shared down
the tree."""

import pytest
from django.core.exceptions import ValidationError

from qunfang.community.models import RequestStatus
from qunfang.community.selectors import requests as selectors
from qunfang.community.services import register
from qunfang.community.services import requests as services
from qunfang.mobilization.services import add_volunteer
from qunfang.registry.synthetic import synthetic_id


@pytest.fixture
def household(world):
    building = register.save_building(by=None, community=world.jingkou, number="5栋")
    return register.save_household(by=None, building=building, unit="1单元", room="201")


def test_a_request_is_delivered_by_a_volunteer_and_answered(world, household):
    taken = services.take_request(
        by=world.carol, community=world.jingkou, channel="phone", category="supplies",
        text="居家隔离，需要买米和菜", household=household,
    )  # fmt: skip
    volunteer = add_volunteer(
        by=None,
        place=world.jingkou,
        name="志愿者小张",
        phone="13800000009",
        id_number=synthetic_id("441803", 9),
    )
    services.assign_request(by=world.carol, resident_request=taken, volunteer=volunteer)
    assert taken.status == RequestStatus.ASSIGNED
    answer = services.save_standard_answer(
        by=None, place=world.qingxin, category="supplies", question="隔离户如何买菜？",
        answer="由社区志愿者代购并送到门口。",
    )  # fmt: skip
    assert list(selectors.standard_answers(world.jingkou, "supplies")) == [answer]  # shared from the district
    services.answer_request(by=world.carol, resident_request=taken, standard=answer)
    services.save_standard_answer(
        by=None, place=world.qingxin, category="supplies", question="隔离户如何买菜？", answer="新的答复",
        existing=answer,
    )  # fmt: skip
    taken.refresh_from_db()
    assert taken.status == RequestStatus.DONE and taken.answer == "由社区志愿者代购并送到门口。"
    with pytest.raises(ValidationError):
        services.answer_request(by=world.carol, resident_request=taken, answer="再答一次")


def test_bad_requests_are_refused(world, household):
    for bad in ({"text": " "}, {"category": "gossip"}, {"channel": "pigeon"}, {"community": world.nankeng}):
        facts = {"community": world.jingkou, "channel": "door", "category": "rules", "text": "能出门吗？",
                 "household": household, **bad}  # fmt: skip
        with pytest.raises(ValidationError):
            services.take_request(by=None, **facts)


def test_requests_are_taken_and_answered_on_the_pages(world, household, as_user):
    client = as_user(world.carol)
    response = client.post(
        f"/places/{world.jingkou.pk}/requests/new/",
        {"channel": "gate", "category": "rules", "text": "什么时候能出小区？",
         "building": "5栋", "unit": "1单元", "room": "201"},
    )  # fmt: skip
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "什么时候能出小区？" in detail and "5栋1单元201" in detail
    missing = client.post(
        f"/places/{world.jingkou.pk}/requests/new/",
        {"channel": "gate", "category": "rules", "text": "问题", "building": "99栋", "room": "1"},
    )
    assert "登记中没有这户" in missing.content.decode()
    listed = client.get(f"/places/{world.jingkou.pk}/requests/").content.decode()
    assert "什么时候能出小区？" in listed
