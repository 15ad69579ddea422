"""Every page and every API operation, walked as a user of a sibling place: nothing of the other place
is returned or changed. New URLs and endpoints are walked without anyone listing them; a new kind of
URL parameter fails here until it is taught which object of the other place to aim at."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qunfang.core import services
from qunfang.core.access import PUBLIC, SIGNED_IN
from qunfang.core.models import AccessToken, ImportJob, Membership, OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.messaging.models import Campaign, Message, Template
from qunfang.mobilization.models import (
    ActivityRecord,
    ActivityType,
    DailyTotal,
    Deed,
    Deployment,
    Photo,
    Team,
    Volunteer,
)
from qunfang.mobilization.services import Entry, record_day
from qunfang.operations.models import DutyShift
from qunfang.registry.models import FamilyMember, RollImport, Veteran
from qunfang.registry.services import add_family_member, create_veteran
from qunfang.reporting.models import DataField, DataSet, Report, ReportTally, ReportVersion
from qunfang.test import SAMPLE_ID, client_for, fill_route, page_routes, people_at


@dataclass
class Target:
    """The other place and things that belong to it, which the intruder must never reach."""

    place: OrgUnit
    user: User
    membership: Membership
    token: AccessToken
    job: ImportJob
    veteran: Veteran
    member: FamilyMember
    roll_import: RollImport
    record: ActivityRecord
    people: dict
    markers: list[str]


# URL parameter name -> the object of the other place to put there.
ROUTE_PARAMETERS: dict[str, Callable[[Target], int]] = {
    "place_id": lambda t: t.place.pk,
    "user_id": lambda t: t.user.pk,
    "membership_id": lambda t: t.membership.pk,
    "token_id": lambda t: t.token.pk,
    "job_id": lambda t: t.job.pk,
    "veteran_id": lambda t: t.veteran.pk,
    "member_id": lambda t: t.member.pk,
    "import_id": lambda t: t.roll_import.pk,
    "record_id": lambda t: t.record.pk,
    "parent_id": lambda t: t.place.pk,
    "volunteer_id": lambda t: t.people["volunteer_id"],
    "team_id": lambda t: t.people["team_id"],
    "deed_id": lambda t: t.people["deed_id"],
    "photo_id": lambda t: t.people["photo_id"],
    "report_id": lambda t: t.people["report_id"],
    "data_set_id": lambda t: t.people["data_set_id"],
    "campaign_id": lambda t: t.people["campaign_id"],
    "outside_campaign_id": lambda t: t.people["outside_campaign_id"],
    "message_id": lambda t: t.people["message_id"],
    "building_id": lambda t: t.people["building_id"],
    "register_import_id": lambda t: t.people["register_import_id"],
    "household_id": lambda t: t.people["household_id"],
    "resident_id": lambda t: t.people["resident_id"],
    "gate_id": lambda t: t.people["gate_id"],
    "round_id": lambda t: t.people["round_id"],
    "merchant_id": lambda t: t.people["merchant_id"],
    "staff_id": lambda t: t.people["staff_id"],
    "donation_id": lambda t: t.people["donation_id"],
    "drive_id": lambda t: t.people["drive_id"],
    "donor_id": lambda t: t.people["donor_id"],
    "handover_id": lambda t: t.people["handover_id"],
    "move_id": lambda t: t.people["move_id"],
    "call_id": lambda t: t.people["call_id"],
    "request_id": lambda t: t.people["request_id"],
    "answer_id": lambda t: t.people["answer_id"],
    "pass_id": lambda t: t.people["pass_id"],
    "staff_member_id": lambda t: t.people["staff_member_id"],
    "group_id": lambda t: t.people["group_id"],
    "group_member_id": lambda t: t.people["group_member_id"],
    "plan_id": lambda t: t.people["plan_id"],
    "task_id": lambda t: t.people["task_id"],
    "shift_id": lambda t: t.people["shift_id"],
    "briefing_id": lambda t: t.people["briefing_id"],
    "notice_id": lambda t: t.people["notice_id"],
    "action": lambda t: t.people["action"],
    # The sign-up page is public by design; what an intruder cannot do is make another place's token.
    "token": lambda t: f"{t.place.pk}:forged-signature",
}


def snapshot() -> list:
    """Everything the kernel stores, to show that the walk changed nothing."""
    return [
        list(OrgUnit.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "username", "full_name", "password", "is_active")),
        list(AccessToken.objects.order_by("pk").values("pk", "user_id", "name", "digest", "revoked_at")),
        list(ActivityRecord.objects.order_by("pk").values()),
        list(DailyTotal.objects.order_by("pk").values()),
        *(
            list(model.objects.order_by("pk").values())
            for model in (
                Volunteer,
                Team,
                Deployment,
                Deed,
                Photo,
                Report,
                ReportVersion,
                ReportTally,
                DataSet,
                DataField,
                Template,
                Campaign,
                Message,
                *apps.get_app_config("community").get_models(),
                *apps.get_app_config("donations").get_models(),
                *apps.get_app_config("operations").get_models(),
                *apps.get_app_config("briefings").get_models(),
            )
        ),
        list(Team.members.through.objects.order_by("pk").values()),
        list(DutyShift.staff.through.objects.order_by("pk").values()),
    ]


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
    token, _raw = services.issue_token(by=user, name="other place's integration")
    job = ImportJob.objects.create(place=place, created_by=user, file="imports/x.csv", original_name="x.csv")
    veteran = create_veteran(by=None, place=place, name="邻居老兵", id_number=SAMPLE_ID, phone="13800138000")
    member = add_family_member(
        by=None, veteran=veteran, relation="spouse", name="邻居家属", phone="13900139000"
    )
    roll_import = RollImport.objects.create(
        place=place, created_by=user, file="rolls/x.xlsx", original_name="邻居名册.xlsx", headings=["姓名"]
    )
    record = record_day(
        by=user,
        place=place,
        day=date(2020, 1, 25),
        entries=[Entry(ActivityType.objects.get(code="door_to_door"), 77, 4321)],
        note="邻居的记录",
    )[0]
    people = people_at(place, by=user, text="邻居志愿者")
    return Target(
        record=record,
        people=people,
        veteran=veteran,
        member=member,
        roll_import=roll_import,
        place=place,
        user=user,
        membership=user.memberships.get(),
        token=token,
        job=job,
        markers=[*markers, "邻居老兵", "邻居家属", "邻居名册", "邻居的记录", "4321", "邻居志愿者"],
    )


@pytest.fixture(params=["village clerk next door", "admin of another district"])
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
    for route, _view in page_routes():
        url = fill_route(route, ROUTE_PARAMETERS, target)
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
    assert snapshot() == before


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
        if name in ROUTE_PARAMETERS:
            return ROUTE_PARAMETERS[name](target)
        if "enum" in schema:
            return schema["enum"][-1]
        kind = schema.get("type")
        if kind == "object":  # the required fields and every id; the rest keep their defaults
            wanted = set(schema.get("required", [])) | set(ROUTE_PARAMETERS)
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


def example_query(operation: dict, target: Target) -> tuple[str, bool]:
    """The query string: ids aimed at the other place, a plausible value for every other required
    parameter; and whether anything was aimed."""
    values, aimed = {}, False
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] != "query":
            continue
        if name in ROUTE_PARAMETERS:
            values[name], aimed = ROUTE_PARAMETERS[name](target), True
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
        url = fill_route(re.sub(r"\{(\w+)\}", r"<\1>", path), ROUTE_PARAMETERS, target)
        for method, operation in operations.items():
            if (method, path) in OWN_ACCOUNT:
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
    assert snapshot() == before


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
