"""The ledger's API: a day posted twice is recorded once; totals, the breakdown by child place and by
day come from the kept totals and agree with the records; bad input answers 422 with the reason. The
API twins of the volunteers', teams', deployments' and deeds' pages, and of a record's photos: the
same services, audit entries and scoping as the pages; personal data masked unless revealed."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qunfang.core import services as core_services
from qunfang.core.models import AuditEntry
from qunfang.mobilization import services
from qunfang.mobilization.models import (
    ActivityRecord,
    ActivityType,
    Deed,
    Deployment,
    Photo,
    Team,
    Volunteer,
    VolunteerStatus,
)
from qunfang.mobilization.tests.oracle import figure, nothing_kept
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import api_client_for, image_upload
from qunfang.testing.records import records_at
from qunfang.testing.world import SAMPLE_ID


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
    assert figure(world.qingxin) == 100


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
    assert not ActivityRecord.objects.exists() and nothing_kept()


def test_a_period_that_ends_before_it_starts_is_refused(world, api):
    response = api(world.alice).get(
        "/api/v1/activities/totals",
        {"place_id": world.qingxin.pk, "start": "2020-02-03", "end": "2020-01-24"},
    )
    assert response.status_code == 422 and "结束日期早于开始日期" in str(response.json())


# --- the twins of the volunteers', teams', deployments' and deeds' pages --------------------------------

OTHER_ID = "11010519491231002X"


def post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


def volunteer_body(place, **extra):
    body = {
        "place_id": place.pk,
        "name": "张志愿",
        "id_number": SAMPLE_ID,
        "phone": "13800138000",
        "skills": ["driving"],
        "availability": "weekends",
    }
    return {**body, **extra}


def test_a_volunteer_added_through_the_api_is_linked_to_the_roll_and_masked(world):
    veteran = create_veteran(
        by=None, place=world.jingkou, name="张志愿", id_number=SAMPLE_ID, phone="13800138000"
    )
    response = post(api_client_for(world.carol), "/api/v1/volunteers", volunteer_body(world.jingkou))
    assert response.status_code == 201
    answer = response.json()
    assert answer["veteran_id"] == veteran.pk and answer["status"] == "active"
    assert "13800138000" not in response.content.decode() and SAMPLE_ID not in response.content.decode()
    entry = AuditEntry.objects.get(action="volunteer.add")
    assert (entry.actor, entry.channel) == (world.carol, "api")


def test_a_volunteer_sent_twice_with_its_key_is_added_once_and_again_without_it_refused(world):
    client = api_client_for(world.carol)
    key = {"HTTP_IDEMPOTENCY_KEY": "volunteer-0001"}
    first = post(client, "/api/v1/volunteers", volunteer_body(world.jingkou), **key)
    again = post(client, "/api/v1/volunteers", volunteer_body(world.jingkou), **key)
    assert (first.status_code, again.status_code) == (201, 201) and first.json() == again.json()
    twice = post(client, "/api/v1/volunteers", volunteer_body(world.jingkou))
    assert twice.status_code == 422 and "已经是本站的志愿者" in str(twice.json())
    assert Volunteer.objects.count() == 1


def test_bad_volunteers_are_refused_with_the_reason_and_nothing_written(world):
    client = api_client_for(world.carol)
    wrong_id = post(
        client, "/api/v1/volunteers", volunteer_body(world.jingkou, id_number="441803199001011234")
    )
    wrong_skill = post(client, "/api/v1/volunteers", volunteer_body(world.jingkou, skills=["flying"]))
    assert (wrong_id.status_code, wrong_skill.status_code) == (422, 422)
    assert "身份证号" in str(wrong_id.json())
    for user in (world.dave, world.erin, world.leo):  # next door, another district, a leader reading only
        refused = post(api_client_for(user), "/api/v1/volunteers", volunteer_body(world.jingkou))
        assert refused.status_code == 404 and "迳口村" not in refused.content.decode()
    assert not Volunteer.objects.exists() and not AuditEntry.objects.filter(action="volunteer.add").exists()


def test_a_volunteer_is_changed_confirmed_and_revealed_with_an_audit_entry_each(world):
    pending = services.add_volunteer(
        by=None,
        place=world.jingkou,
        signed_up_alone=True,
        name="李报名",
        id_number=SAMPLE_ID,
        phone="13800138000",
    )
    client = api_client_for(world.carol)
    path = f"/api/v1/volunteers/{pending.pk}"
    changed = client.patch(path, json.dumps({"note": "会开车", "phone": ""}), content_type="application/json")
    assert changed.status_code == 200
    pending.refresh_from_db()
    assert pending.note == "会开车" and pending.phone.reveal() == "+8613800138000"  # empty kept the number
    confirmed = post(client, f"{path}/confirm", {"accept": True})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    answered = post(client, f"{path}/confirm", {"accept": False})
    assert answered.status_code == 422 and "已经处理过了" in str(answered.json())
    revealed = post(client, f"{path}/reveal", {"field": "id_number"})
    assert revealed.json() == {"field": "id_number", "value": SAMPLE_ID}
    actions = AuditEntry.objects.filter(channel="api").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["volunteer.update", "volunteer.confirm", "volunteer.reveal"]


def test_another_places_volunteer_is_neither_changed_confirmed_nor_revealed(world):
    pending = services.add_volunteer(
        by=None,
        place=world.jingkou,
        signed_up_alone=True,
        name="李报名",
        id_number=SAMPLE_ID,
        phone="13800138000",
    )
    path = f"/api/v1/volunteers/{pending.pk}"
    for user in (world.dave, world.erin, world.leo):
        client = api_client_for(user)
        for response in (
            client.patch(path, json.dumps({"note": "x"}), content_type="application/json"),
            post(client, f"{path}/confirm", {"accept": True}),
            post(client, f"{path}/reveal", {"field": "phone"}),
        ):
            assert response.status_code == 404 and "李报名" not in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == VolunteerStatus.PENDING and not AuditEntry.objects.filter(channel="api").exists()


def test_a_team_is_made_changed_and_sent_to_a_place(world):
    one = services.add_volunteer(
        by=None, place=world.jingkou, name="甲", id_number=SAMPLE_ID, phone="13800138000"
    )
    two = services.add_volunteer(
        by=None, place=world.jingkou, name="乙", id_number=OTHER_ID, phone="13800138001"
    )
    client = api_client_for(world.carol)
    made = post(
        client,
        "/api/v1/teams",
        {"place_id": world.jingkou.pk, "name": "巡逻队", "member_ids": [one.pk], "leader_id": one.pk},
    )
    assert made.status_code == 201 and made.json()["member_ids"] == [one.pk]
    changed = client.put(
        f"/api/v1/teams/{made.json()['id']}",
        json.dumps({"name": "巡逻队", "member_ids": [one.pk, two.pk], "leader_id": two.pk}),
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["leader_id"] == two.pk
    sent = post(
        client,
        "/api/v1/deployments",
        {"place_id": world.jingkou.pk, "team_id": made.json()["id"], "start": "2020-01-25",
         "end": "2020-02-03", "task": "卡点值守"},
    )  # fmt: skip
    assert sent.status_code == 201 and Deployment.objects.get().team_id == made.json()["id"]
    both = post(
        client,
        "/api/v1/deployments",
        {"place_id": world.jingkou.pk, "team_id": made.json()["id"], "volunteer_id": one.pk,
         "start": "2020-01-25", "end": "2020-02-03", "task": "卡点值守"},
    )  # fmt: skip
    assert both.status_code == 422 and Deployment.objects.count() == 1
    actions = AuditEntry.objects.filter(channel="api").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["team.save", "team.save", "deployment.add"]


def test_a_team_cannot_take_in_the_next_villages_volunteer_nor_be_made_there(world):
    mine = services.add_volunteer(
        by=None, place=world.jingkou, name="甲", id_number=SAMPLE_ID, phone="13800138000"
    )
    theirs = services.add_volunteer(
        by=None, place=world.nankeng, name="丙", id_number=OTHER_ID, phone="13800138001"
    )
    body = {"place_id": world.jingkou.pk, "name": "巡逻队", "member_ids": [mine.pk, theirs.pk]}
    assert post(api_client_for(world.carol), "/api/v1/teams", body).status_code == 404
    for user in (world.dave, world.leo):
        assert (
            post(api_client_for(user), "/api/v1/teams", {**body, "member_ids": [mine.pk]}).status_code == 404
        )
    sent = post(
        api_client_for(world.dave),
        "/api/v1/deployments",
        {"place_id": world.nankeng.pk, "volunteer_id": mine.pk, "start": "2020-01-25", "end": "2020-01-26",
         "task": "支援"},
    )  # fmt: skip
    assert sent.status_code == 404 and "甲" not in sent.content.decode()
    assert not Team.objects.exists() and not Deployment.objects.exists()


def deed_body(place, **extra):
    return {"place_id": place.pk, "day": "2020-02-18", "person": "王老兵", "title": "捐赠消毒液",
            "story": "送来4箱120瓶消毒液。", **extra}  # fmt: skip


def test_a_deed_and_its_photo_through_the_api_as_on_the_page(world):
    client = api_client_for(world.carol)
    deed = post(client, "/api/v1/deeds", deed_body(world.jingkou))
    assert deed.status_code == 201 and deed.json()["photos"] == []
    path = f"/api/v1/deeds/{deed.json()['id']}/photos"
    photo = client.post(path, {"photo": image_upload(size=(3200, 2400)), "caption": "送达社区"})
    assert photo.status_code == 201
    assert (photo.json()[0]["width"], photo.json()[0]["caption"]) == (1600, "送达社区")
    actions = AuditEntry.objects.filter(channel="api").order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["deed.add", "deed.photos"]


def test_bad_deeds_and_photos_are_refused_and_nothing_stored(world):
    client = api_client_for(world.carol)
    nobody = post(client, "/api/v1/deeds", deed_body(world.jingkou, person=" "))
    assert nobody.status_code == 422 and "谁的事迹" in str(nobody.json())
    deed = services.record_deed(
        by=world.carol,
        place=world.jingkou,
        day=date(2020, 2, 18),
        person="王老兵",
        title="事迹",
        story="经过",
    )
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    not_a_photo = client.post(f"/api/v1/deeds/{deed.pk}/photos", {"photo": fake})
    without = client.post(f"/api/v1/deeds/{deed.pk}/photos", {"caption": "无图"})
    assert (not_a_photo.status_code, without.status_code) == (422, 422) and "不是照片" in str(
        not_a_photo.json()
    )
    for user in (world.dave, world.erin, world.leo):
        refused = api_client_for(user).post(f"/api/v1/deeds/{deed.pk}/photos", {"photo": image_upload()})
        assert refused.status_code == 404 and "王老兵" not in refused.content.decode()
        assert post(api_client_for(user), "/api/v1/deeds", deed_body(world.jingkou)).status_code == 404
    assert not Photo.objects.exists() and Deed.objects.count() == 1


def test_a_records_photo_through_the_api_and_not_on_the_next_villages_record(world):
    record = services.record_day(
        by=world.carol,
        place=world.jingkou,
        day=date(2020, 1, 25),
        entries=[services.Entry(ActivityType.objects.get(code="door_to_door"), 5, 20)],
    )[0]
    path = f"/api/v1/activities/records/{record.pk}/photos"
    assert api_client_for(world.dave).post(path, {"photo": image_upload()}).status_code == 404
    assert api_client_for(world.leo).post(path, {"photo": image_upload()}).status_code == 404
    added = api_client_for(world.carol).post(path, {"photo": image_upload(), "caption": "入户走访"})
    assert added.status_code == 201 and record.photos.get().caption == "入户走访"
    assert AuditEntry.objects.get(action="activity.photos").channel == "api"


def test_teams_deployments_and_deeds_are_listed_for_the_place_and_not_for_the_next_village(world):
    records_at(world.jingkou, by=world.carol, text="迳口志愿者")
    client = api_client_for(world.bob)
    town = {"place_id": world.longjing.pk}
    teams = client.get("/api/v1/teams", town).json()["items"]
    deployments = client.get("/api/v1/deployments", {**town, "on": "2020-01-26"}).json()["items"]
    deeds = client.get("/api/v1/deeds", {**town, "start": "2020-01-24", "end": "2020-02-03"}).json()["items"]
    assert [t["name"] for t in teams] == ["迳口志愿者"] and len(deployments) == 1
    assert [d["title"] for d in deeds] == ["迳口志愿者"] and len(deeds[0]["photos"]) == 1
    other = api_client_for(world.dave)
    for path in ("/api/v1/teams", "/api/v1/deployments"):
        refused = other.get(path, {"place_id": world.jingkou.pk})
        assert refused.status_code == 404 and "迳口志愿者" not in refused.content.decode()
    assert other.get("/api/v1/teams", {"place_id": world.nankeng.pk}).json()["items"] == []
