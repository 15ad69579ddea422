"""Each operations list's export is declared once (operations/exports.py): the page's spreadsheet and the
API's rows and spreadsheet are the same, and another place's list is refused."""

import io
from datetime import date

import openpyxl

from qunfang.operations import services
from qunfang.testing.clients import api_client_for, client_for

LISTS = {"staff": "staff", "leading-groups": "leading-groups", "leave": "leave", "health": "health"}


def _sheet(content: bytes) -> list[list[str]]:
    rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return [[str(v) if v is not None else "" for v in row] for row in rows]


def test_the_api_answers_each_list_as_the_page_exports_it(world):
    director = services.save_staff(
        by=world.alice, place=world.qingxin, name="李局长", title="局长", phone="13800138009"
    )
    group = services.form_group(
        by=world.alice, place=world.qingxin, name="疫情防控领导小组", formed_on=date(2020, 1, 24)
    )
    services.set_group_member(
        by=world.alice, group=group, staff=director, role="leader", responsibility="全面"
    )
    page, api = client_for(world.alice), api_client_for(world.alice)
    for list_name, path in LISTS.items():
        spreadsheet = _sheet(page.get(f"/places/{world.qingxin.pk}/{path}/?format=xlsx").content)
        answer = api.get(f"/api/v1/operations/exports/{list_name}", {"place_id": world.qingxin.pk})
        assert answer.status_code == 200, (list_name, answer.content)
        found = answer.json()
        assert [c["heading"] for c in found["columns"]] == spreadsheet[0], list_name
        keys = [c["key"] for c in found["columns"]]
        assert [[row[k] for k in keys] for row in found["rows"]] == spreadsheet[1:], list_name
        as_file = api.get(
            f"/api/v1/operations/exports/{list_name}", {"place_id": world.qingxin.pk, "format": "xlsx"}
        )
        assert _sheet(as_file.content) == spreadsheet, list_name
    staff = api.get("/api/v1/operations/exports/staff", {"place_id": world.qingxin.pk}).json()["rows"]
    assert staff[0]["phone"] == "138****8009"  # masked, as on the page


def test_another_place_s_list_is_refused_without_a_hint(world):
    services.save_staff(by=world.alice, place=world.qingxin, name="李局长", title="局长")
    answer = api_client_for(world.erin).get(
        "/api/v1/operations/exports/staff", {"place_id": world.qingxin.pk}
    )
    assert answer.status_code == 404 and "李局长" not in answer.content.decode()
    unknown = api_client_for(world.alice).get(
        "/api/v1/operations/exports/salaries", {"place_id": world.qingxin.pk}
    )
    assert unknown.status_code == 422
