"""The donations API does what the pages do: a drive started and listed, donors listed (phones masked),
a gift corrected, goods taken out, a ledger line reversed, the ledger and the deliveries listed. Another
district answers 404 with nothing of the place in it; a read-only leader is refused; bad input is 422
and writes nothing; a retry with the same Idempotency-Key writes once."""

from datetime import date

from qunfang.core.models import AuditEntry
from qunfang.donations import services
from qunfang.donations.models import CashDonation, Drive, MoveKind, StockLevel, StockMove
from qunfang.testing.clients import api_client_for

JSON = "application/json"


def post(api, url, body, **headers):
    return api.post(url, body, content_type=JSON, **headers)


def test_a_drive_is_started_and_listed_where_a_village_collects_for_it(world):
    api = api_client_for(world.alice)
    body = {"place_id": world.qingxin.pk, "name": "抗疫爱心捐款", "start": "2020-01-28",
            "designations": ["定向支援武汉", " "], "target": "200000"}  # fmt: skip
    made = post(api, "/api/v1/donations/drives", body, HTTP_IDEMPOTENCY_KEY="drive-key-1")
    again = post(api, "/api/v1/donations/drives", body, HTTP_IDEMPOTENCY_KEY="drive-key-1")
    assert made.status_code == 201 and again.json() == made.json()
    assert made.json()["designations"] == ["定向支援武汉"] and made.json()["target"] == "200000.00"
    assert Drive.objects.count() == 1
    assert AuditEntry.objects.filter(action="drive.create", actor=world.alice).count() == 1
    listed = api_client_for(world.carol).get(f"/api/v1/donations/drives?place_id={world.jingkou.pk}").json()
    assert [d["name"] for d in listed["items"]] == ["抗疫爱心捐款"]


def test_a_drive_is_refused_to_another_district_a_leader_and_bad_dates(world):
    body = {"place_id": world.qingxin.pk, "name": "抗疫", "start": "2020-02-01"}
    outsider = post(api_client_for(world.erin), "/api/v1/donations/drives", body)
    assert outsider.status_code == 404 and "清新" not in outsider.content.decode()
    assert post(api_client_for(world.leo), "/api/v1/donations/drives", body).status_code in (403, 404)
    bad = post(api_client_for(world.alice), "/api/v1/donations/drives", {**body, "end": "2020-01-01"})
    assert bad.status_code == 422 and "结束" in str(bad.json()["detail"])
    assert not Drive.objects.exists()


def test_donors_are_listed_with_what_they_gave_phones_masked(world):
    services.record_cash(by=None, place=world.jingkou, day=date(2020, 2, 1), amount="500",
                         new_donor={"name": "张伟", "phone": "13800000001"})  # fmt: skip
    services.save_donor(by=None, place=world.hunnan, name="浑南某公司", kind="company")
    api = api_client_for(world.alice)
    found = api.get(f"/api/v1/donations/donors?place_id={world.qingxin.pk}").json()["items"]
    assert [(d["name"], d["phone"], d["given"], d["gifts"]) for d in found] == [
        ("张伟", "138****0001", "500.00", 1)
    ]
    assert api.get(f"/api/v1/donations/donors?place_id={world.qingxin.pk}&q=李").json()["items"] == []
    outsider = api_client_for(world.erin).get(f"/api/v1/donations/donors?place_id={world.jingkou.pk}")
    assert outsider.status_code == 404 and "张伟" not in outsider.content.decode()


def gift(world, amount="1000", **facts) -> CashDonation:
    return services.record_cash(by=None, place=world.jingkou, day=date(2020, 2, 1), amount=amount,
                                new_donor={"name": "张伟"}, **facts)  # fmt: skip


def test_a_gift_is_corrected_until_it_is_handed_over(world):
    drive = services.save_drive(by=None, place=world.qingxin, name="抗疫", start=date(2020, 1, 28),
                                designations=["定向支援武汉"])  # fmt: skip
    given = gift(world, drive=drive)
    api = api_client_for(world.carol)
    url = f"/api/v1/donations/cash/{given.pk}/correction"
    body = {"amount": "1200", "designations": [{"purpose": "定向支援武汉", "amount": "200"}]}
    corrected = post(api, url, body)
    assert corrected.status_code == 200 and corrected.json()["amount"] == "1200.00"
    assert corrected.json()["designations"] == [
        {"purpose": "定向支援武汉", "amount": "200.00"},
        {"purpose": "", "amount": "1000.00"},
    ]
    assert AuditEntry.objects.filter(action="donation.correct", actor=world.carol).count() == 1
    bad = post(api, url, {"amount": "1200", "designations": [{"purpose": "别处", "amount": "1"}]})
    assert bad.status_code == 422
    assert post(api, url, {"amount": "-1"}).status_code == 422
    assert CashDonation.objects.get().amount_fen == 120_000  # neither refused call changed it
    outsider = post(api_client_for(world.dave), url, body)
    assert outsider.status_code == 404 and "张伟" not in outsider.content.decode()
    assert post(api_client_for(world.leo), url, body).status_code in (403, 404)
    services.hand_over(by=None, place=world.jingkou, donations=[given], recipient="区慈善会",
                       day=date(2020, 2, 2), signed_by="王")  # fmt: skip
    late = post(api, url, {"amount": "1"})
    assert late.status_code == 422 and "移交" in str(late.json()["detail"])


