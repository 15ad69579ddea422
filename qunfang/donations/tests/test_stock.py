"""Goods: received into a place's stock, delivered to a community (into its stock) or a team, used or
written off, a mistake reversed by a correction; the level on hand never goes below zero, not even
with deliveries at the same moment (PostgreSQL, parallel requests)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qunfang.core.access import Scope
from qunfang.donations import selectors, services
from qunfang.donations.models import Delivery, StockLevel, StockMove


@pytest.fixture
def disinfectant(world):
    donor = services.save_donor(by=None, place=world.qingxin, name="夏宇", phone="13900000018")
    item = services.item_named("消毒液", "瓶")
    services.receive_goods(by=None, place=world.qingxin, item=item, quantity=120, day=date(2020, 2, 18),
                           donor=donor, note="4箱")  # fmt: skip
    return item


def on_hand(place, item) -> int:
    return StockLevel.objects.filter(place=place, item=item).values_list("on_hand", flat=True).first() or 0


def test_a_delivery_moves_stock_to_the_community(world, disinfectant):
    services.deliver(
        by=world.alice, place=world.qingxin, lines=[(disinfectant, 100)], day=date(2020, 2, 18),
        delivered_by="夏宇", received_by="社区书记", to_place=world.jingkou,
    )  # fmt: skip
    assert (on_hand(world.qingxin, disinfectant), on_hand(world.jingkou, disinfectant)) == (20, 100)
    services.take_out(
        by=None, place=world.jingkou, item=disinfectant, quantity=30, kind="used", day=date(2020, 2, 19)
    )
    assert on_hand(world.jingkou, disinfectant) == 70
    levels = {
        level.item.name: level.on_hand
        for level in selectors.stock(Scope.for_user(world.alice), world.qingxin)
    }
    assert levels == {"消毒液": 20}


def test_delivering_more_than_is_on_hand_is_refused_whole(world, disinfectant):
    suits = services.item_named("防护服", "件")
    services.receive_goods(by=None, place=world.qingxin, item=suits, quantity=40, day=date(2020, 2, 18))
    with pytest.raises(ValidationError) as refused:
        services.deliver(
            by=None, place=world.qingxin, lines=[(suits, 40), (disinfectant, 121)], day=date(2020, 2, 18),
            delivered_by="夏宇", received_by="社区书记", to_place=world.jingkou,
        )  # fmt: skip
    assert "库存只有 120 瓶" in " ".join(refused.value.messages)
    assert on_hand(world.qingxin, suits) == 40 and not Delivery.objects.exists()
    for bad in ({"quantity": 0}, {"quantity": -3}, {"quantity": "两箱"}):
        with pytest.raises(ValidationError):
            services.receive_goods(by=None, place=world.qingxin, item=suits, day=date(2020, 2, 18), **bad)


def test_a_mistake_is_reversed_not_erased(world, disinfectant):
    received = StockMove.objects.get()
    correction = services.correct_move(by=None, move=received, note="录入错误")
    assert correction.quantity == -120 and on_hand(world.qingxin, disinfectant) == 0
    with pytest.raises(ValidationError):
        services.correct_move(by=None, move=received)
    assert StockMove.objects.count() == 2


def test_parallel_delivery_requests_never_overdraw_the_stock(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: there is no race to show")
    import requests

    from qunfang.core import services as core
    from qunfang.testing.world import make_world

    world = make_world()
    _token, raw = core.issue_token(by=world.alice, name="phone")
    masks = services.item_named("医用口罩", "只")
    services.receive_goods(by=None, place=world.qingxin, item=masks, quantity=100, day=date(2020, 2, 1))
    body = {"place_id": world.qingxin.pk, "to_place_id": world.jingkou.pk, "day": "2020-02-02",
            "lines": [{"item": "医用口罩", "unit": "只", "quantity": 30}],
            "delivered_by": "志愿者", "received_by": "村委"}  # fmt: skip
    answers: list[int] = []
    start = threading.Barrier(8)

    def deliver():
        start.wait()
        headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "zh-hans"}
        url = f"{live_server.url}/api/v1/donations/deliveries"
        answers.append(requests.post(url, json=body, headers=headers, timeout=60).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201, 201, 422, 422, 422, 422, 422]
    assert on_hand(world.qingxin, masks) == 10 and on_hand(world.jingkou, masks) == 90
    assert Delivery.objects.count() == 3


def test_goods_go_to_a_person_but_to_one_destination_only(world, disinfectant):
    handing = {"by": None, "place": world.qingxin, "lines": [(disinfectant, 2)], "day": date(2020, 2, 18),
               "delivered_by": "志愿者小张", "received_by": "李阿姨"}  # fmt: skip
    services.deliver(**handing, to_person="3栋2单元302 居家隔离户")
    assert on_hand(world.qingxin, disinfectant) == 118
    assert Delivery.objects.get().destination == "3栋2单元302 居家隔离户"
    with pytest.raises(ValidationError):
        services.deliver(**handing, to_person="某人", to_place=world.jingkou)


def test_a_refused_receipt_or_delivery_adds_no_item_to_the_catalogue(world):
    """The item typed on the form or in the request is added in the same transaction as the receipt or
    delivery it is for: refused, it leaves nothing behind, on the page as on the API."""
    from qunfang.donations.models import Item
    from qunfang.testing.clients import api_client_for, client_for

    client, api = client_for(world.alice), api_client_for(world.alice)
    goods = {"place_id": world.qingxin.pk, "item": "护目镜", "unit": "副", "quantity": 0, "day": "2020-02-18"}
    refused = api.post("/api/v1/donations/goods", goods, content_type="application/json")
    assert refused.status_code == 422
    refused = api.post("/api/v1/donations/deliveries", {
        "place_id": world.qingxin.pk, "to_place_id": world.jingkou.pk, "day": "2020-02-18",
        "delivered_by": "夏宇", "received_by": "社区书记",
        "lines": [{"item": "面罩", "unit": "个", "quantity": 5}],
    }, content_type="application/json")  # fmt: skip
    assert refused.status_code == 422  # nothing of it on hand
    page = client.post(f"/places/{world.qingxin.pk}/stock/", {"receive": "1", "item": "手套", "unit": "副",
                       "quantity": "-3", "day": "2020-02-18"})  # fmt: skip
    assert page.status_code == 200
    assert not Item.objects.filter(name__in=["护目镜", "面罩", "手套"]).exists()
