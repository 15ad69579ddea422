"""The messaging API: a template, a campaign counted, started and watched to the end; refusals answer
422 in Chinese before anything is written; another district's campaign is not found; phones masked."""

from qunfang.messaging.models import Message
from qunfang.messaging.tests.test_calls import calls  # noqa: F401 (a fixture)
from qunfang.messaging.tests.test_campaigns import veterans  # noqa: F401 (a fixture)
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import api_client_for

JSON = "application/json"


def approved_template(api, place, body="{name}您好", channel="console") -> dict:
    data = {"place_id": place.pk, "name": "提醒", "channel": channel, "body": body, "approved": True}
    return api.post("/api/v1/messaging/templates", data, content_type=JSON)


def test_a_campaign_through_the_api(world, django_capture_on_commit_callbacks):
    create_veteran(
        by=None, place=world.jingkou, name="张伟", id_number=synthetic_id("441803", 1), phone="13800000001"
    )
    api = api_client_for(world.alice)
    template = api.post(
        "/api/v1/messaging/templates",
        {
            "place_id": world.qingxin.pk,
            "name": "提醒",
            "channel": "console",
            "body": "{name}您好",
            "approved": True,
        },
        content_type=JSON,
    ).json()
    assert template["segments"] == 1
    body = {"place_id": world.qingxin.pk, "name": "一月", "template_id": template["id"]}
    assert api.post("/api/v1/messaging/campaigns/count", body, content_type=JSON).json() == {
        "recipients": 1,
        "sample": "张伟您好",
    }
    campaign = api.post("/api/v1/messaging/campaigns", body, content_type=JSON).json()
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/api/v1/messaging/campaigns/{campaign['id']}/start")
    assert started.status_code == 200
    done = api.get(f"/api/v1/messaging/campaigns/{campaign['id']}").json()
    assert done["status"] == "done" and done["progress"]["sent"] == 1
    sent = api.get(f"/api/v1/messaging/campaigns/{campaign['id']}/messages?state=sent").json()["items"]
    assert [m["phone"] for m in sent] == ["138****0001"]
    assert api_client_for(world.erin).get(f"/api/v1/messaging/campaigns/{campaign['id']}").status_code == 404


def test_an_empty_audience_answers_422_in_chinese_and_writes_nothing(world):
    api = api_client_for(world.alice)
    template = api.post(
        "/api/v1/messaging/templates",
        {
            "place_id": world.qingxin.pk,
            "name": "提醒",
            "channel": "console",
            "body": "{name}您好",
            "approved": True,
        },
        content_type=JSON,
    ).json()
    campaign = api.post(
        "/api/v1/messaging/campaigns",
        {"place_id": world.qingxin.pk, "name": "空", "template_id": template["id"]},
        content_type=JSON,
    ).json()
    refused = api.post(f"/api/v1/messaging/campaigns/{campaign['id']}/start")
    assert refused.status_code == 422 and "发送对象为空" in str(refused.json()["detail"])
    assert not Message.objects.exists()
    bad = approved_template(api, world.qingxin, body="{职务}您好", channel="sms")
    assert bad.status_code == 422 and "没有值" in str(bad.json()["detail"])


def test_a_caller_reveals_the_number_to_dial_and_nobody_else_can(world, calls):  # noqa: F811
    from qunfang.core.models import AuditEntry

    (carols,) = Message.objects.filter(caller=world.carol)
    url = f"/api/v1/messaging/calls/{carols.pk}/number"
    shown = api_client_for(world.carol).post(url)
    assert shown.status_code == 200 and "1380000000" in shown.json()["number"]
    assert AuditEntry.objects.filter(action="campaign.reveal_number", actor=world.carol).count() == 1
    for other in (world.dave, world.erin, world.alice):  # another caller, another district, the sender
        refused = api_client_for(other).post(url)
        assert refused.status_code == 404 and shown.json()["number"] not in refused.content.decode()
    assert AuditEntry.objects.filter(action="campaign.reveal_number").count() == 1


def test_a_campaign_sent_elsewhere_is_recorded_with_its_receipt_once(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qunfang.core.models import AuditEntry
    from qunfang.messaging.models import OutsideCampaign

    def receipt(name="回执.pdf"):
        return SimpleUploadedFile(name, b"%PDF-1.4 sent 11509", content_type="application/pdf")

    url = "/api/v1/messaging/outside-campaigns/with-receipt"
    facts = {"place_id": world.qingxin.pk, "day": "2020-02-01", "channel": "sms", "audience": "veterans",
             "platform": "企信通", "sent": 11509}  # fmt: skip
    api = api_client_for(world.alice)
    wrong = api.post(url, {**facts, "receipt": receipt("回执.exe")})
    assert wrong.status_code == 422 and "PDF" in str(wrong.json()["detail"])
    for other in (world.erin, world.carol):  # another district; a station without campaigns
        refused = api_client_for(other).post(url, {**facts, "receipt": receipt()})
        assert refused.status_code in (403, 404) and "清新" not in refused.content.decode()
    assert not OutsideCampaign.objects.exists()
    made = api.post(url, {**facts, "receipt": receipt()}, HTTP_IDEMPOTENCY_KEY="outside-key-1")
    again = api.post(url, {**facts, "receipt": receipt()}, HTTP_IDEMPOTENCY_KEY="outside-key-1")
    assert made.status_code == 201 and made.json()["has_receipt"] and again.json() == made.json()
    assert OutsideCampaign.objects.get().receipt_name == "回执.pdf"
    assert AuditEntry.objects.filter(action="outside_campaign.create", actor=world.alice).count() == 1
