"""The demo's campaign: Qingxin's epidemic reminder ends with exactly 11,509 sent, one per reachable
veteran of the roll, through the real services and the console backend."""

from qunfang.core import demo as core_demo
from qunfang.messaging import demo
from qunfang.messaging.models import Campaign, CampaignStatus, Message, MessageState
from qunfang.registry import demo as registry_demo


def test_the_demo_campaign_ends_with_11509_sent(db, settings):
    settings.DEMO_ROLL_SCALE = 1  # the whole roll: the figure is the report's
    core_demo.load()
    registry_demo.load()
    demo.load()
    demo.load()  # loads once
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.DONE and campaign.recipients == 11_509
    assert Message.objects.filter(campaign=campaign, state=MessageState.SENT).count() == 11_509
    assert len(settings.MESSAGES_LOG.read_text().splitlines()) == 11_509
