"""The pages and the API over the same services: a sibling village's clerk gets 404; the public pages
show the open needs of the place asked for and below, nothing closed, no donor who did not agree to be
named, nothing of another place; the API refuses a commitment larger than the need with 422."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from qunfang.needs import services
from qunfang.needs.models import Commitment, Need, NeedLine, NeedStatus
from qunfang.needs.selectors import share_key
from qunfang.testing.clients import api_client_for, client_for

FEB = date(2020, 2, 10)


@pytest.fixture
def need(world) -> Need:
    need = services.post_need(
        by=None,
        place=world.jingkou,
        title="迳口村消毒液",
        posted_on=FEB,
        lines=[(("消毒液", "瓶"), 120), (("防护服", "件"), 40)],
    )
    first, second = need.lines.order_by("pk")
    services.commit(by=None, line=first, donor_name="夏宇", quantity=50, named_publicly=True)
    services.commit(by=None, line=second, donor_name="不愿具名的张先生", quantity=10)
    return need


def test_the_clerk_posts_commits_and_records_by_the_pages(world):
    clerk = client_for(world.carol)
    answer = clerk.post(
        f"/places/{world.jingkou.pk}/needs/new/",
        {"title": "口罩", "item_0": "医用口罩", "unit_0": "只", "quantity_0": "500"},
    )
    need = Need.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/needs/{need.pk}/"
    line = need.lines.get()
    answer = clerk.post(f"/needs/{need.pk}/commit/", {"line": line.pk, "donor_name": "甲", "quantity": "501"})
    assert answer.status_code == 200 and not Commitment.objects.exists()  # the form again, with its error
    assert "501" in answer.content.decode()
    clerk.post(f"/needs/{need.pk}/commit/", {"line": line.pk, "donor_name": "甲", "quantity": "500"})
    promise = Commitment.objects.get()
    clerk.post(
        f"/needs/{need.pk}/deliver/",
        {
            "commitment": promise.pk,
            f"quantity_{line.pk}": "500",
            "day": timezone.localdate().isoformat(),
            "delivered_by": "甲",
            "received_by": "乙",
        },
    )
    assert Need.objects.get().status == NeedStatus.MET
    page = clerk.get(f"/places/{world.jingkou.pk}/needs/").content.decode()
    assert "口罩" in page and 'value="500"' in page


def test_a_sibling_village_and_another_district_get_404(world, need):
    for user in (world.dave, world.erin):
        other = client_for(user)
        assert other.get(f"/needs/{need.pk}/").status_code == 404
        assert other.post(f"/needs/{need.pk}/close/").status_code == 404
        assert other.get(f"/places/{world.jingkou.pk}/needs/").status_code == 404
    assert Need.objects.get().status == NeedStatus.OPEN


def test_the_public_pages_show_nothing_private_and_nothing_of_another_place(world, need):
    other = services.post_need(
        by=None, place=world.nankeng, title="南坑村的需要", posted_on=FEB, lines=[(("口罩", "只"), 10)]
    )
    closed = services.post_need(
        by=None, place=world.jingkou, title="已关闭的需要", posted_on=FEB, lines=[(("手套", "双"), 10)]
    )
    services.close_need(by=None, need=closed)
    anyone = Client()
    page = anyone.get(f"/open-needs/{share_key('place', world.jingkou.pk)}/").content.decode()
    assert "迳口村消毒液" in page and "<svg" in page
    assert "南坑村的需要" not in page and "已关闭的需要" not in page and "张先生" not in page
    one = anyone.get(f"/open-needs/need/{share_key('need', need.pk)}/").content.decode()
    assert "夏宇" in one and "张先生" not in one  # only the donor who agreed is named
    assert anyone.get(f"/open-needs/need/{share_key('need', closed.pk)}/").status_code == 404
    town = anyone.get(f"/open-needs/{share_key('place', world.longjing.pk)}/").content.decode()
    assert "迳口村消毒液" in town and "南坑村的需要" in town  # the town's page lists its villages'
    assert anyone.get("/open-needs/999999/").status_code == 404
    assert anyone.get(f"/open-needs/{world.jingkou.pk}-forged/").status_code == 404
    assert other.pk


def test_the_public_page_costs_a_few_queries(world, need, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # the place, the needs, their lines (and the session)
        assert Client().get(f"/open-needs/{share_key('place', world.qingxin.pk)}/").status_code == 200


def test_the_api_walks_a_need_and_refuses_a_commitment_larger_than_the_need(world):
    api = api_client_for(world.carol)
    made = api.post(
        "/api/v1/needs",
        {
            "place_id": world.jingkou.pk,
            "title": "防护服",
            "lines": [{"item": "防护服", "unit": "件", "quantity": 40}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    need_id, line_id = made.json()["id"], made.json()["lines"][0]["id"]
    too_much = api.post(
        f"/api/v1/needs/{need_id}/commitments",
        {"line_id": line_id, "donor_name": "甲", "quantity": 41},
        content_type="application/json",
    )
    assert too_much.status_code == 422 and not Commitment.objects.exists()
    promise = api.post(
        f"/api/v1/needs/{need_id}/commitments",
        {"line_id": line_id, "donor_name": "甲", "quantity": 40},
        content_type="application/json",
    )
    delivered = api.post(
        f"/api/v1/needs/{need_id}/deliveries",
        {
            "lines": [{"line_id": line_id, "quantity": 40}],
            "commitment_id": promise.json()["id"],
            "day": timezone.localdate().isoformat(),
            "delivered_by": "甲",
            "received_by": "乙",
        },
        content_type="application/json",
    )
    assert delivered.status_code == 201, delivered.content
    assert api.get(f"/api/v1/needs/{need_id}").json()["status"] == "met"
    assert NeedLine.objects.get().missing == 0
    sibling = api_client_for(world.dave)
    assert sibling.get(f"/api/v1/needs/{need_id}").status_code == 404
