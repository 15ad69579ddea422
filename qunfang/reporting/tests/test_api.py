"""The reports' API: a report posted twice on a bad network is one report; reading shows every version;
completeness and totals agree with the pages; the level above approves or returns; bad input answers
422 in Chinese and stores nothing; another place's reports answer 404."""

import pytest

from qunfang.reporting.models import Report, ReportVersion
from qunfang.testing.clients import api_client_for

JSON = "application/json"


def body(place, **extra):
    return {
        "data_set": "epidemic_daily",
        "place_id": place.pk,
        "period_start": "2020-01-25",
        "values": {"fever_found": 2},
        "submission": "phone-report-0001",
        **extra,
    }


def test_a_report_posted_twice_is_one_report_and_its_correction_a_second_version(world, epidemic):
    phone = api_client_for(world.carol)
    first = phone.post("/api/v1/reports", body(world.jingkou), content_type=JSON)
    again = phone.post("/api/v1/reports", body(world.jingkou), content_type=JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and ReportVersion.objects.count() == 1
    phone.post(
        "/api/v1/reports",
        body(world.jingkou, values={"fever_found": 3}, submission="phone-report-0002"),
        content_type=JSON,
    )
    read = phone.get(f"/api/v1/reports/{first.json()['id']}").json()
    assert [v["values"]["fever_found"] for v in read["versions"]] == [2, 3]


def test_completeness_totals_and_review_through_the_api(world, epidemic):
    api_client_for(world.dave).post(
        "/api/v1/reports", body(world.nankeng, values={}, zero=True), content_type=JSON
    )
    town = api_client_for(world.bob)
    found = town.get(
        "/api/v1/reports/completeness",
        {"place_id": world.longjing.pk, "data_set": "epidemic_daily", "day": "2020-01-25"},
    ).json()
    assert (found["place"]["expected"], found["place"]["reported"], found["place"]["zero"]) == (2, 1, 1)
    assert {row["name"]: row["missing"] for row in found["children"]} == {"迳口村": 1, "南坑村": 0}
    assert [(lv["level"], lv["places"], lv["complete"]) for lv in found["levels"]] == [("village", 2, 1)]
    report = Report.objects.get()
    returned = town.post(f"/api/v1/reports/{report.pk}/return", {"reason": "核实"}, content_type=JSON)
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "核实"
    api_client_for(world.dave).post(
        "/api/v1/reports",
        body(world.nankeng, values={"fever_found": 1}, submission="phone-report-0003"),
        content_type=JSON,
    )
    assert town.post(f"/api/v1/reports/{report.pk}/approve").json()["status"] == "approved"
    period = {
        "place_id": world.qingxin.pk,
        "data_set": "epidemic_daily",
        "start": "2020-01-24",
        "end": "2020-01-25",
    }
    district = api_client_for(world.alice)
    assert (
        district.get("/api/v1/reports/totals", {**period, "approved": True}).json()["totals"]["fever_found"]
        == 1
    )
    assert [r["place_id"] for r in district.get("/api/v1/reports", period).json()["items"]] == [
        world.nankeng.pk
    ]
    assert api_client_for(world.carol).post(f"/api/v1/reports/{report.pk}/approve").status_code == 404


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"values": {"confirmed": 3, "close_contacts": 1}}, "密切接触者"),
        ({"values": {"fever_found": "两个"}}, "整数"),
        ({"values": {"fever_found": True}}, "整数"),
        ({"period_start": "2099-01-01"}, "未来"),
    ],
)
def test_bad_reports_answer_422_in_chinese_and_store_nothing(world, epidemic, extra, message):
    response = api_client_for(world.carol).post(
        "/api/v1/reports", body(world.jingkou, **extra), content_type=JSON
    )
    assert response.status_code == 422 and message in str(response.json()["detail"])
    assert not Report.objects.exists()


def test_a_town_and_an_outsider_cannot_submit_a_village_report(world, epidemic):
    town = api_client_for(world.bob).post("/api/v1/reports", body(world.longjing), content_type=JSON)
    assert town.status_code == 422 and "不报送" in str(town.json()["detail"])
    outsider = api_client_for(world.erin).post("/api/v1/reports", body(world.jingkou), content_type=JSON)
    assert outsider.status_code == 404
    assert not Report.objects.exists()
