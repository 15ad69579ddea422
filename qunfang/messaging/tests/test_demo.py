"""The demo's campaign: Qingxin's epidemic reminder ends with exactly 11,509 sent, one per reachable
veteran of the roll, through the real services and the console backend."""

from qunfang.messaging import demo as messaging_demo
from qunfang.messaging.models import Campaign, CampaignStatus, Message, MessageState


def test_the_demo_campaign_ends_with_11509_sent(demo, settings):  # the whole roll: the report's figure
    messaging_demo.load()  # again, over the shared demo: loads once
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.DONE and campaign.recipients == 11_509
    assert Message.objects.filter(campaign=campaign, state=MessageState.SENT).count() == 11_509
    # one line each in the console's log (beside the notices veterans got of their applications)
    sent = [line for line in settings.MESSAGES_LOG.read_text().splitlines() if '"key": "qf' in line]
    assert len(sent) == 11_509
