"""The pages a station and its town use: the phone form with its "zero report" button, the town's
completeness with its grid and review buttons, a report's versions, and the period's table in Excel.
Bad input is refused on the form in Chinese and stores nothing."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qunfang.reporting.models import Report, ReportStatus, ReportVersion
from qunfang.testing.clients import client_for

DAY = date(2020, 1, 25)


@pytest.fixture
def evening(monkeypatch):
    """The evening of the day reported: on time."""
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2020, 1, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )


def send(client, place, **data):
    data = {"period_start": DAY.isoformat(), "submission": data.pop("submission", "s1"), **data}
    return client.post(f"/places/{place.pk}/reports/submit/?set=epidemic_daily", data)


def test_a_station_sends_a_zero_report_with_one_tap_and_its_town_sees_it(world, epidemic, evening):
    carol = client_for(world.carol)
    form = carol.get(f"/places/{world.jingkou.pk}/reports/submit/")
    assert "零报告" in form.content.decode() and 'inputmode="numeric"' in form.content.decode()
    assert send(carol, world.jingkou, zero="1").status_code == 302
    report = Report.objects.get()
    assert report.zero and not report.late and set(report.values.values()) == {0}
    town = client_for(world.bob).get(f"/places/{world.longjing.pk}/reports/?day=2020-01-25").content.decode()
    assert "1/2" in town and "state-zero" in town and "state-missing" in town  # 南坑 has not reported
    assert "1 份报告待您审核" in town


def test_figures_are_sent_and_corrected_with_every_version_shown(world, epidemic, evening):
    carol = client_for(world.carol)
    send(carol, world.jingkou, fever_found="2", submission="s1")
    send(carol, world.jingkou, fever_found="3", submission="s2")
    report = Report.objects.get()
    assert [v.values["fever_found"] for v in report.versions.all()] == [2, 3]
    page = client_for(world.bob).get(f"/reports/{report.pk}/").content.decode()
    assert "版本" in page and "审核通过" in page  # the town may approve


@pytest.mark.parametrize(
    "data, message",
    [
        ({"confirmed": "2", "close_contacts": "1"}, "密切接触者"),
        ({"fever_found": "两个"}, "整数"),
        ({"fever_found": "-3"}, "0"),
        ({"period_start": (timezone.localdate() + timedelta(days=3)).isoformat(), "zero": "1"}, "未来"),
        ({"zero": "1", "fever_found": "2"}, "零报告"),
    ],
)
def test_bad_figures_are_refused_on_the_form_and_nothing_is_stored(world, epidemic, data, message):
    response = send(client_for(world.carol), world.jingkou, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Report.objects.exists() and not ReportVersion.objects.exists()


def test_a_town_cannot_report_and_a_neighbour_cannot_report_for_a_village(world, epidemic):
    assert send(client_for(world.bob), world.longjing, zero="1").status_code == 404
    assert send(client_for(world.dave), world.jingkou, zero="1").status_code == 404
    assert send(client_for(world.erin), world.jingkou, zero="1").status_code == 404
    assert not Report.objects.exists()


def test_the_town_approves_all_returns_one_and_an_approved_report_refuses_changes(world, epidemic):
    carol, dave, bob = client_for(world.carol), client_for(world.dave), client_for(world.bob)
    send(carol, world.jingkou, zero="1", submission="a")
    send(dave, world.nankeng, fever_found="1", submission="b")
    nankeng = Report.objects.get(place=world.nankeng)
    bob.post(f"/reports/{nankeng.pk}/review/", {"action": "return", "reason": "请核实发热人数"})
    bob.post(
        f"/places/{world.longjing.pk}/reports/approve-all/", {"set": "epidemic_daily", "day": "2020-01-25"}
    )
    assert Report.objects.get(place=world.jingkou).status == ReportStatus.APPROVED
    assert Report.objects.get(place=world.nankeng).status == ReportStatus.RETURNED
    village = dave.get(f"/places/{world.nankeng.pk}/reports/?day=2020-01-25").content.decode()
    assert "请核实发热人数" in village
    refused = send(carol, world.jingkou, fever_found="5", submission="c")
    assert "已审核通过" in refused.content.decode() and Report.objects.get(place=world.jingkou).zero
    # nor may a village review its neighbour
    assert carol.post(f"/reports/{nankeng.pk}/review/", {"action": "approve"}).status_code == 404


def test_the_period_table_exports_to_excel(world, epidemic):
    send(client_for(world.carol), world.jingkou, fever_found="2")
    response = client_for(world.alice).get(
        f"/places/{world.qingxin.pk}/reports/export.xlsx?set=epidemic_daily&start=2020-01-24&end=2020-01-25"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "地点", "应报")
    day = [row for row in rows[1:] if str(row[0]).startswith("2020-01-25")]
    assert [row[1:3] for row in day] == [("龙颈镇", 2)]
    assert day[0][rows[0].index("排查发现发热病人（人）")] == 2
