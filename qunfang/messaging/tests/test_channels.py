"""The other channels behind the one interface, each the real client against a fake gateway on
127.0.0.1 that checks what the real one checks: Tencent Cloud SMS (TC3 signing, receipts), a WeCom group
robot (20 a minute) and e-mail; the audiences beyond veterans (a team's volunteers, the stations that have
not reported); the rate each provider allows, shared by every worker; and delivery receipts."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from qunfang.messaging import services
from qunfang.messaging.backends import Rate
from qunfang.messaging.fake_gateway import FakeTencentSms, FakeWeComRobot
from qunfang.messaging.models import Message, MessageState, ProviderWindow
from qunfang.messaging.services import sending
from qunfang.messaging.tencent import tc3_signature
from qunfang.messaging.tests.test_campaigns import dead_process
from qunfang.mobilization import services as mobilization
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id
from qunfang.reporting import services as reporting
from qunfang.reporting.models import DataSet

SIGN = "清新区退役军人事务局"


def test_the_tc3_signature_is_tencents_own_example():
    """The worked example of Tencent Cloud's signature v3 documentation (CVM DescribeInstances)."""
    payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    signature = tc3_signature(
        "Gu5t9xGARNpq86cd98joQYCN3*******",
        host="cvm.tencentcloudapi.com",
        payload=payload,
        timestamp=1551113065,
        service="cvm",
    )
    assert signature == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


@pytest.fixture
def tencent(settings):
    with FakeTencentSms(
        keys={"AKID-test": "tencent-secret"},
        app_id="1400000001",
        sign_names={SIGN},
        templates={"2020001": 2},
        undeliverable=frozenset({"13800000002"}),
    ) as fake:
        settings.MESSAGING_BACKENDS = {
            **settings.MESSAGING_BACKENDS,
            "sms": "qunfang.messaging.tencent.TencentSmsBackend",
        }
        settings.TENCENT_SMS = {
            "SECRET_ID": "AKID-test",
            "SECRET_KEY": "tencent-secret",
            "APP_ID": "1400000001",
            "SIGN_NAME": SIGN,
            "ENDPOINT": fake.url,
        }
        yield fake


def veterans_at(place, phones):
    return [
        create_veteran(
            by=None, place=place, name=f"老兵{n}", id_number=synthetic_id("441803", n), phone=phone
        )
        for n, phone in enumerate(phones, start=1)
    ]


def started(world, *, channel="sms", body="{name}同志：请做好防护。{place}", filters=None, code="2020001"):
    template = services.save_template(
        by=None,
        place=world.qingxin,
        name="防疫",
        channel=channel,
        approved=True,
        provider_code=code,
        body=body,
    )
    campaign = services.create_campaign(
        by=None, place=world.qingxin, name="防疫", template=template, filters=filters or {}
    )
    return services.start_campaign(by=None, campaign=campaign)


def sent(world, **options):
    """Started, and sent by a worker (the tests' transaction never commits, so nothing is queued)."""
    campaign = started(world, **options)
    services.send_campaign(campaign.pk)
    return campaign


