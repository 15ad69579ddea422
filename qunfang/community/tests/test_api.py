"""The community API does what its pages do: buildings and households added, the register imported
(multipart, as the page takes it) and exported, gates and shifts, a screening round started, closed
and its numbers revealed to the caller, requests given to someone, standard answers, merchants' staff.
Another community's user gets 404 with nothing of the place in it; a read-only leader is refused; bad
input is 422 and writes nothing; a retry with the same Idempotency-Key writes once."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qunfang.community.models import (
    Building,
    Gate,
    GuardShift,
    Household,
    MerchantStaff,
    RegisterImport,
    Resident,
    ScreeningRound,
    StandardAnswer,
)
from qunfang.community.services import merchants, register, requests
from qunfang.community.tests.test_register import grids, rows_of, sheet  # noqa: F401 (grids: a fixture)
from qunfang.core.models import AuditEntry
from qunfang.testing.clients import api_client_for

JSON = "application/json"
REFUSED = (403, 404)


def post(api, url, body=None, **headers):
    return api.post(url, body or {}, content_type=JSON, **headers)


def test_buildings_and_households_are_added_once_and_listed(world, grids):  # noqa: F811
    api = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "number": "7栋", "grid_id": grids[0].pk}
    made = post(api, "/api/v1/community/buildings", body, HTTP_IDEMPOTENCY_KEY="building-7")
    again = post(api, "/api/v1/community/buildings", body, HTTP_IDEMPOTENCY_KEY="building-7")
    assert made.status_code == 201 and again.json() == made.json() and made.json()["place_id"] == grids[0].pk
    assert AuditEntry.objects.filter(action="building.create", actor=world.carol).count() == 1
    twice = post(api, "/api/v1/community/buildings", body)
    assert twice.status_code == 422 and "7栋" in str(twice.json()["detail"])
    stranger = post(
        api, "/api/v1/community/buildings", {**body, "number": "8栋", "grid_id": world.nankeng.pk}
    )
    assert stranger.status_code == 422 and Building.objects.count() == 1
    building = made.json()["id"]
    household = {"building_id": building, "unit": "1单元", "room": "301", "phone": "13900000301"}
    added = post(api, "/api/v1/community/households", household)
    assert added.status_code == 201 and added.json()["phone"] == "139****0301"
    assert post(api, "/api/v1/community/households", household).status_code == 422
    assert AuditEntry.objects.filter(action="household.create", actor=world.carol).count() == 1
    listed = api.get(f"/api/v1/community/households?building_id={building}").json()["items"]
    assert [h["room"] for h in listed] == ["301"]


def test_a_grid_worker_adds_a_building_from_her_grid(world, grids):  # noqa: F811
    from qunfang.core.roles import Role
    from qunfang.testing.world import person

    worker = person("grid1", grids[0], Role.GRID_WORKER, "网格员小李")
    body = {"place_id": grids[0].pk, "number": "9栋"}
    made = post(api_client_for(worker), "/api/v1/community/buildings", body)
    assert made.status_code == 201 and made.json()["community_id"] == world.jingkou.pk


def test_buildings_and_households_are_kept_from_another_village_and_a_leader(world):
    building = register.save_building(by=None, community=world.jingkou, number="5栋")
    for user in (world.dave, world.leo):
        api = api_client_for(user)
        refused = post(api, "/api/v1/community/buildings", {"place_id": world.jingkou.pk, "number": "6栋"})
        assert refused.status_code in REFUSED and "迳口" not in refused.content.decode()
        refused = post(api, "/api/v1/community/households", {"building_id": building.pk, "room": "101"})
        assert refused.status_code in REFUSED and "5栋" not in refused.content.decode()
    assert Building.objects.count() == 1 and not Household.objects.exists()


def upload(rows) -> SimpleUploadedFile:
    return sheet(rows)


def test_the_register_is_imported_through_the_api_as_on_the_page(
    world,
    grids,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    api = api_client_for(world.carol)
    url = f"/api/v1/community/register-imports?place_id={world.jingkou.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post(url, {"file": upload(rows_of())})
    assert queued.status_code == 202, queued.content
    job = api.get(f"/api/v1/community/register-imports/{queued.json()['id']}").json()
    assert (job["status"], job["buildings"], job["households"], job["residents"]) == ("done", 1, 3, 6)
    assert AuditEntry.objects.filter(action="register.import_queued", actor=world.carol).count() == 1
    assert (
        api_client_for(world.dave).get(f"/api/v1/community/register-imports/{job['id']}").status_code == 404
    )


def test_a_refused_spreadsheet_is_not_kept_and_says_why(world, grids):  # noqa: F811
    api = api_client_for(world.carol)
    url = f"/api/v1/community/register-imports?place_id={world.jingkou.pk}"
    nothing = api.post(url, {})
    assert nothing.status_code == 422 and "必填" in str(nothing.json()["detail"])
    junk = SimpleUploadedFile("住户.xlsx", b"not a spreadsheet", content_type="application/octet-stream")
    refused = api.post(url, {"file": junk})
    assert refused.status_code == 422 and refused.json()["detail"]
    for user in (world.dave, world.leo):
        assert api_client_for(user).post(url, {"file": upload(rows_of())}).status_code in REFUSED
    assert not RegisterImport.objects.exists() and not Resident.objects.exists()


def test_the_register_is_exported_masked_and_revealed_only_with_an_audit_entry(world, grids):  # noqa: F811
    register.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    api = api_client_for(world.carol)
    url = f"/api/v1/community/register/export?place_id={world.jingkou.pk}"
    masked = api.get(url)
    assert masked.status_code == 200 and masked["Content-Type"].startswith("application/vnd.openxmlformats")
    assert api.get(url + "&reveal=true").status_code == 200
    assert AuditEntry.objects.filter(action="register.export", after__revealed=True).count() == 1
    leo = api_client_for(world.leo).get(url + "&reveal=true")  # a leader reads, masked
    assert leo.status_code == 200
    assert AuditEntry.objects.filter(action="register.export", after__revealed=True).count() == 1
    assert api_client_for(world.dave).get(url).status_code == 404


def test_a_gate_and_a_guards_shift_are_added(world):
    api = api_client_for(world.carol)
    gate = post(api, "/api/v1/community/gates", {"place_id": world.jingkou.pk, "name": "东门"})
    assert (
        gate.status_code == 201
        and post(api, "/api/v1/community/gates", {"place_id": world.jingkou.pk, "name": "东门"}).status_code
        == 422
    )
    start = timezone.now().replace(microsecond=0)
    shift = {
        "guard_id": world.carol.pk,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=8)).isoformat(),
    }
    url = f"/api/v1/community/gates/{gate.json()['id']}/shifts"
    made = post(api, url, shift, HTTP_IDEMPOTENCY_KEY="shift-key-1")
    assert (
        made.status_code == 201
        and post(api, url, shift, HTTP_IDEMPOTENCY_KEY="shift-key-1").json() == made.json()
    )
    assert post(api, url, shift).status_code == 422  # on two shifts at once
    too_long = {**shift, "end": (start + timedelta(hours=30)).isoformat()}
    assert post(api, url, too_long).status_code == 422
    assert post(api, url, {**shift, "guard_id": world.erin.pk}).status_code == 422  # not of this community
    assert GuardShift.objects.count() == 1
    assert AuditEntry.objects.filter(action="gate.create", actor=world.carol).count() == 1
    for user in (world.dave, world.leo):
        other = api_client_for(user)
        refused = post(other, "/api/v1/community/gates", {"place_id": world.jingkou.pk, "name": "西门"})
        assert refused.status_code in REFUSED and "迳口" not in refused.content.decode()
        assert post(other, url, shift).status_code in REFUSED
    assert Gate.objects.count() == 1 and GuardShift.objects.count() == 1


@pytest.fixture
def households(world):
    building = register.save_building(by=None, community=world.jingkou, number="1栋")
    return [
        register.save_household(by=None, building=building, room=str(room), phone=f"139000{room:05d}")
        for room in (101, 102)
    ]


def test_a_screening_round_is_started_its_numbers_revealed_and_closed(world, households):
    api = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "name": "第一轮排查", "script": "您好，家里有人发热吗？",
            "caller_ids": [world.carol.pk]}  # fmt: skip
    assert (
        post(api, "/api/v1/community/screening-rounds", {**body, "caller_ids": [world.erin.pk]}).status_code
        == 422
    )
    assert not ScreeningRound.objects.exists()
    for user in (world.dave, world.leo):
        refused = post(api_client_for(user), "/api/v1/community/screening-rounds", body)
        assert refused.status_code in REFUSED and not ScreeningRound.objects.exists()
    started = post(api, "/api/v1/community/screening-rounds", body, HTTP_IDEMPOTENCY_KEY="round-key-1")
    assert (
        started.status_code == 201
        and post(api, "/api/v1/community/screening-rounds", body, HTTP_IDEMPOTENCY_KEY="round-key-1").json()
        == started.json()
    )
    assert ScreeningRound.objects.count() == 1
    call = api.get("/api/v1/community/screening-calls").json()["items"][0]
    shown = post(api, f"/api/v1/community/screening-calls/{call['id']}/number")
    assert shown.status_code == 200 and "139000" in shown.json()["number"]
    assert AuditEntry.objects.filter(action="screening.reveal_number", actor=world.carol).count() == 1
    hidden = post(api_client_for(world.dave), f"/api/v1/community/screening-calls/{call['id']}/number")
    assert hidden.status_code == 404 and "139000" not in hidden.content.decode()
    assert AuditEntry.objects.filter(action="screening.reveal_number").count() == 1
    url = f"/api/v1/community/screening-rounds/{started.json()['id']}/close"
    assert post(api_client_for(world.leo), url).status_code in REFUSED
    closed = post(api, url)
    assert closed.status_code == 200 and closed.json()["closed"] is True


def test_a_request_is_given_to_a_volunteer_and_standard_answers_are_kept(world, households):
    from qunfang.mobilization.services import add_volunteer
    from qunfang.registry.synthetic import synthetic_id

    taken = requests.take_request(by=None, community=world.jingkou, channel="phone", category="supplies",
                                  text="需要买米", household=households[0])  # fmt: skip
    volunteer = add_volunteer(by=None, place=world.jingkou, name="志愿者小张", phone="13800000009",
                              id_number=synthetic_id("441803", 9))  # fmt: skip
    api = api_client_for(world.carol)
    url = f"/api/v1/community/requests/{taken.pk}/assign"
    assert post(api, url, {}).status_code == 422  # nobody chosen
    assert post(api, url, {"person_id": world.erin.pk}).status_code == 422
    for user in (world.dave, world.leo):
        assert post(api_client_for(user), url, {"volunteer_id": volunteer.pk}).status_code in REFUSED
    given = post(api, url, {"volunteer_id": volunteer.pk})
    assert given.status_code == 200 and given.json()["volunteer_id"] == volunteer.pk
    assert given.json()["status"] == "assigned"
    assert AuditEntry.objects.filter(action="request.assign", actor=world.carol).count() == 1
    body = {"place_id": world.jingkou.pk, "category": "supplies", "question": "隔离户如何买菜？",
            "answer": "由社区志愿者代购。"}  # fmt: skip
    made = post(api, "/api/v1/community/standard-answers", body, HTTP_IDEMPOTENCY_KEY="answer-1")
    assert post(api, "/api/v1/community/standard-answers", body, HTTP_IDEMPOTENCY_KEY="answer-1").json() == (
        made.json()
    )
    assert made.status_code == 201 and StandardAnswer.objects.count() == 1
    assert (
        post(api, "/api/v1/community/standard-answers", {**body, "category": "nonsense"}).status_code == 422
    )
    edit = f"/api/v1/community/standard-answers/{made.json()['id']}"
    changed = api.put(edit, {**body, "answer": "志愿者代购并送到门口。"}, content_type=JSON)
    assert changed.status_code == 200 and StandardAnswer.objects.get().answer == "志愿者代购并送到门口。"
    for user in (world.dave, world.leo):
        refused = api_client_for(user).put(edit, body, content_type=JSON)
        assert refused.status_code in REFUSED and "隔离户" not in refused.content.decode()
        assert post(api_client_for(user), "/api/v1/community/standard-answers", body).status_code in REFUSED
    assert StandardAnswer.objects.count() == 1
    assert AuditEntry.objects.filter(action="answer.save", actor=world.carol).count() == 2


def test_a_merchants_staff_is_added_phone_masked(world):
    merchant = merchants.save_merchant(by=None, community=world.jingkou, name="迳口超市")
    api = api_client_for(world.carol)
    url = f"/api/v1/community/merchants/{merchant.pk}/staff"
    added = post(api, url, {"name": "店员小王", "job": "收银", "phone": "13700000001"})
    assert added.status_code == 201 and added.json()["phone"] == "137****0001"
    assert AuditEntry.objects.filter(action="merchant.staff", actor=world.carol).count() == 1
    assert post(api, url, {"name": " "}).status_code == 422
    for user in (world.dave, world.leo):
        refused = post(api_client_for(user), url, {"name": "某人"})
        assert refused.status_code in REFUSED and "超市" not in refused.content.decode()
    assert MerchantStaff.objects.count() == 1
