"""Phone campaigns: the script and the call list, split among staff or grid workers who each mark how
every call went; progress per caller; the number to dial shown to its caller only, and audited."""

import pytest
from django.core.exceptions import ValidationError

from qunfang.core.models import AuditEntry
from qunfang.messaging import selectors, services
from qunfang.messaging.models import CampaignStatus, Message, MessageState
from qunfang.messaging.tests.test_campaigns import veterans  # noqa: F401 (a fixture)
from qunfang.testing.clients import api_client_for

SCRIPT = "您好，{name}同志，我们是区退役军人事务局。请问家里有人发热吗？"


def phone_campaign(world, callers):
    template = services.save_template(
        by=None, place=world.qingxin, name="电话排查", channel="phone", approved=True, body=SCRIPT
    )
    return services.create_campaign(
        by=world.alice,
        place=world.qingxin,
        name="电话排查",
        template=template,
        filters={"callers": [user.pk for user in callers]},
    )


@pytest.fixture
def calls(world, veterans):  # noqa: F811
    campaign = phone_campaign(world, [world.carol, world.dave])
    return services.start_campaign(by=world.alice, campaign=campaign)


def test_the_call_list_is_split_among_the_callers_and_nothing_is_sent(world, calls, settings):
    mine = {user: list(Message.objects.filter(caller=user)) for user in (world.carol, world.dave)}
    assert sorted(len(given) for given in mine.values()) == [1, 2]
    assert Message.objects.filter(caller__isnull=True).count() == 0
    assert calls.status == CampaignStatus.SENDING and calls.recipients == 3
    assert not settings.MESSAGES_LOG.exists()  # people make these calls
    assert services.send_campaign(calls.pk) == 0


def test_each_call_is_marked_and_counted_per_caller(world, calls):
    first, *others = Message.objects.filter(caller=world.dave).order_by("pk")
    services.record_call(by=world.dave, message=first, outcome="reached")
    services.record_call(by=world.dave, message=others[0], outcome="no_answer")
    progress = {row["name"]: row for row in selectors.calls_by_caller(calls)}
    assert progress["戴维"]["reached"] == 1 and progress["戴维"]["no_answer"] == 1
    assert progress["戴维"]["left"] == 1  # no answer: to call again
    assert progress["谢卡萝"]["left"] == 1
    # Calling again and reaching them; the last one needs help: noted.
    services.record_call(by=world.dave, message=others[0], outcome="reached")
    (carols,) = Message.objects.filter(caller=world.carol)
    services.record_call(by=world.carol, message=carols, outcome="follow_up", note="家中老人缺药")
    assert dict(selectors.progress(calls)) == {
        "queued": 0, "sending": 0, "sent": 1, "delivered": 2, "failed": 0
    }  # fmt: skip
    calls.refresh_from_db()
    assert calls.status == CampaignStatus.DONE


def test_a_call_without_an_outcome_or_a_needed_note_is_refused(world, calls):
    (carols,) = Message.objects.filter(caller=world.carol)
    with pytest.raises(ValidationError):
        services.record_call(by=world.carol, message=carols, outcome="maybe")
    with pytest.raises(ValidationError):
        services.record_call(by=world.carol, message=carols, outcome="wrong_number", note="  ")
    carols.refresh_from_db()
    assert carols.state == MessageState.QUEUED and carols.outcome == "" and carols.attempts == 0


def test_callers_come_from_the_place(world, veterans):  # noqa: F811
    with pytest.raises(ValidationError):
        phone_campaign(world, [])
    with pytest.raises(ValidationError):
        phone_campaign(world, [world.erin])  # another district's


def test_a_caller_sees_and_dials_only_their_own_calls(world, calls, as_user):
    carol = as_user(world.carol)
    page = carol.get(f"/campaigns/{calls.pk}/calls/").content.decode()
    (carols,) = Message.objects.filter(caller=world.carol).select_related("veteran")
    assert carols.veteran.name in page and "请问家里有人发热吗" in page
    for other in Message.objects.filter(caller=world.dave).select_related("veteran"):
        assert other.veteran.name not in page
    number = carols.veteran.phone.reveal()
    assert number not in page  # masked until asked for
    dialled = carol.post(f"/calls/{carols.pk}/number/").content.decode()
    assert f'href="tel:{number}"' in dialled
    assert AuditEntry.objects.filter(action="campaign.reveal_number", actor=world.carol).count() == 1
    # Another caller's call is nobody else's: neither its number nor its outcome.
    dave_call = Message.objects.filter(caller=world.dave).first()
    assert carol.post(f"/calls/{dave_call.pk}/number/").status_code == 404
    assert carol.post(f"/calls/{dave_call.pk}/record/", {"outcome": "reached"}).status_code == 404
    assert as_user(world.bob).get(f"/campaigns/{calls.pk}/calls/").status_code == 404

    done = carol.post(f"/calls/{carols.pk}/record/", {"outcome": "reached", "note": ""}, follow=True)
    assert "已记录" in done.content.decode()
    carols.refresh_from_db()
    assert carols.outcome == "reached" and carols.state == MessageState.DELIVERED
    listed = carol.get("/calls/").content.decode()
    assert "电话排查" in listed


def test_the_bureau_sees_progress_per_caller(world, calls, as_user):
    page = as_user(world.alice).get(f"/campaigns/{calls.pk}/").content.decode()
    assert "谢卡萝" in page and "戴维" in page


def test_calls_through_the_api(world, calls):
    dave = api_client_for(world.dave)
    mine = dave.get(f"/api/v1/messaging/campaigns/{calls.pk}/my-calls").json()["items"]
    assert len(mine) == 2 and {call["phone"][:3] for call in mine} == {"138"}
    assert all("*" in call["phone"] for call in mine)
    answered = dave.post(
        f"/api/v1/messaging/calls/{mine[0]['id']}", {"outcome": "reached"}, content_type="application/json"
    )
    assert answered.status_code == 200 and answered.json()["state"] == "delivered"
    refused = dave.post(
        f"/api/v1/messaging/calls/{mine[1]['id']}", {"outcome": "follow_up"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "需要什么帮助" in refused.json()["detail"][0]
    carols = Message.objects.get(caller=world.carol).pk
    assert (
        dave.post(
            f"/api/v1/messaging/calls/{carols}", {"outcome": "reached"}, content_type="application/json"
        ).status_code
        == 404
    )
    progress = api_client_for(world.alice).get(f"/api/v1/messaging/campaigns/{calls.pk}/callers").json()
    assert {row["name"]: row["reached"] for row in progress} == {"戴维": 1, "谢卡萝": 0}
