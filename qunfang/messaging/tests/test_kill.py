"""A 10,000-message campaign through the Aliyun client and the fake gateway, its worker killed with
SIGKILL at random points ten times and started again: in the end every recipient has exactly one sent
message, and the gateway took each exactly once."""

import os
import random
import signal
import time
from collections import Counter

import pytest

from qunfang.messaging.fake_gateway import FakeAliyunSms
from qunfang.testing.processes import wait_until

RECIPIENTS = 10_000
SIGN, SECRET = "合成省退役军人事务厅", "kill-test-secret"
START = """
from qunfang.core.models import OrgUnit
from qunfang.messaging import services
province = OrgUnit.objects.get(name="合成省", parent=None)
template = services.save_template(by=None, place=province, name="提醒", channel="sms", approved=True,
                                  provider_code="SMS_2020", body="{name}同志：请做好防护。{place}")
campaign = services.create_campaign(by=None, place=province, name="提醒", template=template, filters={})
services.start_campaign(by=None, campaign=campaign)
print(campaign.pk)
"""


@pytest.mark.skipif(
    bool(os.environ.get("QUNFANG_DATABASE_URL")) and not os.environ.get("QUNFANG_KILL_TEST_ON_POSTGRES"),
    reason="runs once, in the SQLite pass (the embedded default), to keep the suite short; it passes on "
    "PostgreSQL too (QUNFANG_KILL_TEST_ON_POSTGRES=1 runs it there)",
)
def test_a_campaign_survives_ten_kills_and_sends_each_message_exactly_once(site):
    pick = random.Random()
    with FakeAliyunSms(
        keys={"LTAI-kill": SECRET}, sign_names={SIGN}, templates={"SMS_2020": {"name", "place"}}
    ) as gateway:
        site.env.update(
            QUNFANG_SMS_PROVIDER="aliyun",
            QUNFANG_ALIYUN_SMS_ACCESS_KEY_ID="LTAI-kill",
            QUNFANG_ALIYUN_SMS_ACCESS_KEY_SECRET=SECRET,
            QUNFANG_ALIYUN_SMS_SIGN_NAME=SIGN,
            QUNFANG_ALIYUN_SMS_ENDPOINT=gateway.url,
            QUNFANG_MESSAGING_QUIET_HOURS="",  # the test runs at any hour
            QUNFANG_ALIYUN_SMS_RATE="5000/1",  # the gateway's pace, not an account's
        )
        site.migrate()
        site.qunfang("synth", "--veterans", str(RECIPIENTS), timeout=600)
        campaign = int(site.shell(START))

        def sent() -> int:  # sent, or delivered already (the worker's clock collects the receipts)
            return site.query(
                "SELECT COUNT(*) FROM messaging_message"
                " WHERE campaign_id = %s AND state IN ('sent', 'delivered')",
                (campaign,),
            )[0][0]

        kills = 0
        while kills < 10 and sent() < RECIPIENTS:
            before = len(gateway.accepted)
            worker = site.start("worker", "--interval", "0.1")
            wait_until(lambda before=before: len(gateway.accepted) > before, timeout=60)  # it is sending
            time.sleep(pick.uniform(0, 1.5))  # then dies anywhere: mid-request, mid-write, between
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            kills += 1
        assert kills == 10, f"the campaign ended after {kills} kills: make it bigger"

        site.qunfang("worker", "--batch", "--interval", "0.1", timeout=600)
        taken = Counter(message["out_id"] for message in gateway.accepted)
    assert sent() == RECIPIENTS
    assert len(taken) == RECIPIENTS and max(taken.values()) == 1, taken.most_common(3)
    assert site.query("SELECT status FROM messaging_campaign WHERE id = %s", (campaign,))[0][0] == "done"
