"""The JSON API: tokens, the OpenAPI document, the same scoping and rules as the pages."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qunfang.core import services
from qunfang.core.models import AccessToken, AuditEntry, ImportJob, Membership, OrgUnit, User
from qunfang.testing.clients import api_client_for


def api_client(user) -> Client:
    _token, raw = services.issue_token(by=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_openapi_document_lists_the_operations(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/places" in spec["paths"] and "/api/v1/audit" in spec["paths"]


def test_every_schema_and_choice_has_its_own_name_in_the_openapi_document():
    # Two schemas (or choices) of one name share one entry in the document: clients would read the
    # wrong shape, or the wrong list of values.
    from django.db.models import TextChoices
    from ninja import Schema

    import qunfang.api  # noqa: F401  (every router's schemas)

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    ours = [
        cls
        for base in (Schema, TextChoices)
        for cls in all_subclasses(base)
        if cls.__module__.startswith("qunfang.")
    ]
    # Choices nested in a model (ImportJob.Status) stay out of the API; a top-level one may be in it.
    names = [cls.__qualname__ for cls in ours]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_a_token_is_stored_hashed_and_works_until_revoked(world):
    token, raw = services.issue_token(by=world.carol, name="村里的表格")
    assert raw not in json.dumps(list(AccessToken.objects.values()), default=str)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    me = client.get("/api/v1/me").json()
    assert me["username"] == "carol" and me["memberships"][0]["place_name"] == "迳口村"
    services.revoke_token(by=world.carol, token=token)
    assert client.get("/api/v1/me").status_code == 401


def test_a_request_without_credentials_is_refused(db):
    assert Client().get("/api/v1/places").status_code == 401


def test_places_are_listed_within_scope_and_paginated(world):
    body = api_client(world.bob).get("/api/v1/places", {"limit": 2}).json()
    assert body["count"] == 4 and len(body["items"]) == 2


def test_an_admin_creates_and_moves_a_place_through_the_api_with_an_audit_entry(world):
    client = api_client(world.alice)
    created = post_json(
        client,
        "/api/v1/places",
        {"parent_id": world.longjing.pk, "name": "新村", "level": "village", "code": "441803112299"},
    )
    assert created.status_code == 201, created.content
    place_id = created.json()["id"]
    moved = post_json(client, f"/api/v1/places/{place_id}/move", {"parent_id": world.qingxin.pk})
    assert moved.status_code == 200 and moved.json()["parent_id"] == world.qingxin.pk  # levels may be skipped
    cycle = post_json(client, f"/api/v1/places/{world.longjing.pk}/move", {"parent_id": world.jingkou.pk})
    assert cycle.status_code == 422
    entry = AuditEntry.objects.filter(action="place.create").latest("id")
    assert entry.channel == "api" and entry.actor == world.alice


def test_a_colliding_code_is_a_422_with_a_message_in_the_clients_language(world):
    client = api_client(world.alice)
    body = {"parent_id": world.longjing.pk, "name": "重复", "level": "village", "code": "441803112201"}
    response = client.post(
        "/api/v1/places",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422 and "已被使用" in response.json()["detail"][0]
    assert not OrgUnit.objects.filter(name="重复").exists()


def test_station_staff_patch_station_facts_but_not_the_name(world):
    client = api_client(world.carol)
    ok = post_json(client, f"/api/v1/places/{world.jingkou.pk}", {"hall_status": "online_only"}, "patch")
    assert ok.status_code == 200 and ok.json()["hall_status"] == "online_only"
    renamed = post_json(client, f"/api/v1/places/{world.jingkou.pk}", {"name": "改名"}, "patch")
    assert renamed.status_code == 404
    assert OrgUnit.objects.get(pk=world.jingkou.pk).name == "迳口村"


def test_the_health_check_answers_without_signing_in(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_text_with_a_nul_character_is_refused_not_a_server_error(world):
    client = api_client(world.alice)
    response = post_json(client, f"/api/v1/places/{world.jingkou.pk}", {"address": "村委\x00会"}, "patch")
    assert response.status_code == 422
    assert client.get("/api/v1/places", {"q": "a\x00b"}).status_code == 422


# --- building a district through the API: places, people, roles, tokens, imports ------------------------


def test_the_operator_plants_a_new_tree_and_its_first_admin_and_nobody_else_may(world):
    operator = User.objects.create_superuser("operator", password="Op3rator-pass-1")
    created = post_json(api_client_for(operator), "/api/v1/places", {"name": "湖南省", "level": "province"})
    assert created.status_code == 201 and created.json()["parent_id"] is None
    assert AuditEntry.objects.get(action="place.create", actor=operator).channel == "api"
    first = {"username": "hunan", "password": "Hunan-admin-2020!", "role": "bureau_admin"}
    province = created.json()["id"]
    made = post_json(api_client_for(operator), f"/api/v1/places/{province}/users", first)
    assert made.status_code == 201, made.content
    admin = api_client_for(User.objects.get(username="hunan"))
    city = post_json(admin, "/api/v1/places", {"parent_id": province, "name": "长沙市", "level": "city"})
    assert city.status_code == 201  # from here on the tree's own admin builds it
    below = post_json(api_client_for(operator), f"/api/v1/places/{city.json()['id']}/users", first)
    assert below.status_code == 404  # below the top, accounts are the tree's admins' to make
    refused = post_json(api_client_for(world.alice), "/api/v1/places", {"name": "新省", "level": "province"})
    assert refused.status_code == 403 and not OrgUnit.objects.filter(name="新省").exists()


def test_an_admin_makes_an_account_and_gives_it_a_role_as_the_pages_do(world):
    client = api_client_for(world.alice)
    body = {"username": "xiaoli", "full_name": "小李", "password": "Xiao-li-2020!", "role": "station_staff"}
    made = post_json(client, f"/api/v1/places/{world.jingkou.pk}/users", body)
    assert made.status_code == 201, made.content
    user = User.objects.get(username="xiaoli")
    assert user.check_password("Xiao-li-2020!") and "password" not in made.json()
    assert {e.action for e in AuditEntry.objects.filter(actor=world.alice, channel="api")} == {
        "user.create",
        "membership.add",
    }
    role = post_json(
        client,
        f"/api/v1/places/{world.nankeng.pk}/memberships",
        {"username": "XiaoLi", "role": "grid_worker"},
    )
    assert role.status_code == 201 and role.json()["user_id"] == user.pk
    listed = client.get(f"/api/v1/places/{world.nankeng.pk}/memberships").json()["items"]
    assert {(m["user_id"], m["role"]) for m in listed} >= {(user.pk, "grid_worker")}
    removed = client.delete(f"/api/v1/memberships/{role.json()['id']}")
    assert removed.status_code == 204
    assert not Membership.objects.filter(user=user, place=world.nankeng).exists()
    assert AuditEntry.objects.filter(action="membership.remove", channel="api").exists()


def test_an_account_sent_twice_with_one_idempotency_key_is_made_once(world):
    client = api_client_for(world.alice)
    body = {"username": "xiaowang", "password": "Xiao-wang-2020!", "role": "station_staff"}
    url = f"/api/v1/places/{world.jingkou.pk}/users"
    first = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-123456"
    )
    again = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-123456"
    )
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert User.objects.filter(username="xiaowang").count() == 1
    assert AuditEntry.objects.filter(action="user.create", target_label__contains="xiaowang").count() == 1


def test_a_bad_account_is_refused_with_the_reason_and_nothing_is_written(world):
    client = api_client_for(world.alice)
    before = AuditEntry.objects.count()
    weak = {"username": "weak", "password": "123", "role": "station_staff"}
    response = post_json(client, f"/api/v1/places/{world.jingkou.pk}/users", weak)
    assert response.status_code == 422 and response.json()["detail"]
    taken = post_json(client, f"/api/v1/places/{world.jingkou.pk}/users", {**weak, "username": "carol"})
    assert taken.status_code == 422 and "carol" in str(taken.json()["detail"])
    no_role = {"username": "carol", "role": "mayor"}
    assert post_json(client, f"/api/v1/places/{world.nankeng.pk}/memberships", no_role).status_code == 422
    assert not User.objects.filter(username="weak").exists() and AuditEntry.objects.count() == before


def test_people_of_another_district_are_neither_reached_nor_hinted_at(world):
    client = api_client_for(world.erin)
    body = {"username": "spy", "password": "Spy-pass-2020!", "role": "station_staff"}
    assert post_json(client, f"/api/v1/places/{world.jingkou.pk}/users", body).status_code == 404
    assert post_json(client, f"/api/v1/users/{world.carol.pk}/active", {"active": False}).status_code == 404
    assert (
        post_json(
            client, f"/api/v1/users/{world.carol.pk}/password", {"password": "Xx-2020-pass!"}
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/users/{world.carol.pk}/second-factor/reset").status_code == 404
    membership = world.carol.memberships.get()
    assert client.delete(f"/api/v1/memberships/{membership.pk}").status_code == 404
    # Someone else's account answers as a name nobody has.
    theirs = post_json(
        client, f"/api/v1/places/{world.hunnan.pk}/memberships", {"username": "carol", "role": "volunteer"}
    )
    nobody = post_json(
        client, f"/api/v1/places/{world.hunnan.pk}/memberships", {"username": "nobody", "role": "volunteer"}
    )
    assert theirs.status_code == nobody.status_code == 422 and theirs.json() == nobody.json()
    assert world.carol.memberships.count() == 1 and User.objects.get(pk=world.carol.pk).is_active


def test_an_admin_stops_an_account_sets_its_password_and_resets_its_second_factor(world):
    client = api_client_for(world.alice)
    carols = api_client_for(world.carol)
    stopped = post_json(client, f"/api/v1/users/{world.carol.pk}/active", {"active": False})
    assert stopped.status_code == 200 and stopped.json()["is_active"] is False
    assert carols.get("/api/v1/me").status_code == 401  # her tokens ended with it
    assert post_json(client, f"/api/v1/users/{world.carol.pk}/active", {"active": True}).json()["is_active"]
    password = post_json(client, f"/api/v1/users/{world.carol.pk}/password", {"password": "New-carol-2020!"})
    assert password.status_code == 204 and User.objects.get(pk=world.carol.pk).check_password(
        "New-carol-2020!"
    )
    assert post_json(client, f"/api/v1/users/{world.carol.pk}/password", {"password": "1"}).status_code == 422
    assert client.post(f"/api/v1/users/{world.carol.pk}/second-factor/reset").status_code == 204
    actions = set(
        AuditEntry.objects.filter(actor=world.alice, channel="api").values_list("action", flat=True)
    )
    assert {"user.deactivate", "user.activate", "user.set_password", "user.reset_second_factor"} <= actions


def test_nobody_switches_off_their_own_account_or_removes_their_own_role(world):
    client = api_client_for(world.alice)
    own = post_json(client, f"/api/v1/users/{world.alice.pk}/active", {"active": False})
    assert own.status_code == 422 and User.objects.get(pk=world.alice.pk).is_active
    membership = world.alice.memberships.get()
    assert client.delete(f"/api/v1/memberships/{membership.pk}").status_code == 422
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_station_staff_may_not_manage_people(world):
    client = api_client_for(world.bob)
    assert post_json(client, f"/api/v1/users/{world.carol.pk}/active", {"active": False}).status_code == 404
    body = {"username": "bobs", "password": "Bobs-pass-2020!", "role": "volunteer"}
    assert post_json(client, f"/api/v1/places/{world.jingkou.pk}/users", body).status_code == 404


def test_ones_own_tokens_are_issued_listed_and_revoked_through_the_api(world):
    client = api_client_for(world.carol)
    issued = post_json(client, "/api/v1/tokens", {"name": "村里的脚本"})
    assert issued.status_code == 201 and issued.json()["token"].startswith("qf_")
    script = Client(HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    assert script.get("/api/v1/me").json()["username"] == "carol"
    listed = client.get("/api/v1/tokens").json()["items"]
    assert "村里的脚本" in {t["name"] for t in listed} and all("token" not in t for t in listed)
    assert post_json(client, "/api/v1/tokens", {"name": " "}).status_code == 422
    others = api_client_for(world.dave)
    assert others.delete(f"/api/v1/tokens/{issued.json()['id']}").status_code == 404
    assert client.delete(f"/api/v1/tokens/{issued.json()['id']}").status_code == 204
    assert script.get("/api/v1/me").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", actor=world.carol, channel="api").exists()


def test_a_file_of_places_is_imported_through_the_api_as_on_the_page(world):
    client = api_client_for(world.alice)
    rows = "code,name,parent_code,level,station_kind,address,phone,hall_status\n,新屋村,,村,,,,\n"
    file = SimpleUploadedFile("places.csv", rows.encode(), content_type="text/csv")
    queued = client.post(f"/api/v1/places/{world.longjing.pk}/import", {"file": file})
    assert queued.status_code == 202, queued.content
    job = client.get(f"/api/v1/imports/{queued.json()['id']}").json()
    assert job["status"] == "done" and job["created_count"] == 1  # the task runs at once in tests
    assert OrgUnit.objects.get(name="新屋村").parent == world.longjing
    assert AuditEntry.objects.filter(action="place.import_queued", channel="api").exists()
    bad = client.post(
        f"/api/v1/places/{world.longjing.pk}/import", {"file": SimpleUploadedFile("x.csv", b"")}
    )
    assert bad.status_code == 422 and bad.json()["detail"]
    assert ImportJob.objects.count() == 1
    theirs = api_client_for(world.erin).post(f"/api/v1/places/{world.longjing.pk}/import", {"file": file})
    assert theirs.status_code == 404
    assert api_client_for(world.erin).get(f"/api/v1/imports/{queued.json()['id']}").status_code == 404
