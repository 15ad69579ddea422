"""The fake gateway pushes inbound messages of every kind, good and bad, each twice and in a shuffled
order, through both providers' callbacks: each is kept once with its outcome, records once, answers
once; nothing half-written."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qunfang.core.models import AuditEntry
from qunfang.mobilization.models import ActivityRecord
from qunfang.reporting import selectors as reporting_selectors
from qunfang.reporting import services as reporting
from qunfang.reporting.models import DataSet, Report, ReportVersion
from qunfang.smsreports import fake_uplink, services
from qunfang.smsreports.models import InboundMessage, Outcome
from qunfang.smsreports.tests.conftest import DAVE_PHONE, TOKEN

STRANGER = "13800000009"


def _day_text(day) -> str:
    return f"{day.month:02d}-{day.day:02d}"


def _messages(world):
    """(text, phone, expected outcome) of every kind; the days named are in the last week."""
    today = timezone.localdate()
    d1, d2, approved = (today - timedelta(days=n) for n in (2, 3, 4))
    return [
        (f"日报 {_day_text(d1)} 0", DAVE_PHONE, Outcome.RECORDED),
        (f"rb {_day_text(d2)} FR1 gl3", DAVE_PHONE, Outcome.RECORDED),  # pinyin aliases, any case
        ("体温 35 消毒 4", DAVE_PHONE, Outcome.RECORDED),
        ("ｔｗ１２，ｘｄ　２。", DAVE_PHONE, Outcome.RECORDED),  # full-width, Chinese punctuation
        ("发热x", DAVE_PHONE, Outcome.REFUSED),
        ("日报 发热", DAVE_PHONE, Outcome.REFUSED),  # no number
        ("日报 发热-3", DAVE_PHONE, Outcome.REFUSED),
        ("日报 发热99999999999999999999", DAVE_PHONE, Outcome.REFUSED),
        ("体温 6000", DAVE_PHONE, Outcome.REFUSED),  # past the activity's daily limit (record_day's check)
        ("日报 密接0 确诊2", DAVE_PHONE, Outcome.REFUSED),  # the data set's rule (submit_report's check)
        (f"日报 {_day_text(approved)} 0", DAVE_PHONE, Outcome.REFUSED),  # an approved period
        ("日报\x00 0\ud800\x1b", DAVE_PHONE, Outcome.RECORDED),  # control characters and a lone surrogate
        ("发" * 2000, DAVE_PHONE, Outcome.REFUSED),
        ("0", STRANGER, Outcome.UNREGISTERED),
        ("0", "not a number", Outcome.UNREGISTERED),
    ]


def _approved_period(world, day):
    data_set = DataSet.objects.get(code="epidemic_daily")
    report = reporting.submit_report(
        by=world.dave, data_set=data_set, place=world.nankeng, period_start=day, zero=True, submission="pre"
    )
    reporting.approve_report(by=world.bob, report=report)


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_every_kind_twice_and_out_of_order_is_taken_once(world, nankeng_phone, provider, settings, tmp_path):
    settings.MESSAGES_LOG = tmp_path / "messages.log"
    _approved_period(world, timezone.localdate() - timedelta(days=4))
    messages = _messages(world)
    sent = timezone.now() - timedelta(minutes=30)
    if provider == "aliyun":
        items = [
            fake_uplink.aliyun_item(n, phone, text, sent + timedelta(seconds=n))
            for n, (text, phone, _o) in enumerate(messages, start=1)
        ]
        bodies = fake_uplink.pushes(items, batch=4, seed=7)
    else:
        items = [
            fake_uplink.tencent_item(phone, text, sent + timedelta(seconds=n))
            for n, (text, phone, _o) in enumerate(messages, start=1)
        ]
        bodies = fake_uplink.pushes(items, batch=0, seed=7)
    versions_before = ReportVersion.objects.count()
    client = Client()
    for body in bodies:
        answer = client.post(
            f"/api/v1/sms/inbound/{provider}/{TOKEN}", json.dumps(body), content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
        assert answer.json() == (
            {"code": 0, "msg": "成功"} if provider == "aliyun" else {"result": 0, "errmsg": "OK"}
        )

    kept = InboundMessage.objects.exclude(outcome=Outcome.DUPLICATE)
    assert kept.count() == len(messages)
    duplicates = InboundMessage.objects.filter(outcome=Outcome.DUPLICATE)
    assert duplicates.count() == len(messages) and not duplicates.exclude(reply="").exists()
    by_text = {row.text: row for row in kept}
    for text, _phone, outcome in messages:
        cleaned = text.replace("\x00", "").replace("\ud800", "").replace("\x1b", "")[:500]
        row = by_text[cleaned] if cleaned in by_text else next(r for r in kept if r.text == cleaned)
        assert row.outcome == outcome, (text[:30], row.reason)
        if outcome == Outcome.REFUSED:
            assert row.reason and row.reply and row.report is None and row.activity is None
    # one version per recorded report message, one record set per day's work message
    assert ReportVersion.objects.count() - versions_before == 3
    assert ActivityRecord.objects.filter(place=world.nankeng).count() == 4
    # one reply per message from a mobile (the one without a number gets none), in Chinese
    replies = [json.loads(line) for line in settings.MESSAGES_LOG.read_text().splitlines()]
    replies = [r for r in replies if r["topic"] == "sms-report-reply"]
    assert len(replies) == len(messages) - 1
    assert len({r["key"] for r in replies}) == len(replies)
    assert any("零报告" in r["text"] and "南坑村" in r["text"] for r in replies)


def test_refusals_say_what_was_wrong_and_how_to_write_it(world, nankeng_phone):

    row = services.take_message(services.Arrived("fake", "x1", DAVE_PHONE, "发热x"))
    assert row.outcome == Outcome.REFUSED
    assert row.reply == "未识别「发热x」。请按「日报 发热0 隔离3」发送。"


def test_an_earlier_sent_message_arriving_later_does_not_overwrite(world, nankeng_phone):

    day = timezone.localdate() - timedelta(days=2)
    early, late = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(hours=1)
    first = services.take_message(
        services.Arrived("fake", "b", DAVE_PHONE, f"日报 {_day_text(day)} 发热2", late)
    )
    second = services.take_message(
        services.Arrived("fake", "a", DAVE_PHONE, f"日报 {_day_text(day)} 发热1", early)
    )
    assert (first.outcome, second.outcome) == (Outcome.RECORDED, Outcome.OUTDATED)
    report = Report.objects.get(place=world.nankeng, period_start=day)
    assert report.values["fever_found"] == 2 and report.versions.count() == 1
    # in the order sent, the later one corrects the earlier
    third = services.take_message(services.Arrived("fake", "c", DAVE_PHONE, f"日报 {_day_text(day)} 发热5"))
    assert third.outcome == Outcome.CORRECTED
    report.refresh_from_db()
    assert report.values["fever_found"] == 5


def test_a_zero_report_by_sms_shows_in_the_districts_completeness_and_totals(world, nankeng_phone):
    from qunfang.core.access import Scope

    day = timezone.localdate() - timedelta(days=1)
    data_set = DataSet.objects.get(code="epidemic_daily")
    scope = Scope.for_user(world.alice)
    before = reporting_selectors.completeness(scope, data_set, world.qingxin, day).place
    services.take_message(services.Arrived("fake", "z1", DAVE_PHONE, f"日报 {_day_text(day)} 0"))
    services.take_message(
        services.Arrived("fake", "z2", "13800000001", f"日报 {_day_text(day)} 0")
    )  # stranger
    after = reporting_selectors.completeness(scope, data_set, world.qingxin, day).place
    assert (after.reported - before.reported, after.zero - before.zero) == (1, 1)
    # the audit says it came by SMS from that registered phone
    entry = AuditEntry.objects.get(action="report.submit", place=world.nankeng)
    assert (entry.actor, entry.actor_name, entry.channel) == (
        None,
        f"sms:{nankeng_phone.pk} 139****5678",
        "sms",
    )
    # a figure sent by SMS for the same day then moves the district's totals by exactly that figure
    services.take_message(services.Arrived("fake", "z3", DAVE_PHONE, f"日报 {_day_text(day)} 隔离3"))
    totals = reporting_selectors.totals(scope, data_set, world.qingxin, day, day)
    assert totals["home_quarantined"] == 3
    assert sum(totals.values()) == 3


def test_a_wrong_token_is_404_and_keeps_nothing(world, nankeng_phone):
    client = Client()
    for provider in ("aliyun", "tencent"):
        answer = client.post(f"/api/v1/sms/inbound/{provider}/wrong", "[]", content_type="application/json")
        assert answer.status_code == 404
    assert not InboundMessage.objects.exists()


def test_the_callbacks_are_shut_without_a_token(world, settings):
    settings.SMS_INBOUND_TOKEN = ""
    answer = Client().post("/api/v1/sms/inbound/aliyun/", "[]", content_type="application/json")
    assert answer.status_code == 404


def test_a_broken_body_answers_without_keeping_anything(world, nankeng_phone):
    client = Client()
    for body in ("not json", '{"mobile": 5}', "[1, null, {}]", '{"mobile": "139", "time": "soon"}'):
        answer = client.post(f"/api/v1/sms/inbound/tencent/{TOKEN}", body, content_type="application/json")
        assert answer.status_code == 200
    assert not InboundMessage.objects.exclude(outcome=Outcome.UNREGISTERED).exists()
