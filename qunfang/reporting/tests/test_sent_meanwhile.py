"""A report's form kept on a phone (without a network, for days) carries the report as it was opened
(`based_on`: the period and its number of versions). Sent after the period was sent again from another
phone, it is refused in words rather than overwriting what the other phone sent; the same saving sent
twice is still one version; the API's `base_version` does the same; a hand-made `based_on` is ignored."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qunfang.reporting.models import Report, ReportVersion
from qunfang.testing.clients import api_client_for, client_for

DAY = date(2020, 1, 25)
FORM = "/places/{}/reports/submit/?set=epidemic_daily&day=2020-01-25"


@pytest.fixture
def evening(monkeypatch):
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2020, 1, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )


def opened(client, place) -> str:
    page = client.get(FORM.format(place.pk)).content.decode()
    return re.search(r'name="based_on" value="([^"]*)"', page).group(1)


def send(client, place, based_on, submission, fevers):
    data = {
        "period_start": DAY.isoformat(),
        "submission": submission,
        "fever_found": fevers,
        "based_on": based_on,
    }
    return client.post(FORM.format(place.pk), data)


def test_a_form_opened_before_another_phone_sent_the_period_is_refused_in_words(world, epidemic, evening):
    mine, other = client_for(world.carol), client_for(world.carol)
    kept = opened(mine, world.jingkou)
    assert kept == "2020-01-25:0"
    assert send(other, world.jingkou, opened(other, world.jingkou), "other-phone-1", "2").status_code == 302

    refused = send(mine, world.jingkou, kept, "my-phone-1", "5")
    assert refused.status_code == 200
    assert "另一部手机" in refused.content.decode() and "1 个版本" in refused.content.decode()
    assert [v.values["fever_found"] for v in ReportVersion.objects.all()] == [2]

    # The same saving of the other phone sent again (its answer was lost) is still one version.
    assert send(other, world.jingkou, "2020-01-25:0", "other-phone-1", "2").status_code == 302
    assert ReportVersion.objects.count() == 1
    # Opened again as it stands now, her correction goes through.
    assert send(mine, world.jingkou, opened(mine, world.jingkou), "my-phone-2", "5").status_code == 302
    assert Report.objects.get().values["fever_found"] == 5 and ReportVersion.objects.count() == 2


@pytest.mark.parametrize(
    "based_on", ["2020-01-24:0", "", "x:y", "2020-01-25:", "2020-01-25:99999999999", "2020-13-45:0", ":::"]
)
def test_a_based_on_for_another_period_or_made_by_hand_is_not_a_refusal(world, epidemic, evening, based_on):
    carol = client_for(world.carol)
    assert send(carol, world.jingkou, "", "first-1", "1").status_code == 302
    assert send(carol, world.jingkou, based_on, "second-1", "2").status_code == 302
    assert Report.objects.get().values["fever_found"] == 2


def test_the_api_refuses_a_base_version_older_than_the_report_with_422_in_words(world, epidemic):
    phone = api_client_for(world.carol)

    def post(submission, **extra):
        data = {"data_set": "epidemic_daily", "place_id": world.jingkou.pk, "period_start": "2020-01-25",
                "values": {"fever_found": 2}, "submission": submission, **extra}  # fmt: skip
        return phone.post("/api/v1/reports", data, content_type="application/json")

    assert post("api-report-1", base_version=0).status_code == 201
    stale = post("api-report-2", base_version=0)
    assert stale.status_code == 422 and "另一部手机" in stale.json()["detail"][0]
    assert post("api-report-3", base_version=1).status_code == 201
    assert post("api-report-1", base_version=0).status_code == 200  # a resend: the first answer
    assert ReportVersion.objects.count() == 2
