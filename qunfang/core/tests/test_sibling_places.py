"""Every page and every API operation, walked as a user of a sibling place: nothing of the other place
is returned or changed. New URLs and endpoints are walked without anyone listing them: every app's
records at the other place (its `testing.records_at`, qunfang/testing/records.py) name the ids to aim
at, and a URL parameter no app makes a record for fails here."""

import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qunfang.core import services
from qunfang.core.access import PUBLIC, SIGNED_IN
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.portal.access import VETERAN
from qunfang.testing.clients import client_for
from qunfang.testing.records import records_at
from qunfang.testing.walks import changed_since, fill_route, page_routes, route_ids, snapshot


@dataclass
class Target:
    """The other place and things that belong to it, which the intruder must never reach."""

    place: OrgUnit
    user: User
    ids: dict  # every app's records at the place, by the route parameter names that address them
    markers: list[str]


def assert_hidden(response, target: Target, where: str) -> None:
    text = response.content.decode(errors="replace")
    for marker in target.markers:
        if marker.isdigit():
            # A figure on its own, not digits inside a time stamp or a token ("…46.432179", "a4321b").
            shown = re.search(rf"(?<![0-9A-Za-z.]){marker}(?![0-9A-Za-z])", text)
        else:
            shown = marker in text
        assert not shown, f"{where} shows {marker!r} of the other place"


def make_target(place: OrgUnit, user: User, markers: list[str]) -> Target:
    ids = route_ids(records_at(place, by=user, text="邻居志愿者"))
    # The sign-up page is public by design; what an intruder cannot do is make another place's token.
    ids["token"] = f"{place.pk}:forged-signature"
    # Every record carries the text; 4321 is the day's people reached and the report's fever count.
    return Target(place=place, user=user, ids=ids, markers=[*markers, "邻居志愿者", "4321"])


@pytest.fixture(
    params=[
        "village clerk next door",
        pytest.param(
            "admin of another district",
            marks=pytest.mark.sqlite_pass(
                "the walk sends the same requests through the same scope checks for either intruder; on "
                "PostgreSQL the village clerk next door, the narrower sibling, walks it"
            ),
        ),
    ]
)
def pair(request, world):
    if request.param == "village clerk next door":
        return world.dave, make_target(world.jingkou, world.carol, ["迳口村", "谢卡萝", "carol"])
    return world.erin, make_target(
        world.qingxin, world.alice, ["清新区", "龙颈镇", "迳口村", "艾丽丝", "alice"]
    )


def test_every_page_declares_who_may_open_it():
    undeclared = [route for route, view in page_routes() if not getattr(view, "access_rule", None)]
    assert undeclared == []


def test_pages_of_the_other_place_answer_404_or_403_and_change_nothing(pair):
    intruder, target = pair
    before = snapshot()
    walked = 0
    for route, view in page_routes():
        if getattr(view, "access_rule", None) == VETERAN:
            continue  # a veteran's own page: the veteran walk's (portal/tests/test_veteran_walk.py)
        url = fill_route(route, target.ids)
        client = client_for(intruder)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url}"
            if url != route:  # the URL names an object of the other place
                allowed = {403, 404} if method == "post" else {403, 404, 405}
                assert response.status_code in allowed, f"{where} answered {response.status_code}"
            else:
                assert response.status_code < 500, where
                assert_hidden(response, target, where)
        walked += 1
    assert walked >= 20
    assert changed_since(before) == []


def example_body(operation: dict, spec: dict, target: Target) -> dict | None:
    """A request body that aims every id it can at the other place, with plausible other values, so
    that the request passes validation and reaches the scope check."""
    kinds = operation.get("requestBody", {}).get("content", {})
    content = kinds.get("application/json") or kinds.get("multipart/form-data")  # an upload's fields
    if not content:
        return None

    def resolve(schema):
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
        either = schema.get("anyOf") or schema.get("allOf")
        return resolve(either[0]) if either else schema

    def example(schema, name=""):
        schema = resolve(schema)
        if name in target.ids:
            return target.ids[name]
        if "enum" in schema:
            return schema["enum"][-1]
        kind = schema.get("type")
        if kind == "object":  # the required fields and every id; the rest keep their defaults
            wanted = set(schema.get("required", [])) | set(target.ids)
            return {key: example(p, key) for key, p in schema.get("properties", {}).items() if key in wanted}
        if kind == "array":
            return [example(schema.get("items", {}))]
        if kind == "integer":
            return schema.get("minimum", 1)
        if kind == "number":
            return 36.5
        if kind == "boolean":
            return False
        if schema.get("format") == "date":
            return "2020-01-25"
        if schema.get("format") == "date-time":
            return (timezone.now() + timedelta(days=1)).isoformat()
        if schema.get("format") == "uuid":
            return "00000000-0000-4000-8000-000000000000"
        if name == "type":  # an activity type's code
            return "door_to_door"
        if "pattern" in schema:  # a code of letters and digits (a data set's, a field's)
            return "intruder"
        return "入侵者入侵者入侵者"[: schema.get("maxLength", 9)]

    return example(content["schema"])


