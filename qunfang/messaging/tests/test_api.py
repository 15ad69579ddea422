"""The messaging API: a template, a campaign counted, started and watched to the end; refusals answer
422 in Chinese before anything is written; another district's campaign is not found; phones masked."""

from qunfang.messaging.models import Message
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
