"""Tencent's replies pulled (PullSmsReplyStatus, TC3-signed against the fake gateway's checks): each
taken once, whether pulled twice or pushed as well; a wrong key is refused by the gateway and takes
nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qunfang.messaging.backends import SendError
from qunfang.smsreports import fake_uplink, inbound, services, tasks
from qunfang.smsreports.models import InboundMessage, Outcome, PullCursor
from qunfang.smsreports.tests.conftest import DAVE_PHONE


@pytest.fixture
def gateway(settings, nankeng_phone):
    with fake_uplink.FakeTencentWithReplies(
        keys={"AKID-test": "tencent-secret"}, app_id="1400000001", sign_names={"群防"}, templates={}
    ) as fake:
        settings.TENCENT_SMS = {
            "SECRET_ID": "AKID-test",
            "SECRET_KEY": "tencent-secret",
            "APP_ID": "1400000001",
            "SIGN_NAME": "群防",
            "ENDPOINT": fake.url,
        }
        yield fake


def test_replies_are_pulled_once(gateway, world):
    sent = timezone.now() - timedelta(minutes=5)
    for n in range(130):  # more than one page of 100
        gateway.reply("+86" + DAVE_PHONE, f"体温 {n + 1}", sent + timedelta(seconds=n))
    assert tasks.pull_replies() == 130
    assert tasks.pull_replies() == 0
    assert InboundMessage.objects.filter(outcome=Outcome.RECORDED).count() == 130
    assert PullCursor.objects.get(provider="tencent").taken == 130
    # the same reply pushed to the callback as well: a duplicate, nothing recorded again
    (pushed,), _skipped = inbound.tencent_messages(fake_uplink.tencent_item(DAVE_PHONE, "体温 1", sent))
    assert services.take_message(pushed).outcome == Outcome.DUPLICATE
    assert InboundMessage.objects.exclude(outcome=Outcome.DUPLICATE).count() == 130


def test_a_wrong_key_is_refused_by_the_gateway(gateway, settings):
    settings.TENCENT_SMS = {**settings.TENCENT_SMS, "SECRET_KEY": "wrong"}
    gateway.reply("+86" + DAVE_PHONE, "0", timezone.now())
    with pytest.raises(SendError, match="AuthFailure"):
        tasks.pull_replies()
    assert not InboundMessage.objects.exists() and len(gateway.replies) == 1
