"""Places that have not reported are reminded, once, at the data set's set time before the deadline,
through the messaging backend (the console one: a line in the messages log)."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from qunfang.reporting import services
from qunfang.reporting.tasks import send_due_reminders

CHINA = ZoneInfo("Asia/Shanghai")
DAY = date(2020, 1, 25)


def at(hour, minute=0):
    return datetime(2020, 1, 26, hour, minute, tzinfo=CHINA)


def test_reminders_are_due_from_two_hours_before_the_deadline_until_it(epidemic):
    assert services.periods_to_remind(at(7, 59)) == []
    assert services.periods_to_remind(at(8, 0)) == [(epidemic, DAY)]
    assert services.periods_to_remind(at(9, 59)) == [(epidemic, DAY)]
    assert services.periods_to_remind(at(10, 0)) == []
    epidemic.remind_hours_before = 4
    epidemic.save()
    assert services.periods_to_remind(at(6, 0)) == [(epidemic, DAY)]


def test_only_the_silent_village_is_reminded_and_only_once(world, epidemic, monkeypatch):
    services.submit_report(
        by=world.carol, data_set=epidemic, place=world.jingkou, period_start=DAY, zero=True, submission="k1"
    )
    monkeypatch.setattr(timezone, "now", lambda: at(8, 30))
    send_due_reminders.enqueue()
    send_due_reminders.enqueue()  # the clock of a second worker
    lines = [json.loads(line) for line in settings.MESSAGES_LOG.read_text().splitlines()]
    assert len(lines) == 1
    assert lines[0]["place_id"] == world.nankeng.pk and [r["name"] for r in lines[0]["to"]] == ["戴维"]
    assert "南坑村" in lines[0]["text"] and "零报告" in lines[0]["text"] and "01-26 10:00" in lines[0]["text"]


def test_a_station_is_reminded_by_hand_once_and_a_reminder_nobody_can_receive_is_refused(
    world, epidemic, as_user
):
    """From the home where the missing station is named: one tap reminds it once; a station with no staff
    and no phone is not 'reminded' with a green message (it used to say 共0位接收人)."""
    from qunfang.core.models import Level
    from qunfang.reporting.models import Reminder
    from qunfang.testing.world import place

    silent = place(world.longjing, "无人村", Level.VILLAGE, "441803112299")
    admin = as_user(world.alice)
    day = "2020-02-03"
    answer = admin.post(
        f"/places/{world.jingkou.pk}/reports/remind/?set={epidemic.code}&day={day}", follow=True
    )
    assert "已提醒迳口村" in answer.content.decode()
    again = admin.post(
        f"/places/{world.jingkou.pk}/reports/remind/?set={epidemic.code}&day={day}", follow=True
    )
    assert "已于" in again.content.decode() and Reminder.objects.filter(place=world.jingkou).count() == 1
    refused = admin.post(f"/places/{silent.pk}/reports/remind/?set={epidemic.code}&day={day}", follow=True)
    assert (
        "没有可接收提醒的人" in refused.content.decode()
        and not Reminder.objects.filter(place=silent).exists()
    )
    assert (
        as_user(world.leo)
        .post(f"/places/{world.jingkou.pk}/reports/remind/?set={epidemic.code}&day={day}")
        .status_code
        == 403
    )
    assert as_user(world.erin).post(
        f"/places/{world.jingkou.pk}/reports/remind/?set={epidemic.code}&day={day}"
    ).status_code in (403, 404)
