"""A bureau sends a campaign to chosen veterans: the list is frozen when it starts, one message each,
sent once each even when a worker dies halfway; bad templates and empty audiences are refused before
anything is written."""

import json
import subprocess

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from qunfang.lib import processes
from qunfang.messaging import services
from qunfang.messaging.backends import backend
from qunfang.messaging.models import Campaign, CampaignStatus, Message, MessageState
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id


@pytest.fixture
def veterans(world):
    made = [
        create_veteran(
            by=None,
            place=world.jingkou,
            name="张伟",
            id_number=synthetic_id("441803", 1),
            phone="13800000001",
        ),
        create_veteran(
            by=None,
            place=world.jingkou,
            name="王芳",
            id_number=synthetic_id("441803", 2),
            phone="13800000002",
        ),
        create_veteran(
            by=None,
            place=world.jingkou,
            name="李强",
            id_number=synthetic_id("441803", 3),
            phone="13800000003",
            sms_opt_out=True,
        ),
        create_veteran(
            by=None, place=world.nankeng, name="刘洋", id_number=synthetic_id("441803", 4)
        ),  # no mobile
        create_veteran(
            by=None,
            place=world.nankeng,
            name="陈静",
            id_number=synthetic_id("441803", 5),
            phone="13800000005",
        ),
    ]
    return made


def template(world, body="{name}同志：请做好疫情防护。{place}村委会", approved=True, channel="console"):
    return services.save_template(
        by=None, place=world.qingxin, name="防疫提醒", body=body, channel=channel, approved=approved
    )


def campaign(world, filters=None, **kwargs):
    return services.create_campaign(
        by=world.alice,
        place=world.qingxin,
        name="防疫提醒",
        template=template(world, **kwargs),
        filters=filters or {},
    )


def sent_lines():
    return [json.loads(line) for line in settings.MESSAGES_LOG.read_text().splitlines()]


def test_every_reachable_veteran_gets_the_campaign_once_with_their_own_name(
    world, veterans, django_capture_on_commit_callbacks
):
    chosen = campaign(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(by=world.alice, campaign=chosen)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_campaign(by=world.alice, campaign=chosen)  # a second start does nothing
    chosen.refresh_from_db()
    assert chosen.status == CampaignStatus.DONE and chosen.recipients == 3  # opted out and no mobile left out
    assert sorted(m.text for m in Message.objects.all()) == sorted(
        [
            "张伟同志：请做好疫情防护。迳口村村委会",
            "王芳同志：请做好疫情防护。迳口村村委会",
            "陈静同志：请做好疫情防护。南坑村村委会",
        ]
    )
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert sorted(line["to"][0]["phone"] for line in sent_lines()) == [
        "138****0001",
        "138****0002",
        "138****0005",
    ]


def dead_process() -> str:
    """The mark of a worker process of this machine that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{processes.HOST}:{child.pid}"


def test_a_worker_killed_while_sending_leaves_nothing_unsent_and_no_one_twice(world, veterans):
    chosen = campaign(world)
    services.start_campaign(by=world.alice, campaign=chosen)  # the task is not run: on_commit not executed
    first, second, *_rest = Message.objects.order_by("pk")
    # The dead worker had sent the first (it is in the log) and not yet the second.
    backend().send(
        services._outgoing(chosen, Message.objects.select_related("veteran__place").get(pk=first.pk))
    )
    Message.objects.filter(pk__in=[first.pk, second.pk]).update(
        state=MessageState.SENDING, claimed_by=dead_process()
    )
    assert services.send_campaign(chosen.pk) == 2  # the second and third: the first was in the log
    assert Message.objects.filter(state=MessageState.SENT).count() == 3 == Message.objects.count()
    assert sorted(line["key"] for line in sent_lines()) == sorted(f"qf{m.pk}" for m in Message.objects.all())
    assert services.send_campaign(chosen.pk) == 0  # run again: nothing more to send


def test_the_audience_narrows_by_place(world, veterans):
    chosen = campaign(world, filters={"places": [world.nankeng.pk]})
    assert list(services.audience(world.qingxin, chosen.audience).values_list("name", flat=True)) == ["陈静"]
    assert services.audience(world.qingxin, {"places": [world.hunnan.pk]}).count() == 0  # outside: nobody


@pytest.mark.parametrize(
    "kwargs, filters, message",
    [
        ({"approved": False}, {}, "尚未批准"),
        ({}, {"category": "retired_cadre"}, "没有人"),
    ],
)
def test_a_campaign_that_cannot_go_is_refused_before_anything_is_written(
    world, veterans, kwargs, filters, message
):
    chosen = campaign(world, filters=filters, **kwargs)
    with pytest.raises(ValidationError, match=message):
        services.start_campaign(by=world.alice, campaign=chosen)
    assert not Message.objects.exists() and Campaign.objects.get().status == CampaignStatus.DRAFT


@pytest.mark.parametrize(
    "body, message",
    [("{名字}同志您好", "没有值"), ("很长的短信" * 120, "500")],
)
def test_a_template_with_an_unknown_variable_or_too_long_is_refused(world, body, message):
    with pytest.raises(ValidationError, match=message):
        template(world, body=body, channel="sms")


def test_an_sms_template_shows_its_length_and_segments():
    assert services.sms_length("{name}同志：请做好防护。") == services.Length(13, 1)
    assert services.sms_length("字" * 71).segments == 2 and services.sms_length("字" * 135).segments == 3


def test_no_sms_goes_out_in_the_quiet_hours_and_the_campaign_waits_for_the_morning(
    world, veterans, settings, monkeypatch
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    china = ZoneInfo("Asia/Shanghai")
    settings.MESSAGING_QUIET_HOURS = (22, 8)
    chosen = campaign(world, channel="sms")
    services.start_campaign(by=world.alice, campaign=chosen)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2020, 2, 1, 23, 30, tzinfo=china))
    assert services.send_campaign(chosen.pk) == 0
    assert Message.objects.filter(state=MessageState.QUEUED).count() == 3
    assert services.quiet_until("sms", datetime(2020, 2, 1, 23, 30, tzinfo=china)) == datetime(
        2020, 2, 2, 8, tzinfo=china
    )
    assert services.quiet_until("sms", datetime(2020, 2, 2, 7, 59, tzinfo=china)) == datetime(
        2020, 2, 2, 8, tzinfo=china
    )
    assert services.quiet_until("sms", datetime(2020, 2, 2, 8, 0, tzinfo=china)) is None
    assert (
        services.quiet_until("console", datetime(2020, 2, 1, 23, 30, tzinfo=china)) is None
    )  # a test channel
    monkeypatch.setattr(timezone, "now", lambda: datetime(2020, 2, 2, 8, 0, tzinfo=china))
    assert services.send_campaign(chosen.pk) == 3
