"""The reports' API: a report posted twice on a bad network is one report; reading shows every version;
completeness and totals agree with the pages; the level above approves or returns; bad input answers
422 in Chinese and stores nothing; another place's reports answer 404."""

import pytest

from qunfang.core.models import AuditEntry, Level
from qunfang.reporting.models import DataSet, Reminder, Report, ReportVersion
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


def submitted(user, place, submission: str):
    return api_client_for(user).post("/api/v1/reports", body(place, submission=submission), content_type=JSON)


def test_a_town_approves_all_its_villages_reports_of_a_day_at_once(world, epidemic):
    submitted(world.carol, world.jingkou, "phone-report-0101")
    submitted(world.dave, world.nankeng, "phone-report-0102")
    town = api_client_for(world.bob)
    day = {"data_set": "epidemic_daily", "day": "2020-01-25"}
    answer = town.post(f"/api/v1/places/{world.longjing.pk}/reports/approve-all", day, content_type=JSON)
    assert answer.status_code == 200 and answer.json() == {"approved": 2}
    assert set(Report.objects.values_list("status", flat=True)) == {"approved"}
    assert AuditEntry.objects.filter(action="report.approve", actor=world.bob, channel="api").count() == 2
    again = town.post(f"/api/v1/places/{world.longjing.pk}/reports/approve-all", day, content_type=JSON)
    assert again.json() == {"approved": 0}


def test_approving_all_is_refused_elsewhere_and_to_a_leader(world, epidemic):
    submitted(world.carol, world.jingkou, "phone-report-0201")
    day = {"data_set": "epidemic_daily", "day": "2020-01-25"}
    for user in (world.erin, world.leo):
        answer = api_client_for(user).post(
            f"/api/v1/places/{world.longjing.pk}/reports/approve-all", day, content_type=JSON
        )
        assert answer.status_code == 404
    unknown = api_client_for(world.bob).post(
        f"/api/v1/places/{world.longjing.pk}/reports/approve-all",
        {**day, "data_set": "no_such_set"},
        content_type=JSON,
    )
    assert unknown.status_code == 404
    assert Report.objects.get().status == "submitted"


def test_a_silent_station_is_reminded_once_through_the_api(world, epidemic):
    from qunfang.testing.world import place

    district = api_client_for(world.alice)
    day = {"data_set": "epidemic_daily", "day": "2020-02-03"}
    url = f"/api/v1/places/{world.jingkou.pk}/reports/remind"
    first = district.post(url, day, content_type=JSON)
    assert first.status_code == 201 and first.json()["recipients"] >= 1
    again = district.post(url, day, content_type=JSON)
    assert again.status_code == 422 and "已于" in str(again.json()["detail"])
    assert Reminder.objects.filter(place=world.jingkou).count() == 1
    assert AuditEntry.objects.filter(action="report.remind", channel="api").count() == 1
    silent = place(world.longjing, "无人村", Level.VILLAGE, "441803112299")
    refused = district.post(f"/api/v1/places/{silent.pk}/reports/remind", day, content_type=JSON)
    assert refused.status_code == 422 and not Reminder.objects.filter(place=silent).exists()
    for user in (world.erin, world.leo):
        assert api_client_for(user).post(url, day, content_type=JSON).status_code == 404


def test_a_reminder_sent_twice_with_one_idempotency_key_is_sent_once(world, epidemic):
    district = api_client_for(world.alice)
    day = {"data_set": "epidemic_daily", "day": "2020-02-03"}
    url = f"/api/v1/places/{world.nankeng.pk}/reports/remind"
    first = district.post(url, day, content_type=JSON, HTTP_IDEMPOTENCY_KEY="remind-nankeng-1")
    again = district.post(url, day, content_type=JSON, HTTP_IDEMPOTENCY_KEY="remind-nankeng-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert AuditEntry.objects.filter(action="report.remind").count() == 1


FLOOD = {
    "code": "flood_daily",
    "name_zh": "汛情日报",
    "level": "village",
    "deadline_hour": 9,
    "fields": [
        {"code": "sandbags", "name_zh": "沙袋", "unit": "袋"},
        {"code": "evacuated", "name_zh": "转移群众"},
    ],
}


def test_a_district_defines_and_changes_its_data_set_through_the_api(world, epidemic):
    district = api_client_for(world.alice)
    made = district.post(f"/api/v1/places/{world.qingxin.pk}/data-sets", FLOOD, content_type=JSON)
    assert made.status_code == 201, made.content
    flood = made.json()
    assert flood["owner_id"] == world.qingxin.pk and flood["name_en"] == "汛情日报"
    assert [f["code"] for f in flood["fields"]] == ["sandbags", "evacuated"]
    rule = {"left": "evacuated", "operator": "<=", "right": "sandbags"}
    changed = district.put(f"/api/v1/data-sets/{flood['id']}", {**FLOOD, "rules": [rule]}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["rules"] == [rule]
    assert AuditEntry.objects.filter(action="data_set.save", channel="api").count() == 2
    listed = api_client_for(world.carol).get("/api/v1/reports/data-sets").json()
    assert "flood_daily" in {d["code"] for d in listed}


def test_bad_data_sets_are_refused_with_the_reason_and_nothing_is_stored(world, epidemic):
    district = api_client_for(world.alice)
    url = f"/api/v1/places/{world.qingxin.pk}/data-sets"
    no_fields = district.post(url, {**FLOOD, "fields": []}, content_type=JSON)
    assert no_fields.status_code == 422 and no_fields.json()["detail"]
    bad_rule = {**FLOOD, "rules": [{"left": "sandbags", "operator": ">=", "right": "sandbags"}]}
    assert district.post(url, bad_rule, content_type=JSON).status_code == 422
    taken = district.post(url, {**FLOOD, "code": "epidemic_daily"}, content_type=JSON)
    assert taken.status_code == 422
    assert not DataSet.objects.filter(code="flood_daily").exists()


def test_data_sets_of_another_bureau_and_the_operators_are_not_changed(world, epidemic):
    flood = (
        api_client_for(world.alice)
        .post(f"/api/v1/places/{world.qingxin.pk}/data-sets", FLOOD, content_type=JSON)
        .json()
    )
    for user in (world.erin, world.bob, world.leo):
        client = api_client_for(user)
        assert client.put(f"/api/v1/data-sets/{flood['id']}", FLOOD, content_type=JSON).status_code == 404
    assert (
        api_client_for(world.bob)
        .post(
            f"/api/v1/places/{world.longjing.pk}/data-sets", {**FLOOD, "code": "town_set"}, content_type=JSON
        )
        .status_code
        == 404
    )
    operators = api_client_for(world.alice).put(
        f"/api/v1/data-sets/{epidemic.pk}", {**FLOOD, "code": "epidemic_daily"}, content_type=JSON
    )
    assert operators.status_code == 404
    assert (
        DataSet.objects.get(pk=flood["id"]).name_zh == "汛情日报"
        and not DataSet.objects.filter(code="town_set").exists()
    )
