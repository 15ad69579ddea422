"""A station reports its day, with figures or explicitly as zero; a zero report is not a missing
one; late reports are marked late; corrections keep every version; approval locks; bad reports are
refused with the reason and store nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.access import Scope
from qunfang.reporting import selectors, services
from qunfang.reporting.models import Report, ReportVersion

DAY = date(2020, 1, 25)
CHINA = ZoneInfo("Asia/Shanghai")


def submit(by, place, data_set, key, **kwargs):
    kwargs.setdefault("period_start", DAY)
    return services.submit_report(by=by, data_set=data_set, place=place, submission=key, **kwargs)


def test_a_zero_report_counts_as_reported_and_a_silent_village_as_missing(world, epidemic, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2020, 1, 25, 20, 0, tzinfo=CHINA))
    submit(world.carol, world.jingkou, epidemic, "k1", zero=True)
    found = selectors.completeness(Scope.for_user(world.bob), epidemic, world.longjing, DAY)
    by_place = {row.place: row for row in found.children}
    assert by_place[world.jingkou].state == "on-time" and by_place[world.jingkou].report.zero
    assert by_place[world.nankeng].state == "missing" and by_place[world.nankeng].report is None
    assert (found.place.expected, found.place.reported, found.place.zero, found.place.rate) == (2, 1, 1, 0.5)
    district = selectors.completeness(Scope.for_user(world.alice), epidemic, world.qingxin, DAY)
    assert [(row.place, row.reported, row.missing) for row in district.children] == [(world.longjing, 1, 1)]
    assert Report.objects.get().values == {code: 0 for code in Report.objects.get().values}


def test_a_report_after_ten_the_next_morning_is_late(world, epidemic, monkeypatch):
    at = datetime(2020, 1, 26, 10, 1, tzinfo=CHINA)
    monkeypatch.setattr(timezone, "now", lambda: at)
    report = submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2})
    assert report.late
    town = selectors.completeness(Scope.for_user(world.bob), epidemic, world.longjing, DAY).place
    assert (town.reported, town.late, town.on_time) == (1, 1, 0)
    assert services.deadline(epidemic, DAY) == datetime(2020, 1, 26, 10, 0, tzinfo=CHINA)


def test_a_correction_keeps_every_version_and_a_resubmission_is_one(world, epidemic):
    submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2})
    submit(world.carol, world.jingkou, epidemic, "k1", values={"fever_found": 2})  # sent twice
    report = submit(world.carol, world.jingkou, epidemic, "k2", values={"fever_found": 3})
    assert [v.values["fever_found"] for v in report.versions.all()] == [2, 3]
    assert report.values["fever_found"] == 3


def test_an_approved_report_is_locked(world, epidemic):
    report = submit(world.carol, world.jingkou, epidemic, "k1", zero=True)
    services.approve_report(by=world.bob, report=report, scope=Scope.for_user(world.bob))
    with pytest.raises(ValidationError, match="已审核通过"):
        submit(world.carol, world.jingkou, epidemic, "k2", values={"fever_found": 1})
    assert ReportVersion.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"values": {"confirmed": 2, "close_contacts": 1}}, "密切接触者"),
        ({"values": {"fever_found": "两个"}}, "整数"),
        ({"values": {"fever_found": -1}}, "负数"),
        ({"values": {"no_such": 1}}, "未知"),
        ({"period_start": timezone.localdate() + timedelta(days=2), "zero": True}, "未来"),
    ],
)
def test_bad_reports_are_refused_with_the_reason_and_store_nothing(world, epidemic, kwargs, reason):
    with pytest.raises(ValidationError, match=reason):
        submit(world.carol, world.jingkou, epidemic, "k1", **kwargs)
    assert not Report.objects.exists() and not ReportVersion.objects.exists()


def test_a_weekly_report_starts_on_a_monday(world, epidemic):
    epidemic.periodicity = "weekly"
    epidemic.save()
    with pytest.raises(ValidationError, match="周一"):
        submit(
            world.carol, world.jingkou, epidemic, "k1", period_start=date(2020, 1, 22), zero=True
        )  # a Wednesday
    report = submit(world.carol, world.jingkou, epidemic, "k2", period_start=date(2020, 1, 20), zero=True)
    assert services.deadline(epidemic, report.period_start) == datetime(2020, 1, 27, 10, 0, tzinfo=CHINA)


def test_a_town_does_not_report_the_villages_data_set(world, epidemic):
    with pytest.raises(ValidationError, match="不报送"):
        submit(world.bob, world.longjing, epidemic, "k1", zero=True)
    assert not Report.objects.exists()


@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's in-memory test database refuses a second writer at once; a file waits its turn",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_key", [False, True], ids=["two phones", "one phone sending twice"])
def test_two_first_submissions_at_once_make_one_report(world, epidemic, same_key):
    """Two phones of one station send the day's first report at the same moment (or one phone sends it
    twice on a bad network): one report, with one version per distinct submission, and no error."""
    from threading import Barrier, Thread

    from django.db import connection

    start, errors = Barrier(2), []

    def send(key):
        try:
            start.wait()
            submit(world.carol, world.jingkou, epidemic, key, values={"fever_found": 1})
        except Exception as error:  # noqa: BLE001 (the test reports whatever went wrong)
            errors.append(error)
        finally:
            connection.close()

    threads = [Thread(target=send, args=("same" if same_key else key,)) for key in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Report.objects.count() == 1
    assert ReportVersion.objects.count() == (1 if same_key else 2)
    town = selectors.completeness(Scope.for_user(world.bob), epidemic, world.longjing, DAY).place
    assert town.reported == 1
