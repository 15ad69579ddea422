"""What is due shows on each person's home: a late step on the village's and the town's list at once,
on the district's once late by its days more; the month's screening to sign and to countersign; the
screenings' and deadlines' API; the list pages' cost pinned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qunfang.petitions import services
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import api_client_for

JSON = "application/json"
pytestmark = pytest.mark.django_db


def late_petition(world, days_late, number=3):
    veteran = registry.create_veteran(
        by=None, place=world.jingkou, name="黄伯", id_number=synthetic_id("441803", number)
    )
    day = timezone.localdate() - timedelta(days=3 + days_late)  # three days to register it
    return services.record_found(
        by=None, place=world.jingkou, veterans=[veteran], subject="事", matter="事", day=day
    )


def home_of(as_user, user) -> str:
    return as_user(user).get("/", follow=True).content.decode()


def test_a_late_step_goes_up_the_tree_on_the_home_pages(world, as_user):
    late_petition(world, days_late=2)
    assert "信访件逾期未办：迳口村" in home_of(as_user, world.carol)
    assert "信访件逾期未办：龙颈镇" in home_of(as_user, world.bob)
    assert "信访件逾期未办" not in home_of(as_user, world.alice)  # not 7 days late yet
    assert "信访件逾期未办" not in home_of(as_user, world.dave)
    services.set_deadlines(by=None, place=world.qingxin, escalate_after_days=1)
    assert "信访件逾期未办：清新区" in home_of(as_user, world.alice)


def test_the_screening_to_sign_and_to_countersign_are_on_the_home_pages(world, as_user):
    assert "不稳定风险排查待签报" in home_of(as_user, world.carol)
    services.sign_screening(
        by=world.carol, place=world.jingkou, month=timezone.localdate(), people=5, risks=0
    )
    assert "不稳定风险排查待签报" not in home_of(as_user, world.carol)
    assert "不稳定风险排查待签字确认：龙颈镇" in home_of(as_user, world.bob)
    assert "不稳定风险排查待签字确认" not in home_of(as_user, world.alice)  # the town's to countersign


def test_the_screening_and_deadline_api(world):
    month = timezone.localdate().isoformat()
    body = {"place_id": world.jingkou.pk, "month": month, "people": 40, "risks": 0}
    signed = api_client_for(world.carol).post("/api/v1/petitions-screenings", body, content_type=JSON)
    assert signed.status_code == 200
    own = api_client_for(world.carol).post(f"/api/v1/petitions-screenings/{signed.json()['id']}/countersign")
    assert own.status_code == 422
    town = api_client_for(world.bob)
    assert town.post(f"/api/v1/petitions-screenings/{signed.json()['id']}/countersign").status_code == 200
    listed = town.get(f"/api/v1/petitions-screenings?place_id={world.longjing.pk}").json()
    assert set(listed["not_signed_place_ids"]) == {world.longjing.pk, world.nankeng.pk}
    days = {"register_days": 2, "resolve_days": 20, "revisit_days": 10, "escalate_after_days": 3}
    url = f"/api/v1/petitions-deadlines?place_id={world.qingxin.pk}"
    assert api_client_for(world.bob).put(url, days, content_type=JSON).status_code in (403, 404)
    assert (
        api_client_for(world.alice).put(url, {**days, "register_days": 0}, content_type=JSON).status_code
        == 422
    )
    assert api_client_for(world.alice).put(url, days, content_type=JSON).json() == days
    assert services.deadlines_for(world.jingkou) == days


def test_the_list_pages_cost_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    for number in range(20, 28):  # eight petitions, eight households without a plaque
        late_petition(world, days_late=number % 3, number=number)
    client = as_user(world.bob)
    client.get(f"/places/{world.longjing.pk}/petitions/")  # the session and menu warmed
    with django_assert_max_num_queries(25):
        assert client.get(f"/places/{world.longjing.pk}/petitions/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/places/{world.longjing.pk}/plaques/to-hang/").status_code == 200
