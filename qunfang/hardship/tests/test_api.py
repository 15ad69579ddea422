"""The hardship API: a case opened, sent up, decided, paid and followed up as the pages do it; bad
input answers 422 and writes nothing; another place's case answers 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qunfang.hardship.models import CaseState, Fund, HardshipCase
from qunfang.hardship.testing import PDF
from qunfang.testing.clients import api_client_for


def post(client, url, body):
    return client.post(f"/api/v1{url}", body, content_type="application/json")


def test_a_case_through_the_api(world, fund, veteran):
    carol, bob, alice = (api_client_for(user) for user in (world.carol, world.bob, world.alice))
    opened = post(carol, "/hardship/cases", {"place_id": world.jingkou.pk, "veteran_id": veteran.pk,
                  "fund_id": fund.pk, "need": "住院", "asked": "2000", "medical_costs": "30000"})  # fmt: skip
    assert opened.status_code == 201, opened.content
    case = opened.json()["id"]
    bill = SimpleUploadedFile("bill.pdf", PDF, "application/pdf")
    assert carol.post(f"/api/v1/hardship/cases/{case}/attachments", {"upload": bill}).status_code == 201
    assert post(carol, f"/hardship/cases/{case}/send", {}).json()["waiting_at_id"] == world.longjing.pk
    assert post(carol, f"/hardship/cases/{case}/approve", {"amount": "2000"}).status_code == 404
    assert post(bob, f"/hardship/cases/{case}/return", {"reason": ""}).status_code == 422
    assert post(bob, f"/hardship/cases/{case}/approve", {"amount": "2000"}).status_code == 200
    assert post(alice, f"/hardship/cases/{case}/approve", {"amount": "1800"}).json()["state"] == "approved"
    today = timezone.localdate().isoformat()
    over = post(alice, f"/hardship/cases/{case}/payments", {"amount": "1800.01", "day": today})
    assert over.status_code == 422 and Fund.objects.get().balance_fen == 1_000_000
    paid = post(alice, f"/hardship/cases/{case}/payments", {"amount": "1800", "day": today})
    assert paid.status_code == 201 and paid.json()["amount"] == "-1800.00"
    closed = post(carol, f"/hardship/cases/{case}/follow-up", {"day": today, "note": "好转"})
    assert closed.json()["state"] == CaseState.CLOSED
    lines = alice.get(f"/api/v1/hardship/funds/{fund.pk}/lines").json()
    assert [line["amount"] for line in lines["items"]] == ["-1800.00", "10000.00"]
    assert alice.get(f"/api/v1/hardship/cases?place_id={world.qingxin.pk}&state=closed").json()["count"] == 1


def test_the_api_refuses_another_places_case_and_bad_amounts(world, fund, veteran):
    dave = api_client_for(world.dave)
    body = {
        "place_id": world.jingkou.pk,
        "veteran_id": veteran.pk,
        "fund_id": fund.pk,
        "need": "x",
        "asked": "1",
    }
    assert post(dave, "/hardship/cases", body).status_code == 404
    carol = api_client_for(world.carol)
    for asked in ("0", "-1", "1.001", "abc", "9" * 19):
        assert post(carol, "/hardship/cases", {**body, "asked": asked}).status_code == 422, asked
    assert HardshipCase.objects.count() == 0
    rule = {"place_id": world.qingxin.pk, "kind": "not_helped_within"}
    assert post(api_client_for(world.alice), "/hardship/rules", rule).status_code == 422
    assert post(api_client_for(world.alice), "/hardship/rules", {**rule, "months": 6}).status_code == 201
