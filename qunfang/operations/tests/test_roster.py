"""The duty roster: shifts checked before they are kept, and every hour of the next 14 days with nobody
or no leader on duty found, across month ends and in time zones without daylight saving (China's, and
India's and Nepal's, whose hours do not start on the UTC hour)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.operations import selectors, services
from qunfang.operations.models import DutyShift


@pytest.fixture
def staff(world):
    return {
        name: services.save_staff(by=world.alice, place=world.qingxin, name=name, title=title)
        for name, title in [("李局长", "局长"), ("王副局长", "副局长"), ("张三", "科员"), ("李四", "科员")]
    }


def at(text: str) -> datetime:
    """A local time in the current time zone, as the roster's page would read it."""
    return timezone.make_aware(datetime.fromisoformat(text))


def shift(world, staff, start: str, end: str, leader: str | None, *people: str) -> DutyShift:
    return services.save_shift(
        by=world.alice,
        place=world.qingxin,
        start=at(start),
        end=at(end),
        leader=staff[leader] if leader else None,
        staff=[staff[p] for p in people],
    )


def gaps(world, start: str, days: int = 14) -> list[tuple[str, str, str]]:
    begin = at(start)
    found = selectors.roster_gaps(world.qingxin, begin, begin + timedelta(days=days))
    return [
        (g.what, timezone.localtime(g.start).isoformat()[:16], timezone.localtime(g.end).isoformat()[:16])
        for g in found
    ]


def test_uncovered_finds_what_no_interval_covers():
    t = [datetime(2020, 1, 1, h, tzinfo=ZoneInfo("UTC")) for h in range(24)]
    assert selectors.uncovered([], t[0], t[10]) == [(t[0], t[10])]
    assert selectors.uncovered([(t[2], t[5]), (t[4], t[6]), (t[8], t[12])], t[0], t[10]) == [
        (t[0], t[2]),
        (t[6], t[8]),
    ]
    assert selectors.uncovered([(t[0], t[3]), (t[3], t[10])], t[1], t[9]) == []  # back to back covers


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu"])
def test_a_roster_that_covers_every_hour_across_the_month_end_has_no_gap(world, staff, settings, zone):
    settings.TIME_ZONE = zone
    # 24-hour shifts from 08:00 to 08:00, the leaders taking turns, from 25 January to 10 February.
    day = at("2020-01-25T08:00")
    for n in range(17):
        start = day + timedelta(days=n)
        services.save_shift(
            by=world.alice,
            place=world.qingxin,
            start=start,
            end=start + timedelta(days=1),
            leader=staff["李局长" if n % 2 else "王副局长"],
            staff=[staff["张三" if n % 2 else "李四"]],
        )
    assert gaps(world, "2020-01-26T00:00") == []
    # One hour missing over the month end: 31 January 23:00 to 1 February 00:00, local time.
    crossing = DutyShift.objects.get(start=at("2020-01-31T08:00"))
    crossing.end = at("2020-01-31T23:00")
    crossing.save()
    following = DutyShift.objects.get(start=at("2020-02-01T08:00"))
    following.start = at("2020-02-01T00:00")
    following.save()
    assert gaps(world, "2020-01-26T00:00") == [
        ("anyone", "2020-01-31T23:00", "2020-02-01T00:00"),
        ("leader", "2020-01-31T23:00", "2020-02-01T00:00"),
    ]
    begin = at("2020-01-26T00:00")
    found = selectors.roster_gaps(world.qingxin, begin, begin + timedelta(days=14))
    assert [timezone.localtime(h).isoformat()[:16] for h in selectors.uncovered_hours(found)] == [
        "2020-01-31T23:00"
    ]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Kolkata"])
def test_an_empty_roster_flags_every_hour_of_the_fourteen_days(world, settings, zone):
    settings.TIME_ZONE = zone
    begin = at("2024-02-20T00:00")  # through 29 February of a leap year into March
    found = selectors.roster_gaps(world.qingxin, begin, begin + timedelta(days=14))
    assert [(g.what, g.hours) for g in found] == [("anyone", 336.0), ("leader", 336.0)]
    hours = selectors.uncovered_hours(found)
    assert len(hours) == 14 * 24
    assert timezone.localtime(hours[0]).isoformat()[:16] == "2024-02-20T00:00"
    assert timezone.localtime(hours[-1]).isoformat()[:16] == "2024-03-04T23:00"


