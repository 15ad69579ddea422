"""The veteran walk: a veteran signed in with their own phone aims every veteran's page and API
operation at another person's records (every app's `veteran_records`, portal/testing.py) and gets
404, nothing of that person shown and nothing changed. New pages under /my/ are walked without anyone
listing them; the staff's walks (core/tests/test_sibling_places.py) leave them to this one."""

import json
import re

from django.test import Client

from qunfang.core.tests.test_sibling_places import Target, assert_hidden, example_body
from qunfang.portal.access import VETERAN
from qunfang.portal.testing import veteran_records, visitor_client
from qunfang.registry import services as roll
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.walks import changed_since, fill_route, page_routes, snapshot

VICTIM_TEXT = "隔壁老兵的私事"


def _victim(world):
    victim = roll.create_veteran(
        by=None,
        place=world.jingkou,
        name="隔壁王伯",
        id_number=synthetic_id("441803", 21),
        phone="13700004444",
        address=VICTIM_TEXT,
    )
    ids = veteran_records(victim)
    return Target(place=world.jingkou, user=None, ids=ids, markers=["隔壁王伯", VICTIM_TEXT, "13700004444"])


def _intruder(world):
    intruder = roll.create_veteran(
        by=None,
        place=world.jingkou,
        name="本村李伯",
        id_number=synthetic_id("441803", 22),
        phone="13700005555",
    )
    veteran_records(intruder)  # their own records, so that their own pages have something to show
    return intruder


def veteran_routes():
    return [route for route, view in page_routes() if getattr(view, "access_rule", None) == VETERAN]


def test_a_veteran_reaches_no_page_of_another_person(world):
    target, intruder = _victim(world), _intruder(world)
    client = visitor_client(intruder)
    before = snapshot()
    walked = 0
    for route in veteran_routes():
        url = fill_route(route, target.ids)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url}"
            if url != route:
                assert response.status_code in {404, 405}, f"{where} answered {response.status_code}"
            else:
                assert response.status_code < 500, where
                assert_hidden(response, target, where)
        walked += 1
    assert walked >= 2
    assert changed_since(before) == []


def test_a_veteran_reaches_no_api_operation_on_another_person(world):
    target, intruder = _victim(world), _intruder(world)
    client = visitor_client(intruder)
    client.get("/my/sign-in/")
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    spec = client.get("/api/v1/openapi.json").json()
    before = snapshot()
    walked = 0
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/my/") or path in ("/api/v1/my/code", "/api/v1/my/sign-in"):
            continue
        if path == "/api/v1/my/sign-out":
            continue  # it would end the walk's own sign-in; test_sign_in tests it
        url = fill_route(re.sub(r"\{(\w+)\}", r"<\1>", path), target.ids)
        for method, operation in operations.items():
            body = example_body(operation, spec, target)
            kwargs = (
                {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
            )
            response = getattr(client, method)(url, **kwargs, **csrf)
            where = f"{method.upper()} {url}"
            if "{" in path:
                assert response.status_code == 404, f"{where} answered {response.status_code}"
            else:
                assert response.status_code < 500, where
                assert_hidden(response, target, where)
            walked += 1
    assert walked >= 2
    assert changed_since(before) == []


def test_every_veterans_operation_refuses_a_stranger_and_a_staff_token(world):
    from qunfang.core import services

    _token, raw = services.issue_token(by=world.alice, name="walker")
    for client in (Client(), Client(HTTP_AUTHORIZATION=f"Bearer {raw}")):
        spec = Client().get("/api/v1/openapi.json").json()
        for path, operations in spec["paths"].items():
            if not path.startswith("/api/v1/my/") or path in ("/api/v1/my/code", "/api/v1/my/sign-in"):
                continue
            url = re.sub(r"\{\w+\}", "1", path)
            for method in operations:
                assert getattr(client, method)(url).status_code == 401, f"{method.upper()} {url}"