def test_a_campaign_goes_out_through_tencent_with_receipts(world, tencent, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    veterans_at(world.jingkou, ["13800000001", "13800000002", "13800000003"])
    tencent.faults.extend(["500", "RequestLimitExceeded", "drop", "InternalError.Timeout"])
    campaign = sent(world)
    assert Message.objects.filter(state=MessageState.SENT).count() == 3
    # Tencent numbers its template's variables: the values go in the body's order, name then place.
    assert sorted(m["params"][0] for m in tencent.accepted) == ["老兵1", "老兵2", "老兵3"]
    assert {m["params"][1] for m in tencent.accepted} == {"迳口村"}
    assert {m["context"] for m in tencent.accepted} == {f"qf{m.pk}" for m in Message.objects.all()}
    assert {m.provider_id for m in Message.objects.all()} == {m["serial"] for m in tencent.accepted}

    assert services.collect_receipts() == 0  # too soon: a handset's receipt takes a while
    later = timezone.now() + timedelta(minutes=2)
    assert services.collect_receipts(later) == 3
    states = dict(Message.objects.values_list("veteran__name", "state"))
    assert states == {"老兵1": "delivered", "老兵2": "failed", "老兵3": "delivered"}
    assert Message.objects.get(veteran__name="老兵2").error == "用户手机号停机"
    assert services.collect_receipts(later) == 0  # each receipt is handed out once, and settled once
    assert campaign.messages.count() == 3


def test_tencent_refusals_fail_for_good_with_its_reason(world, tencent, settings):
    veterans_at(world.jingkou, ["13800000001"])
    settings.TENCENT_SMS = {**settings.TENCENT_SMS, "SECRET_KEY": "wrong"}
    sent(world)
    assert set(Message.objects.values_list("error", flat=True)) == {
        "AuthFailure.SignatureFailure: The provided credentials could not be validated."
    }
    assert tencent.accepted == []
    # A station's landline is no mobile: Tencent refuses it, and says so.
    world.jingkou.phone = "0763-5000001"
    world.jingkou.save()
    settings.TENCENT_SMS = {**settings.TENCENT_SMS, "SECRET_KEY": "tencent-secret"}
    data_set = DataSet.objects.get(code="epidemic_daily")
    sent(world, filters={"kind": "not_reported", "data_set": data_set.pk, "day": "2020-02-01"})
    failed = Message.objects.get(station=world.jingkou)
    assert failed.state == MessageState.FAILED
    assert failed.error.startswith("InvalidParameterValue.IncorrectPhoneNumber")
    assert tencent.accepted == []


def test_a_dead_workers_messages_are_found_at_tencent_by_their_context(world, tencent):
    veterans_at(world.jingkou, ["13800000001", "13800000003"])
    campaign = sent(world)
    assert len(tencent.accepted) == 2
    # A worker died after Tencent took the first message and before it wrote so; the second never left.
    first, second = Message.objects.order_by("pk")
    tencent.accepted.pop()
    Message.objects.filter(pk__in=[first.pk, second.pk]).update(
        state=MessageState.SENDING, claimed_by=dead_process()
    )
    services.send_campaign(campaign.pk)
    assert Message.objects.filter(state=MessageState.SENT).count() == 2
    assert [m["context"] for m in tencent.accepted] == [f"qf{first.pk}", f"qf{second.pk}"]


@pytest.fixture
def robot(settings):
    with FakeWeComRobot(key="robot-key", per_minute=20) as fake:
        settings.WECOM_ROBOT_WEBHOOK = fake.webhook
        yield fake


def volunteers(world, place, name, first_id, phone_prefix):
    return [
        mobilization.add_volunteer(
            by=world.alice,
            place=place,
            name=f"{name}{n}",
            id_number=synthetic_id("441803", first_id + n),
            phone=f"{phone_prefix}{n}",
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def team(world):
    members = volunteers(world, world.jingkou, "志愿者", 50, "1370000000")
    return mobilization.save_team(
        by=world.alice, place=world.longjing, name="宣传组", members=members, leader=members[0]
    )


def test_a_teams_volunteers_are_told_in_the_work_group(world, robot, team):
    sent(
        world, channel="wecom", body="{name}：明早八点到村口集合。", filters={"kind": "team", "team": team.pk}
    )
    # Each once; in which order the worker claims them is not a promise (PostgreSQL's may differ).
    assert sorted((m["content"], m["mentioned"]) for m in robot.accepted) == [
        (f"志愿者{n}：明早八点到村口集合。", [f"1370000000{n}"]) for n in range(1, 4)
    ]
    assert Message.objects.filter(volunteer__isnull=False, state=MessageState.SENT).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_work_groups_rate_is_kept_by_every_worker_together(world, robot, team, settings, monkeypatch):
    """The robot takes 20 messages a minute; here 2 a second, with two workers sending one campaign:
    the gateway never sees more than 2 in one window, and every message goes once."""
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["database"]}}  # the threads send it
    settings.MESSAGING_RATES = {**settings.MESSAGING_RATES, "wecom": "2/1"}
    robot.per_minute = 1000
    team.members.add(*volunteers(world, world.nankeng, "队员", 60, "1360000000"))
    stamps = []
    original = robot.answer

    def stamped(request, fault):
        stamps.append(time.time())
        return original(request, fault)

    robot.answer = stamped
    with monkeypatch.context() as during:
        during.setattr(transaction, "on_commit", lambda fn: None)  # the workers below send it
        campaign = started(
            world, channel="wecom", body="{name}：集合。", filters={"kind": "team", "team": team.pk}
        )
    # The tests' in-memory SQLite locks whole tables between threads: one worker there (the kill test
    # runs several worker processes on a real SQLite file).
    count = 1 if connection.vendor == "sqlite" else 2
    workers = [threading.Thread(target=send_and_close, args=[campaign.pk]) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(m["content"] for m in robot.accepted) == sorted(
        f"{v.name}：集合。" for v in team.members.all()
    )
    per_second = {}
    for stamp in stamps:
        per_second[int(stamp)] = per_second.get(int(stamp), 0) + 1
    assert max(per_second.values()) <= 2
    assert ProviderWindow.objects.get(provider="wecom").used <= 2


def send_and_close(campaign_id):
    try:
        services.send_campaign(campaign_id)
    finally:
        connection.close()


def test_a_robot_refusing_for_its_rate_is_tried_again(world, robot, team, monkeypatch):
    monkeypatch.setattr(sending, "PAUSE_AFTER_REFUSALS", 0)
    robot.faults.extend(["45009", "-1"])
    sent(world, channel="wecom", body="{name}：集合。", filters={"kind": "team", "team": team.pk})
    assert Message.objects.filter(state=MessageState.SENT).count() == 3
    assert Message.objects.filter(attempts__gt=1).count() == 2


def test_a_robot_with_a_wrong_key_fails_the_messages_visibly(world, robot, team, settings):
    settings.WECOM_ROBOT_WEBHOOK = robot.webhook.replace("robot-key", "other")
    sent(world, channel="wecom", body="{name}：集合。", filters={"kind": "team", "team": team.pk})
    assert set(Message.objects.values_list("state", "error")) == {("failed", "93000: invalid webhook url")}


def test_stations_that_have_not_reported_are_reminded_by_email_and_sms(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.carol.email, world.dave.email = "carol@jingkou.example", "dave@nankeng.example"
    world.carol.save(), world.dave.save()
    world.jingkou.phone = "0763-5000001"
    world.jingkou.save()
    data_set = DataSet.objects.get(code="epidemic_daily")
    reporting.submit_report(
        by=world.dave,
        data_set=data_set,
        place=world.nankeng,
        period_start=date(2020, 2, 1),
        zero=True,
        submission="n1",
    )
    filters = {"kind": "not_reported", "data_set": data_set.pk, "day": "2020-02-01"}
    assert list(services.audience(world.qingxin, filters, "email").values_list("name", flat=True)) == [
        "迳口村"
    ]
    sent(world, channel="email", body="{name}：2月1日的日报还没有报。", filters=filters)
    (email,) = mail.outbox
    assert email.to == ["carol@jingkou.example"] and email.body == "迳口村：2月1日的日报还没有报。"
    assert email.extra_headers["Message-ID"] == f"<qf{Message.objects.get().pk}@qunfang>"
    # By SMS only the stations with a phone: the same one here, to its phone.
    assert services.audience(world.qingxin, filters, "sms").count() == 1
    filters["day"] = "2020-02-02"  # nobody reported that day
    assert services.audience(world.qingxin, filters, "email").count() == 2


def test_an_audience_is_of_a_known_kind_and_within_the_place(world, team):
    template = services.save_template(
        by=None, place=world.qingxin, name="t", channel="console", approved=True, body="x"
    )
    with pytest.raises(ValidationError):
        services.create_campaign(
            by=None, place=world.qingxin, name="x", template=template, filters={"kind": "everyone"}
        )
    # Another district's team is nobody here.
    assert services.audience(world.hunnan, {"kind": "team", "team": team.pk}).count() == 0


def test_the_rate_is_taken_in_windows(db):
    rate = Rate(3, 1)
    assert services.take_from_rate("test", rate, 2) == 2
    assert services.take_from_rate("test", rate, 5) in (1, 3)  # 1 left in this second, or a new second began
    assert Rate.parse("20/60") == Rate(20, 60) and Rate.parse("") is None and Rate.parse("5") == Rate(5, 1)
