"""The Aliyun SMS client, the real code, against a fake gateway on 127.0.0.1 that checks the signature,
the template and the number as Aliyun does: a campaign goes out once each; passing refusals (throttling,
a server error, a dropped connection) are retried; final ones (an invalid number, a wrong key) fail the
message with Aliyun's reason, visibly."""

import pytest

from qunfang.messaging import services
from qunfang.messaging.aliyun import signature
from qunfang.messaging.backends import backend
from qunfang.messaging.fake_gateway import FakeAliyunSms
from qunfang.messaging.models import Message, MessageState
from qunfang.messaging.services import sending
from qunfang.messaging.tests.test_campaigns import dead_process
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id

SIGN, SECRET = "清新区退役军人事务局", "gateway-secret"


def test_the_signature_is_aliyuns_own_example():
    """The example in Aliyun's documentation of SendSms signing, with its published answer."""
    params = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
        "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
    }  # fmt: skip
    assert signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


@pytest.fixture
def gateway(settings):
    with FakeAliyunSms(
        keys={"LTAI-test": SECRET}, sign_names={SIGN}, templates={"SMS_2020": {"name", "place"}}
    ) as fake:
        settings.MESSAGING_BACKENDS = {
            **settings.MESSAGING_BACKENDS,
            "sms": "qunfang.messaging.aliyun.AliyunSmsBackend",
        }
        settings.ALIYUN_SMS = {
            "ACCESS_KEY_ID": "LTAI-test",
            "ACCESS_KEY_SECRET": SECRET,
            "SIGN_NAME": SIGN,
            "ENDPOINT": fake.url,
        }
        yield fake


@pytest.fixture
def campaign(world, settings):
    for n, phone in enumerate(["13800000001", "13800000002", "13800000003"], start=1):
        create_veteran(
            by=None, place=world.jingkou, name=f"老兵{n}", id_number=synthetic_id("441803", n), phone=phone
        )
    template = services.save_template(
        by=None,
        place=world.qingxin,
        name="防疫",
        channel="sms",
        approved=True,
        provider_code="SMS_2020",
        body="{name}同志：请做好防护。{place}",
    )
    made = services.create_campaign(by=None, place=world.qingxin, name="防疫", template=template, filters={})
    services.start_campaign(by=None, campaign=made)
    return made


def test_a_campaign_goes_out_through_aliyun_once_each(gateway, campaign, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    gateway.faults.extend(["500", "isv.BUSINESS_LIMIT_CONTROL", "drop"])
    assert services.send_campaign(campaign.pk) == 3
    assert sorted(m["phone"] for m in gateway.accepted) == ["13800000001", "13800000002", "13800000003"]
    assert {m["params"]["place"] for m in gateway.accepted} == {"迳口村"}
    stored = {m.provider_id for m in Message.objects.all()}
    assert stored == {m["biz_id"] for m in gateway.accepted}
    assert {m["out_id"] for m in gateway.accepted} == {f"qf{m.pk}" for m in Message.objects.all()}


def test_a_wrong_secret_fails_every_message_with_aliyuns_reason(gateway, campaign, settings, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    settings.ALIYUN_SMS = {**settings.ALIYUN_SMS, "ACCESS_KEY_SECRET": "wrong"}
    assert services.send_campaign(campaign.pk) == 0
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.FAILED}
    assert Message.objects.first().error.startswith("SignatureDoesNotMatch") and not gateway.accepted


def test_an_invalid_number_fails_and_the_others_go(gateway, campaign, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    gateway.faults.append("isv.MOBILE_NUMBER_ILLEGAL")
    assert services.send_campaign(campaign.pk) == 2
    failed = Message.objects.get(state=MessageState.FAILED)
    assert failed.error.startswith("isv.MOBILE_NUMBER_ILLEGAL") and failed.attempts == 1


def test_throttling_that_never_ends_fails_after_the_last_attempt(gateway, campaign, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    gateway.faults.extend(["isv.BUSINESS_LIMIT_CONTROL"] * 100)
    assert services.send_campaign(campaign.pk) == 0
    assert set(Message.objects.values_list("attempts", flat=True)) == {services.MAX_ATTEMPTS}
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.FAILED}


def test_a_message_aliyun_took_before_the_worker_died_is_not_sent_again(gateway, campaign):
    message = Message.objects.select_related("veteran__place").order_by("pk").first()
    backend("sms").send(services._outgoing(campaign, message))  # the dead worker's last act
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING, claimed_by=dead_process())
    assert services.send_campaign(campaign.pk) == 2
    assert sorted(m["out_id"] for m in gateway.accepted) == sorted(f"qf{m.pk}" for m in Message.objects.all())
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
