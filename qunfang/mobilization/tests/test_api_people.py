"""The API twins of the volunteers', teams', deployments' and deeds' pages, and of a record's photos:
the same services, audit entries and scoping as the pages; personal data masked unless revealed."""

import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.core.models import AuditEntry
from qunfang.mobilization import services
from qunfang.mobilization.models import (
    ActivityType,
    Deed,
    Deployment,
    Photo,
    Team,
    Volunteer,
    VolunteerStatus,
)
from qunfang.registry.services import create_veteran
from qunfang.test import SAMPLE_ID, api_client_for, image_upload

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