def stocked(world, quantity=10) -> StockMove:
    return services.receive_goods(by=None, place=world.jingkou, item=("口罩", "只"), quantity=quantity,
                                  day=date(2020, 2, 1))  # fmt: skip


def test_goods_are_taken_out_and_a_line_reversed_and_the_ledger_listed(world):
    received = stocked(world)
    api = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "item": "口罩", "unit": "只", "quantity": 3, "kind": "used",
            "day": "2020-02-02"}  # fmt: skip
    taken = post(api, "/api/v1/donations/take-outs", body, HTTP_IDEMPOTENCY_KEY="take-out-1")
    assert post(api, "/api/v1/donations/take-outs", body, HTTP_IDEMPOTENCY_KEY="take-out-1").json() == (
        taken.json()
    )
    assert taken.status_code == 201 and taken.json()["quantity"] == -3
    assert StockLevel.objects.get().on_hand == 7
    too_many = post(api, "/api/v1/donations/take-outs", {**body, "quantity": 8})
    assert too_many.status_code == 422 and StockLevel.objects.get().on_hand == 7
    unknown = post(api, "/api/v1/donations/take-outs", {**body, "item": "手套"})
    assert unknown.status_code == 422 and StockMove.objects.count() == 2
    reversed_ = post(api, f"/api/v1/donations/stock-moves/{received.pk}/correction", {"note": "点错"})
    assert reversed_.status_code == 422  # 7 on hand cannot give back the 10 received
    used = StockMove.objects.get(kind=MoveKind.USED)
    reversed_ = post(api, f"/api/v1/donations/stock-moves/{used.pk}/correction", {"note": "点错"})
    assert reversed_.status_code == 201 and reversed_.json()["reverses_id"] == used.pk
    assert StockLevel.objects.get().on_hand == 10
    assert AuditEntry.objects.filter(action="stock.correct", actor=world.carol).count() == 1
    twice = post(api, f"/api/v1/donations/stock-moves/{used.pk}/correction", {})
    assert twice.status_code == 422 and StockMove.objects.count() == 3
    ledger = api.get(f"/api/v1/donations/stock-moves?place_id={world.jingkou.pk}").json()
    assert [m["kind"] for m in ledger["items"]] == ["correction", "used", "received"]


def test_the_ledger_is_kept_from_another_village_and_a_leader(world):
    received = stocked(world)
    dave, leo = api_client_for(world.dave), api_client_for(world.leo)
    url = f"/api/v1/donations/stock-moves/{received.pk}/correction"
    assert post(dave, url, {}).status_code == 404 and post(leo, url, {}).status_code in (403, 404)
    body = {"place_id": world.jingkou.pk, "item": "口罩", "unit": "只", "quantity": 1, "kind": "used",
            "day": "2020-02-02"}  # fmt: skip
    assert post(dave, "/api/v1/donations/take-outs", body).status_code == 404
    assert post(leo, "/api/v1/donations/take-outs", body).status_code in (403, 404)
    listed = dave.get(f"/api/v1/donations/stock-moves?place_id={world.jingkou.pk}")
    assert listed.status_code == 404 and "口罩" not in listed.content.decode()
    assert StockMove.objects.count() == 1


def test_deliveries_go_to_a_person_and_are_listed(world):
    stocked(world)
    api = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "to_person": "3栋302 居家隔离户", "day": "2020-02-02",
            "delivered_by": "谢卡萝", "received_by": "住户", "note": "放门口",
            "lines": [{"item": "口罩", "unit": "只", "quantity": 4}]}  # fmt: skip
    assert post(api, "/api/v1/donations/deliveries", body).status_code == 201
    two_ways = post(api, "/api/v1/donations/deliveries", {**body, "to_place_id": world.jingkou_grid.pk})
    assert two_ways.status_code == 422 and StockLevel.objects.get().on_hand == 6
    listed = api.get(f"/api/v1/donations/deliveries?place_id={world.jingkou.pk}").json()["items"]
    assert [(d["to_person"], d["note"], d["lines"]) for d in listed] == [
        ("3栋302 居家隔离户", "放门口", [{"item": "口罩", "unit": "只", "quantity": 4}])
    ]
    outsider = api_client_for(world.dave).get(f"/api/v1/donations/deliveries?place_id={world.jingkou.pk}")
    assert outsider.status_code == 404 and "隔离户" not in outsider.content.decode()


def test_a_new_donors_phone_is_kept_masked_and_another_districts_team_is_not_delivered_to(world):
    from qunfang.mobilization.services import save_team

    api = api_client_for(world.carol)
    gift = {"place_id": world.jingkou.pk, "donor_name": "李娜", "donor_phone": "13800000002",
            "day": "2020-02-01", "amount": "50"}  # fmt: skip
    assert post(api, "/api/v1/donations/cash", gift).status_code == 201
    (donor,) = api.get(f"/api/v1/donations/donors?place_id={world.jingkou.pk}").json()["items"]
    assert donor["phone"] == "138****0002"
    stocked(world)
    theirs = save_team(by=None, place=world.hunnan, name="浑南突击队", members=[], leader=None).pk
    body = {"place_id": world.jingkou.pk, "to_team_id": theirs, "day": "2020-02-02", "delivered_by": "谢",
            "received_by": "队长", "lines": [{"item": "口罩", "unit": "只", "quantity": 1}]}  # fmt: skip
    refused = post(api, "/api/v1/donations/deliveries", body)
    assert refused.status_code == 404 and "浑南" not in refused.content.decode()
    assert StockLevel.objects.get().on_hand == 10
