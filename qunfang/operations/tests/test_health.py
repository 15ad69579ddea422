"""Staff health: the daily check-in (impossible temperatures refused, a fever flagged, a second one the
same day corrects the first), the place's board of who has not checked in and who is unwell, leave,
the return-to-work screening, and the reminders to those who have not checked in by the set time."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.access import Scope
from qunfang.messaging.fake_gateway import FakeWeComRobot
from qunfang.operations import selectors, services
from qunfang.operations.models import CheckIn, CheckInReminder, Leave, ReturnScreening


@pytest.fixture
def staff(world):
    return [
        services.save_staff(by=world.alice, place=world.qingxin, name="黄晓明", phone="13800138001"),
        services.save_staff(by=world.alice, place=world.qingxin, name="陈丽", phone="13800138002"),
        services.save_staff(by=world.carol, place=world.jingkou, name="何伟", phone="13800138003"),
        services.save_staff(by=world.alice, place=world.qingxin, name="周强"),
    ]


def check_in(person, temperature="36.5", **fields):
    return services.check_in(
        by=None,
        staff=person,
        day=fields.pop("day", timezone.localdate()),
        temperature=temperature,
        whereabouts=fields.pop("whereabouts", "单位"),
        **fields,
    )


@pytest.mark.parametrize("reading", ["50", "30", "365", "abc"])
def test_an_impossible_temperature_is_refused_and_nothing_is_stored(staff, reading):
    with pytest.raises(ValidationError) as refused:
        check_in(staff[0], reading)
    assert "temperature" in refused.value.message_dict
    assert not CheckIn.objects.exists()


def test_the_refusal_says_what_is_wrong_in_chinese(staff):
    with pytest.raises(ValidationError) as refused:
        check_in(staff[0], "50")
    assert refused.value.message_dict["temperature"] == ["体温 50.0 °C 不可能正确，请重新测量。"]


def test_a_check_in_for_tomorrow_or_without_where_is_refused(staff):
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        check_in(staff[0], day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="请填写今天所在的地点"):
        check_in(staff[0], whereabouts=" ")
    assert not CheckIn.objects.exists()


def test_a_second_check_in_the_same_day_corrects_the_first(staff):
    check_in(staff[0], "38.1", symptoms=["cough"])
    corrected = check_in(staff[0], "36.6")
    assert CheckIn.objects.count() == 1
    assert str(corrected.temperature) == "36.6" and corrected.symptoms == [] and not corrected.unwell


def test_the_board_shows_who_has_not_checked_in_and_who_is_unwell(world, staff):
    today = timezone.localdate()
    check_in(staff[0], "37.3")  # the fever line itself is a fever
    check_in(staff[2], "36.4", symptoms=["sore_throat"])
    services.record_leave(by=None, staff=staff[3], kind="sick", start=today - timedelta(days=1), end=today)
    board = selectors.health_board(Scope.for_user(world.alice), world.qingxin, today)
    assert [r.staff.name for r in board.missing] == ["陈丽"]  # 周强 is on sick leave
    assert sorted(r.staff.name for r in board.unwell) == ["何伟", "黄晓明"]
    assert board.checked_in == 2
    village = selectors.health_board(Scope.for_user(world.carol), world.jingkou, today)
    assert [r.staff.name for r in village.rows] == ["何伟"]


def test_a_leave_that_ends_before_it_starts_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        services.record_leave(
            by=None, staff=staff[0], kind="sick", start=date(2020, 2, 5), end=date(2020, 2, 3)
        )
    assert refused.value.message_dict["end"] == ["假期的结束日期不能早于开始日期。"]
    assert not Leave.objects.exists()


def test_overlapping_leave_for_one_person_is_refused(world, staff):
    services.record_leave(
        by=None, staff=staff[0], kind="annual", start=date(2020, 2, 1), end=date(2020, 2, 5)
    )
    with pytest.raises(ValidationError, match="已在休假"):
        services.record_leave(
            by=None, staff=staff[0], kind="sick", start=date(2020, 2, 5), end=date(2020, 2, 6)
        )
    services.record_leave(by=None, staff=staff[1], kind="sick", start=date(2020, 2, 5), end=date(2020, 2, 6))
    away = selectors.away_on(Scope.for_user(world.alice), world.qingxin, date(2020, 2, 5))
    assert [lv.staff.name for lv in away] == ["陈丽", "黄晓明"]


def test_return_to_work_screening_clears_only_after_observation(staff):
    screen = lambda **f: services.screen_return(  # noqa: E731
        by=None, staff=staff[0], first_day=date(2020, 2, 10), came_from="湖北武汉", **f
    )
    assert not screen(temperature="36.5", risk_area=True, observed_days=7).cleared
    assert screen(temperature="36.5", risk_area=True, observed_days=14).cleared
    assert not screen(temperature="37.5").cleared
    assert not screen(temperature="36.5", symptoms=["cough"]).cleared
    assert screen(temperature="36.5").cleared
    with pytest.raises(ValidationError):
        screen(temperature="30")
    assert ReturnScreening.objects.count() == 5


@pytest.fixture
def robot(settings):
    with FakeWeComRobot(key="office-robot", per_minute=20) as fake:
        settings.WECOM_ROBOT_WEBHOOK = fake.webhook
        settings.CHECK_IN_CHANNEL = "wecom"
        yield fake


def test_staff_not_checked_in_by_nine_are_reminded_once_through_the_office_robot(world, staff, robot):
    today = timezone.localdate()
    check_in(staff[0])
    services.record_leave(by=None, staff=staff[3], kind="personal", start=today, end=today)
    before_nine = timezone.make_aware(datetime.combine(today, datetime.min.time())).replace(hour=8, minute=59)
    assert services.remind_to_check_in(before_nine) == 0
    after_nine = before_nine + timedelta(minutes=31)
    assert services.remind_to_check_in(after_nine) == 2  # 陈丽 and 何伟; 黄晓明 checked in, 周强 is on leave
    assert services.remind_to_check_in(after_nine) == 0  # the clock's next round reminds nobody twice
    mentioned = sorted(m["mentioned"][0] for m in robot.accepted)
    assert mentioned == ["13800138002", "13800138003"]
    assert all("请在群防中填报" in m["content"] for m in robot.accepted)
    assert CheckInReminder.objects.filter(day=today).count() == 2


def test_a_reminder_the_robot_refused_is_tried_again(world, staff, robot, settings):
    settings.WECOM_ROBOT_WEBHOOK = robot.webhook.replace("office-robot", "wrong-key")
    now = timezone.now().replace(hour=10)
    assert services.remind_to_check_in(now, place=world.jingkou) == 0
    assert not CheckInReminder.objects.exists()
    settings.WECOM_ROBOT_WEBHOOK = robot.webhook
    assert services.remind_to_check_in(now, place=world.jingkou) == 1
