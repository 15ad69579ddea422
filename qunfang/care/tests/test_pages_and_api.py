"""The pages and the API do the same over the same services: the clerk's list of what is due, the
audited tap to call, a visit recorded with a photo and a gift (once, on a double submit), the bureau's
rules (none without an interval); another village or district gets 404 with nothing of the place."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qunfang.care import services
from qunfang.care.models import CareRule, Contact, ContactDue
from qunfang.core.models import AuditEntry
from qunfang.donations import services as donations
from qunfang.donations.models import StockLevel
from qunfang.testing.clients import api_client_for, client_for, image_upload

TODAY = timezone.localdate()
JSON = "application/json"


@pytest.fixture
def rule(world, people):
    return services.save_rule(
        by=world.alice,
        place=world.qingxin,
        name="重点联系：每季度电话",
        kind="call",
        every_months=3,
        starts=TODAY - timedelta(days=3),
    )


def test_the_clerk_sees_whats_due_reveals_the_number_and_records_a_visit_with_a_gift(world, people, rule):
    oil = donations.item_named("花生油", "桶")
    donations.receive_goods(by=None, place=world.jingkou, item=oil, quantity=3, day=TODAY)
    clerk = client_for(world.carol)
    listed = clerk.get(f"/places/{world.jingkou.pk}/care/due/").content.decode()
    assert "张清" in listed and "迳口村一巷1号" in listed and "13800138000" not in listed
    shown = clerk.post(f"/veterans/{people[0].pk}/care/call/", {"submission_key": "reveal-key-1"})
    assert 'href="tel:+8613800138000"' in shown.content.decode()
    assert AuditEntry.objects.filter(action="veteran.reveal", actor=world.carol).count() == 1
    form = {
        "kind": "visit",
        "day": TODAY.isoformat(),
        "note": "上门慰问",
        "gift_item": oil.pk,
        "gift_quantity": 1,
        "submission": "visit-1",
        "submission_key": "visit-key-1",
    }
    for _twice in range(2):
        done = clerk.post(f"/veterans/{people[0].pk}/care/record/", {**form, "photo": image_upload("v.png")})
        assert done.status_code == 302
    assert Contact.objects.count() == 1 and StockLevel.objects.get(item=oil).on_hand == 2
    contact = Contact.objects.get()
    assert clerk.get(f"/care/contacts/{contact.pk}/photo/").status_code == 200
    after = clerk.get(f"/places/{world.jingkou.pk}/care/due/").content.decode()
    assert after.count('id="due-') == 1 and "罗显铜" in after
    page = clerk.get(f"/veterans/{people[0].pk}/").content.decode()
    assert "花生油 1桶" in page and "重点联系：每季度电话" in page


def test_the_next_village_and_another_district_get_404_with_nothing_of_the_place(world, people, rule):
    contact = services.record_contact(
        by=None, veteran=people[0], kind="visit", day=TODAY, photo=image_upload()
    )
    for user in (world.dave, world.erin):
        for url in (
            f"/places/{world.jingkou.pk}/care/due/",
            f"/care/contacts/{contact.pk}/photo/",
            f"/veterans/{people[0].pk}/care/record/",
        ):
            response = client_for(user).get(url)
            assert response.status_code in (403, 404) and "张清" not in response.content.decode()
        api = api_client_for(user)
        assert api.get(f"/api/v1/care/veterans/{people[0].pk}/file").status_code == 404
        assert api.post(f"/api/v1/care/veterans/{people[0].pk}/number").status_code in (403, 404)


def test_the_api_records_a_call_once_and_lists_whats_due(world, people, rule):
    api = api_client_for(world.carol)
    due = api.get(f"/api/v1/care/due?place_id={world.jingkou.pk}").json()["items"]
    assert [d["veteran"] for d in due] == ["张清", "罗显铜"] and all(d["overdue"] for d in due)
    body = {"veteran_id": people[1].pk, "kind": "call", "day": TODAY.isoformat(), "note": "电话问候"}
    made = api.post("/api/v1/care/contacts", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="call-key-1")
    again = api.post("/api/v1/care/contacts", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="call-key-1")
    assert made.status_code == 201 and again.json() == made.json() and Contact.objects.count() == 1
    assert made.json()["due_day"] == (TODAY - timedelta(days=3)).isoformat()
    future = api.post(
        "/api/v1/care/contacts", {**body, "day": (TODAY + timedelta(days=2)).isoformat()}, content_type=JSON
    )
    assert future.status_code == 422 and Contact.objects.count() == 1


def test_a_rule_without_an_interval_is_refused_by_page_and_api(world, people):
    body = {"place_id": world.qingxin.pk, "name": "春节走访", "kind": "visit"}
    refused = api_client_for(world.alice).post("/api/v1/care/rules", body, content_type=JSON)
    detail = str(refused.json()["detail"])
    assert refused.status_code == 422 and ("interval" in detail or "周期" in detail)
    page = client_for(world.alice).post(
        f"/places/{world.qingxin.pk}/care/rules/",
        {
            "name": "春节走访",
            "kind": "visit",
            "starts": TODAY.isoformat(),
            "town_after_days": 7,
            "district_after_days": 30,
            "active": "on",
            "submission_key": "rule-key-1",
        },
    )
    assert page.status_code == 200 and CareRule.objects.count() == 0 and ContactDue.objects.count() == 0
    made = api_client_for(world.alice).post(
        "/api/v1/care/rules", {**body, "every_months": 6}, content_type=JSON
    )
    assert made.status_code == 201 and ContactDue.objects.count() == 2
    clerk = api_client_for(world.carol).post(
        "/api/v1/care/rules", {**body, "every_months": 6}, content_type=JSON
    )
    assert clerk.status_code in (403, 404)
