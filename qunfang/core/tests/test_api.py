"""The JSON API: tokens, the OpenAPI document, the same scoping and rules as the pages."""

import json

from django.test import Client

from qunfang.core import services
from qunfang.core.models import AccessToken, AuditEntry, OrgUnit


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