def test_staff_on_duty_without_a_leader_leave_a_leader_gap_only(world, staff):
    shift(world, staff, "2024-02-28T20:00", "2024-02-29T08:00", None, "张三")
    shift(world, staff, "2024-02-29T08:00", "2024-03-01T08:00", "李局长", "李四")
    assert gaps(world, "2024-02-28T20:00", days=1) + gaps(world, "2024-02-29T20:00", days=0.5) == [
        ("leader", "2024-02-28T20:00", "2024-02-29T08:00"),
    ]


def test_a_leader_alone_counts_as_someone_on_duty(world, staff):
    shift(world, staff, "2020-03-31T18:00", "2020-04-01T18:00", "王副局长")
    assert gaps(world, "2020-03-31T18:00", days=1) == []


def test_the_next_fourteen_days_start_at_the_present_hour(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    now = datetime(2020, 1, 31, 18, 50, tzinfo=ZoneInfo("UTC"))  # 1 February 00:20 in Kolkata
    start, end = selectors.roster_window(now)
    assert start.isoformat() == "2020-02-01T00:00:00+05:30"
    assert end.isoformat() == "2020-02-15T00:00:00+05:30"


def test_a_shift_that_ends_before_it_starts_is_refused(world, staff):
    with pytest.raises(ValidationError) as refused:
        shift(world, staff, "2020-02-01T08:00", "2020-02-01T07:00", "李局长", "张三")
    assert "班次结束时间须晚于开始时间" in str(refused.value)
    with pytest.raises(ValidationError):
        shift(world, staff, "2020-02-01T08:00", "2020-02-01T08:00", "李局长")
    assert not DutyShift.objects.exists()


def test_a_person_cannot_be_on_two_overlapping_shifts(world, staff):
    shift(world, staff, "2020-02-01T08:00", "2020-02-02T08:00", "李局长", "张三")
    with pytest.raises(ValidationError) as refused:
        shift(world, staff, "2020-02-02T07:00", "2020-02-02T20:00", "王副局长", "张三")
    assert "张三" in str(refused.value) and "同一人不能同时值两个班" in str(refused.value)
    with pytest.raises(ValidationError):  # the leader on duty is on duty too
        shift(world, staff, "2020-02-01T20:00", "2020-02-02T06:00", None, "李局长")
    shift(world, staff, "2020-02-02T08:00", "2020-02-03T08:00", "王副局长", "张三")  # back to back is fine
    assert DutyShift.objects.count() == 2


def test_a_shift_over_a_day_or_with_nobody_is_refused(world, staff):
    with pytest.raises(ValidationError, match="最长 24 小时"):
        shift(world, staff, "2020-02-01T08:00", "2020-02-02T09:00", "李局长")
    with pytest.raises(ValidationError, match="请安排值班人员"):
        shift(world, staff, "2020-02-01T08:00", "2020-02-01T20:00", None)
    assert not DutyShift.objects.exists()


def test_the_roster_lists_a_night_shift_once_and_continues_it_past_midnight(world, staff):
    from qunfang.core.access import Scope

    night = shift(world, staff, "2020-02-02T20:00", "2020-02-03T08:00", "李局长", "张三")  # Sunday night
    scope = Scope.for_user(world.alice)
    first = selectors.roster_week(scope, world.qingxin, selectors.week_of(night.start.date()))
    second = selectors.roster_week(scope, world.qingxin, selectors.week_of(timezone.localdate(night.end)))
    assert [d.isoformat() for d, s in first.items() if s] == ["2020-02-02"]
    assert [d.isoformat() for d, s in second.items() if s] == ["2020-02-03"]
    assert [e.continued for e in first[date(2020, 2, 2)]] == [False]  # in full on the day it starts
    assert [e.continued for e in second[date(2020, 2, 3)]] == [True]  # its morning, the week after
    day = shift(world, staff, "2020-02-04T08:00", "2020-02-05T08:00", "李局长", "张三")  # Tuesday, 24 h
    during = at("2020-02-04T23:00")
    week = selectors.roster_week(scope, world.qingxin, date(2020, 2, 3), now=during)
    listed = [(d.isoformat(), e.continued, e.on_duty_now) for d, entries in week.items() for e in entries
              if e.shift == day]  # fmt: skip
    assert listed == [("2020-02-04", False, True), ("2020-02-05", True, True)]
