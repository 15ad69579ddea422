"""A campaign scheduled for later starts by itself when its time comes (the worker's clock looks every
minute); checked when scheduled as it would be then; one that can no longer go returns to draft with the
reason; a schedule can be cancelled."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.messaging import services
from qunfang.messaging.models import Campaign, CampaignStatus, Message
from qunfang.messaging.tests.test_campaigns import template, veterans  # noqa: F401 (a fixture)
from qunfang.registry.models import Veteran


@pytest.fixture
def draft(world, veterans):  # noqa: F811
    return services.create_campaign(
        by=None, place=world.qingxin, name="早间提醒", template=template(world), filters={}
    )


def test_a_scheduled_campaign_starts_when_its_time_comes(draft):
    at = timezone.now() + timedelta(hours=2)
    services.schedule_campaign(by=None, campaign=draft, at=at)
    assert services.start_due_campaigns(timezone.now()) == 0
    assert Message.objects.count() == 0
    assert services.start_due_campaigns(at + timedelta(seconds=30)) == 1
    draft.refresh_from_db()
    assert draft.status in (CampaignStatus.SENDING, CampaignStatus.DONE) and draft.recipients == 3
    assert services.start_due_campaigns(at + timedelta(minutes=1)) == 0  # once


@pytest.mark.parametrize("hours", [-1, 24 * 31])
def test_a_time_in_the_past_or_too_far_ahead_is_refused(draft, hours):
    with pytest.raises(ValidationError) as refused:
        services.schedule_campaign(by=None, campaign=draft, at=timezone.now() + timedelta(hours=hours))
    assert "30" in str(refused.value)
    assert Campaign.objects.get(pk=draft.pk).status == CampaignStatus.DRAFT


def test_an_unapproved_template_or_an_empty_audience_is_refused_when_scheduling(world, draft):
    draft.template.approved = False
    draft.template.save()
    with pytest.raises(ValidationError):
        services.schedule_campaign(by=None, campaign=draft, at=timezone.now() + timedelta(hours=1))
    empty = services.create_campaign(
        by=None, place=world.qingxin, name="无人", template=template(world), filters={"tag": "无此标签"}
    )
    with pytest.raises(ValidationError):
        services.schedule_campaign(by=None, campaign=empty, at=timezone.now() + timedelta(hours=1))
    assert not Campaign.objects.filter(status=CampaignStatus.SCHEDULED).exists()


def test_one_that_can_no_longer_go_returns_to_draft_with_the_reason(draft):
    at = timezone.now() + timedelta(hours=1)
    services.schedule_campaign(by=None, campaign=draft, at=at)
    Veteran.objects.update(sms_opt_out=True)  # everyone opted out in the meantime
    assert services.start_due_campaigns(at + timedelta(minutes=1)) == 0
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT and draft.problem.startswith("没有人会收到")


def test_a_schedule_is_cancelled_on_the_page(world, draft, as_user):
    alice = as_user(world.alice)
    at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    alice.post(f"/campaigns/{draft.pk}/schedule/", {"send_at": at})
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.SCHEDULED
    assert "将在" in alice.get(f"/campaigns/{draft.pk}/").content.decode()
    refused = alice.post(f"/campaigns/{draft.pk}/schedule/", {"send_at": "2020-01-01T08:00"}, follow=True)
    assert "30 天" in refused.content.decode()
    alice.post(f"/campaigns/{draft.pk}/unschedule/")
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT and draft.send_at is None
