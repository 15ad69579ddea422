"""The ledger's API: a day posted twice is recorded once; totals, the breakdown by child place and by
day come from the kept totals and agree with the records; bad input answers 422 with the reason."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qunfang.core import services as core_services
from qunfang.mobilization.models import ActivityRecord, DailyTotal


@pytest.fixture
def api(world):
    def client(user):
        _token, raw = core_services.issue_token(by=user, name="phone app")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    return client


def day(place, **extra):
    body = {
        "place_id": place.pk,
        "day": "2020-01-25",
        "entries": [
            {"type": "temperature_checks", "count": 120},
            {"type": "door_to_door", "count": 15, "people_reached": 60},
        ],
        "submission": "phone-0001",
    }
    body.update(extra)
    return body


def test_a_day_posted_twice_on_a_bad_network_is_recorded_once(world, api):
    client = api(world.carol)
    first = client.post("/api/v1/activities/records", day(world.jingkou), content_type="application/json")
    again = client.post("/api/v1/activities/records", day(world.jingkou), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert sorted(r["id"] for r in first.json()) == sorted(r["id"] for r in again.json())
    assert ActivityRecord.objects.count() == 2


def test_another_places_submission_key_neither_records_nor_shows(world, api):
    api(world.carol).post("/api/v1/activities/records", day(world.jingkou), content_type="application/json")
    response = api(world.dave).post(
        "/api/v1/activities/records", day(world.nankeng), content_type="application/json"
    )
    assert response.status_code == 422 and "已被使用" in str(response.json())
    assert ActivityRecord.objects.count() == 2


def test_totals_breakdown_and_days_agree_with_what_was_recorded(world, api):
    api(world.carol).post("/api/v1/activities/records", day(world.jingkou), content_type="application/json")
    api(world.dave).post(
        "/api/v1/activities/records",
        day(world.nankeng, entries=[{"type": "temperature_checks", "count": 30}], submission="phone-0002"),
        content_type="application/json",
    )
    client = api(world.alice)
    period = {"place_id": world.qingxin.pk, "start": "2020-01-24", "end": "2020-02-03"}
    totals = {t["type"]: t for t in client.get("/api/v1/activities/totals", period).json()["totals"]}
    assert totals["temperature_checks"]["count"] == 150
    assert (totals["door_to_door"]["count"], totals["door_to_door"]["people_reached"]) == (15, 60)
    breakdown = client.get("/api/v1/activities/breakdown", period).json()
    column = breakdown["types"].index("temperature_checks")
    assert {c["name"]: c["counts"][column] for c in breakdown["children"]} == {"龙颈镇": 150}
    daily = client.get("/api/v1/activities/daily", period).json()
    assert [(d["day"], d["counts"][column]) for d in daily["days"]] == [("2020-01-25", 150)]
    records = client.get("/api/v1/activities/records", {**period, "type": "temperature_checks"}).json()
    assert sorted(r["count"] for r in records["items"]) == [30, 120]


def test_a_correction_through_the_api_reverses_the_record(world, api):
    client = api(world.carol)
    record = client.post(
        "/api/v1/activities/records", day(world.jingkou), content_type="application/json"
    ).json()[0]
    response = client.post(
        f"/api/v1/activities/records/{record['id']}/correct",
        {"count": 100, "note": "多报了20"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()[0]["count"] == 100
    assert DailyTotal.objects.get(place=world.qingxin, activity_type__code="temperature_checks").count == 100


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"day": "FUTURE"}, "日期在未来"),
        ({"entries": [{"type": "temperature_checks", "count": 999999}]}, "不可能"),
        ({"entries": [{"type": "temperature_checks", "count": -3}]}, "greater_than_equal"),
        ({"entries": [{"type": "no_such_thing", "count": 3}]}, "未知的活动类型"),
        ({"volunteer_ids": [99999]}, "志愿者"),
    ],
)
def test_bad_days_are_refused_with_the_reason_and_nothing_written(world, api, change, reason):
    if change.get("day") == "FUTURE":
        change = {"day": (timezone.localdate() + timedelta(days=1)).isoformat()}
    response = api(world.carol).post(
        "/api/v1/activities/records", day(world.jingkou, **change), content_type="application/json"
    )
    assert response.status_code == 422 and reason in str(response.json())
    assert not ActivityRecord.objects.exists() and not DailyTotal.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(world, api):
    response = api(world.alice).get(
        "/api/v1/activities/totals",
        {"place_id": world.qingxin.pk, "start": "2020-02-03", "end": "2020-01-24"},
    )
    assert response.status_code == 422 and "结束日期早于开始日期" in str(response.json())
