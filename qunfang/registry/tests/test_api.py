"""The roll's API twins of its pages: reveals (audited), families, and a spreadsheet roll brought in
through upload, column matching, dry run and import, with the pages' scoping and refusals."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qunfang.core.models import AuditEntry
from qunfang.registry import services
from qunfang.registry.models import FamilyMember, RollImport, Veteran
from qunfang.registry.tests.test_roll_import import good_rows, xlsx_upload
from qunfang.testing.clients import api_client_for
from qunfang.testing.world import SAMPLE_ID

PHONE = "13800138000"
SPOUSE_ID = "441803199203046225"


@pytest.fixture
def veteran(world):
    return services.create_veteran(
        by=None, place=world.jingkou, name="李老兵", id_number=SAMPLE_ID, phone=PHONE
    )


def post_json(client, url, body, method="post", **headers):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


def test_a_reveal_answers_the_full_value_once_with_its_audit_entry(world, veteran):
    client = api_client_for(world.carol)
    revealed = post_json(client, f"/api/v1/veterans/{veteran.pk}/reveal", {"field": "id_number"})
    assert revealed.status_code == 200 and revealed.json() == {"field": "id_number", "value": SAMPLE_ID}
    entry = AuditEntry.objects.get(action="veteran.reveal")
    assert entry.actor == world.carol and entry.channel == "api" and entry.after == {"field": "id_number"}
    assert SAMPLE_ID not in client.get(f"/api/v1/veterans/{veteran.pk}").content.decode()
    assert post_json(client, f"/api/v1/veterans/{veteran.pk}/reveal", {"field": "name"}).status_code == 422


def test_a_reveal_is_refused_next_door_and_to_a_leader(world, veteran):
    for user in (world.dave, world.erin, world.leo):
        response = post_json(
            api_client_for(user), f"/api/v1/veterans/{veteran.pk}/reveal", {"field": "phone"}
        )
        assert response.status_code == 404 and PHONE not in response.content.decode()
    assert not AuditEntry.objects.filter(action="veteran.reveal").exists()


def test_a_family_is_kept_through_the_api_masked_as_on_the_page(world, veteran):
    client = api_client_for(world.carol)
    body = {"relation": "spouse", "name": "王家属", "id_number": SPOUSE_ID, "phone": "13900139000"}
    added = post_json(client, f"/api/v1/veterans/{veteran.pk}/family", body)
    assert added.status_code == 201, added.content
    member = added.json()
    assert member["id_number"] == "4418**********6225" and SPOUSE_ID not in added.content.decode()
    listed = client.get(f"/api/v1/veterans/{veteran.pk}/family").json()
    assert [m["name"] for m in listed] == ["王家属"]
    changed = post_json(client, f"/api/v1/family/{member['id']}", {"name": "王家属甲"}, "patch")
    assert changed.status_code == 200 and changed.json()["id_number"] == member["id_number"]  # kept
    revealed = post_json(client, f"/api/v1/family/{member['id']}/reveal", {"field": "id_number"})
    assert revealed.json()["value"] == SPOUSE_ID
    assert client.delete(f"/api/v1/family/{member['id']}").status_code == 204
    assert not FamilyMember.objects.exists()
    actions = list(AuditEntry.objects.filter(channel="api").order_by("pk").values_list("action", flat=True))
    assert actions == [
        "veteran.family_add",
        "veteran.family_update",
        "veteran.reveal",
        "veteran.family_remove",
    ]


def test_a_bad_family_member_is_refused_with_the_reason_and_nothing_is_written(world, veteran):
    client = api_client_for(world.carol)
    bad = {"relation": "spouse", "name": "王家属", "id_number": "123"}
    response = post_json(client, f"/api/v1/veterans/{veteran.pk}/family", bad)
    assert response.status_code == 422 and response.json()["detail"]
    assert not FamilyMember.objects.exists() and not AuditEntry.objects.filter(channel="api").exists()


def test_families_next_door_are_not_reached_and_a_leader_only_reads(world, veteran):
    member = services.add_family_member(by=None, veteran=veteran, relation="child", name="李小")
    body = {"relation": "spouse", "name": "外人"}
    for user in (world.dave, world.erin):
        client = api_client_for(user)
        assert client.get(f"/api/v1/veterans/{veteran.pk}/family").status_code == 404
        assert post_json(client, f"/api/v1/veterans/{veteran.pk}/family", body).status_code == 404
        assert post_json(client, f"/api/v1/family/{member.pk}", {"name": "改"}, "patch").status_code == 404
        assert client.delete(f"/api/v1/family/{member.pk}").status_code == 404
    leader = api_client_for(world.leo)
    assert [m["name"] for m in leader.get(f"/api/v1/veterans/{veteran.pk}/family").json()] == ["李小"]
    assert post_json(leader, f"/api/v1/veterans/{veteran.pk}/family", body).status_code == 404
    assert FamilyMember.objects.get().name == "李小"


def test_a_roll_is_uploaded_matched_checked_and_imported_through_the_api(world):
    client = api_client_for(world.bob)
    uploaded = client.post(
        f"/api/v1/places/{world.longjing.pk}/roll-imports", {"file": xlsx_upload(good_rows(world, 4))}
    )
    assert uploaded.status_code == 201, uploaded.content
    job = uploaded.json()
    assert job["status"] == "uploaded" and "身份证号" in job["headings"] and "id_number" in job["mapping"]
    checked = post_json(client, f"/api/v1/roll-imports/{job['id']}/check", {"mapping": job["mapping"]})
    assert checked.status_code == 202
    seen = client.get(f"/api/v1/roll-imports/{job['id']}").json()  # the dry run ran at once in tests
    assert (seen["status"], seen["new_count"], seen["errors"]) == ("checked", 4, [])
    assert not Veteran.objects.exists()
    confirmed = post_json(client, f"/api/v1/roll-imports/{job['id']}/confirm", {})
    assert confirmed.status_code == 202
    assert client.get(f"/api/v1/roll-imports/{job['id']}").json()["status"] == "done"
    assert Veteran.objects.count() == 4
    actions = set(AuditEntry.objects.filter(channel="api").values_list("action", flat=True))
    assert {"veteran.import_uploaded", "veteran.import_check", "veteran.import_confirm"} <= actions


def test_a_confirm_sent_twice_with_one_idempotency_key_imports_once(world):
    client = api_client_for(world.bob)
    uploaded = client.post(
        f"/api/v1/places/{world.longjing.pk}/roll-imports", {"file": xlsx_upload(good_rows(world, 2))}
    ).json()
    post_json(client, f"/api/v1/roll-imports/{uploaded['id']}/check", {"mapping": uploaded["mapping"]})
    url = f"/api/v1/roll-imports/{uploaded['id']}/confirm"
    first = post_json(client, url, {}, HTTP_IDEMPOTENCY_KEY="confirm-1234")
    again = post_json(client, url, {}, HTTP_IDEMPOTENCY_KEY="confirm-1234")
    assert first.status_code == again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    assert AuditEntry.objects.filter(action="veteran.import_confirm").count() == 1
    assert Veteran.objects.count() == 2


def test_a_bad_roll_or_bad_columns_are_refused_with_the_reason(world):
    client = api_client_for(world.bob)
    url = f"/api/v1/places/{world.longjing.pk}/roll-imports"
    empty = client.post(url, {"file": SimpleUploadedFile("empty.csv", b"")})
    assert empty.status_code == 422 and empty.json()["detail"] and not RollImport.objects.exists()
    job = client.post(url, {"file": xlsx_upload(good_rows(world, 2))}).json()
    unmatched = post_json(client, f"/api/v1/roll-imports/{job['id']}/check", {"mapping": {"phone": 4}})
    assert unmatched.status_code == 422 and unmatched.json()["detail"]
    early = post_json(client, f"/api/v1/roll-imports/{job['id']}/confirm", {})
    assert early.status_code == 422 and RollImport.objects.get().status == "uploaded"


def test_a_roll_import_next_door_is_not_reached_and_a_leader_may_not_bring_one_in(world):
    job = (
        api_client_for(world.carol)
        .post(f"/api/v1/places/{world.jingkou.pk}/roll-imports", {"file": xlsx_upload(good_rows(world, 1))})
        .json()
    )
    for user in (world.dave, world.erin, world.leo):
        client = api_client_for(user)
        assert client.get(f"/api/v1/roll-imports/{job['id']}").status_code == 404
        assert (
            post_json(client, f"/api/v1/roll-imports/{job['id']}/check", {"mapping": {}}).status_code == 404
        )
        assert post_json(client, f"/api/v1/roll-imports/{job['id']}/confirm", {}).status_code == 404
    leader = api_client_for(world.leo).post(
        f"/api/v1/places/{world.jingkou.pk}/roll-imports", {"file": xlsx_upload(good_rows(world, 1))}
    )
    assert leader.status_code == 404 and RollImport.objects.count() == 1