def example_upload(operation: dict) -> dict | None:
    """A small file for every file an upload (multipart) operation asks for, so that the request reaches
    the scope check rather than stopping at a missing file."""
    content = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if not content:
        return None
    fields = content["schema"].get("properties", {}).items()
    return {
        name: SimpleUploadedFile(f"{name}.csv", b"name\n")
        for name, field in fields
        if field.get("format") == "binary"
    }


# Operations on the caller's own account, which belongs to no place: nothing of the other place to aim
# at (core/tests/test_api.py tests them).
OWN_ACCOUNT = {("post", "/api/v1/tokens")}
# A veteran's own operations, which refuse every staff token: the veteran walk's (portal/tests).
VETERANS_API = "/api/v1/my/"


def example_query(operation: dict, target: Target) -> tuple[str, bool]:
    """The query string: ids aimed at the other place, a plausible value for every other required
    parameter; and whether anything was aimed."""
    values, aimed = {}, False
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] != "query":
            continue
        if name in target.ids:
            values[name], aimed = target.ids[name], True
        elif parameter.get("required"):
            values[name] = "2020-01-25" if schema.get("format") == "date" else "1"
    return ("?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else ""), aimed


def test_api_operations_on_the_other_place_answer_404_or_403_and_change_nothing(pair):
    intruder, target = pair
    _token, raw = services.issue_token(by=intruder, name="walker")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    spec = client.get("/api/v1/openapi.json").json()
    before = snapshot()
    walked = 0
    for path, operations in spec["paths"].items():
        url = fill_route(re.sub(r"\{(\w+)\}", r"<\1>", path), target.ids)
        for method, operation in operations.items():
            if (method, path) in OWN_ACCOUNT or path.startswith(VETERANS_API):
                continue
            body, upload = example_body(operation, spec, target), example_upload(operation)
            kwargs = (
                {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
            )
            if upload is not None:  # an upload's fields and its files, in the test client's default encoding
                kwargs = {"data": {**(body or {}), **upload}}
            query, aimed = example_query(operation, target)
            response = getattr(client, method)(url + query, **kwargs)
            where = f"{method.upper()} {url}{query}"
            if "{" in path or method != "get":
                assert response.status_code in {403, 404}, f"{where} answered {response.status_code}"
            else:  # a list filtered by the other place's id may answer, but with nothing of it
                assert response.status_code in ({200, 403, 404} if aimed else {200}), where
                assert_hidden(response, target, where)
            walked += 1
    assert walked >= 8
    assert changed_since(before) == []


def test_the_operator_admin_is_closed_to_every_bureau_role(world):
    response = client_for(world.alice).get("/operator/core/orgunit/")
    assert response.status_code == 302 and "/operator/login/" in response["Location"]


def test_a_scope_reaches_its_subtree_and_not_the_sibling(world):
    from qunfang.core.access import Scope

    scope = Scope.for_user(world.bob)
    visible = set(OrgUnit.objects.visible_to(scope).values_list("name", flat=True))
    assert visible == {"龙颈镇", "迳口村", "南坑村", "迳口村第一网格"}
    assert not scope.allows(Capability.MANAGE_PLACES, world.jingkou)
    assert scope.allows(Capability.EDIT_STATION, world.jingkou)
    assert PUBLIC != SIGNED_IN


def test_odd_ids_and_search_text_get_404_or_an_empty_answer_never_a_server_error(world, as_user):
    client = as_user(world.alice)
    for url in [
        "/places/99999999999999999999999/",
        "/users/99999999999999999999999/",
        "/audit/?place=99999999999999999999999",
        "/audit/?place=abc",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/places/", {"q": "a\x00b"}).status_code == 200
    assert client.get("/users/", {"q": "a\x00b"}).status_code == 200
    assert client.get("/audit/", {"actor": "a\x00b"}).status_code == 200
