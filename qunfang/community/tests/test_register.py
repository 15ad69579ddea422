"""A community's register: buildings in grids, households, residents with their status and its history;
imported from a spreadsheet all together or not at all; a person in two households refused; a grid
worker sees her grid only; personal data masked on the pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qunfang.community.models import Building, Household, Resident, StatusChange
from qunfang.community.selectors import register as selectors
from qunfang.community.services import register as services
from qunfang.core.access import Scope
from qunfang.core.models import AuditEntry, Level
from qunfang.core.roles import Role
from qunfang.lib.tables import write_xlsx
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.world import person, place

HEADINGS = [
    "楼栋",
    "单元",
    "房号",
    "户联系电话",
    "姓名",
    "身份证号",
    "手机",
    "状态",
    "状态日期",
    "网格",
    "旅居史",
]


@pytest.fixture
def grids(world):
    return [place(world.jingkou, f"第{n}网格", Level.GRID) for n in (1, 2)]


def sheet(rows) -> SimpleUploadedFile:
    data = write_xlsx("住户", HEADINGS, rows)
    return SimpleUploadedFile("住户.xlsx", data, content_type="application/octet-stream")


def rows_of(n_households=3):
    rows = []
    for h in range(1, n_households + 1):
        for r in range(1, 3):
            k = h * 10 + r
            rows.append(["1栋", "1单元", f"{h}01", f"1390000{k:04d}", f"住户{k}", synthetic_id("210112", k),
                         f"1370000{k:04d}", "居家隔离" if k == 11 else "", "2020-02-01" if k == 11 else "",
                         "第1网格", "武汉" if k == 11 else ""])  # fmt: skip
    return rows


def test_the_register_is_imported_all_together(world, grids):
    made = services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    assert (made.buildings, made.households, made.residents) == (1, 3, 6)
    building = Building.objects.get()
    assert building.place == grids[0]
    assert Household.objects.filter(place=grids[0]).count() == 3
    quarantined = Resident.objects.get(status="home_quarantine")
    assert quarantined.name == "住户11" and quarantined.status_since == date(2020, 2, 1)
    assert quarantined.travel == "武汉"
    assert StatusChange.objects.get().resident == quarantined


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda rows: rows[3].__setitem__(4, ""), "第 5 行"),  # no name
        (lambda rows: rows[2].__setitem__(5, rows[0][5]), "与第 2 行"),  # the same person twice
        (lambda rows: rows[1].__setitem__(9, "第9网格"), "第9网格"),  # no such grid
        (lambda rows: rows[1].__setitem__(7, "出差"), "出差"),  # no such status
        (lambda rows: rows[1].__setitem__(5, "210112199001011234"), "身份证"),  # a bad ID number
    ],
)
def test_a_bad_row_keeps_the_whole_file_out_and_says_where(world, grids, change, problem):
    rows = rows_of()
    change(rows)
    with pytest.raises(ValidationError) as refused:
        services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows))
    assert problem in " ".join(refused.value.messages)
    assert not Resident.objects.exists() and not Household.objects.exists() and not Building.objects.exists()


def test_a_person_in_two_households_is_refused_with_where(world, grids):
    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    other = services.save_household(by=world.carol, building=Building.objects.get(), room="999")
    with pytest.raises(ValidationError) as refused:
        services.add_resident(
            by=world.carol, household=other, name="住户11", id_number=synthetic_id("210112", 11)
        )
    assert "1栋1单元101" in str(refused.value)


def test_a_status_changes_with_its_date_and_history(world, grids):
    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    resident = Resident.objects.get(name="住户12")
    services.change_status(
        by=world.carol, resident=resident, status="central_quarantine", since=date(2020, 2, 3)
    )
    with pytest.raises(ValidationError):
        services.change_status(by=world.carol, resident=resident, status="gone", since=date(2020, 2, 3))
    with pytest.raises(ValidationError):
        services.change_status(by=world.carol, resident=resident, status="normal", since=date(2999, 1, 1))
    resident.refresh_from_db()
    assert resident.status == "central_quarantine" and resident.changes.count() == 1


def test_a_grid_worker_sees_her_grid_only(world, grids):
    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    services.save_building(by=world.carol, community=world.jingkou, number="2栋", grid=grids[1])
    worker = person("gina", grids[1], Role.GRID_WORKER, "网格员")
    mine = selectors.buildings(Scope.for_user(worker), world.jingkou)
    assert [b.number for b in mine] == ["2栋"]
    assert selectors.summary(Scope.for_user(worker), world.jingkou)["residents"] == 0
    assert selectors.summary(Scope.for_user(world.carol), world.jingkou)["residents"] == 6


def test_a_grid_worker_s_way_back_from_a_building_is_one_she_may_open(world, grids, as_user):
    building = services.save_building(by=world.carol, community=world.jingkou, number="2栋", grid=grids[1])
    worker = as_user(person("gina", grids[1], Role.GRID_WORKER, "网格员"))
    register = f"/places/{world.jingkou.pk}/register/"
    page = worker.get(f"/buildings/{building.pk}/").content.decode()
    assert register not in page and worker.get(register).status_code == 404
    assert register in as_user(world.carol).get(f"/buildings/{building.pk}/").content.decode()


def test_the_pages_mask_personal_data_and_keep_the_register(world, grids, as_user):
    carol = as_user(world.carol)
    upload = sheet(rows_of())
    carol.post(f"/places/{world.jingkou.pk}/register/import/", {"file": upload})
    page = carol.get(f"/places/{world.jingkou.pk}/register/").content.decode()
    assert "住户11" in page and "居家隔离" in page
    assert "13700000011" not in page and "137****0011" in page
    household = Household.objects.get(room="101")
    detail = carol.get(f"/households/{household.pk}/").content.decode()
    assert synthetic_id("210112", 11) not in detail
    carol.post(f"/households/{household.pk}/residents/new/", {"name": "新住户", "status": "normal"})
    assert household.residents.filter(name="新住户").exists()
    resident = household.residents.get(name="住户12")
    carol.post(f"/residents/{resident.pk}/status/", {"status": "hospitalised", "since": "2020-02-05"})
    resident.refresh_from_db()
    assert resident.status == "hospitalised"
    # Another district's clerk reaches none of it.
    assert as_user(world.dave).get(f"/households/{household.pk}/").status_code == 404
    assert as_user(world.erin).get(f"/places/{world.jingkou.pk}/register/").status_code in (403, 404)


def test_the_register_is_searched_by_name_building_id_number_or_phone(world, grids, as_user):
    """The issue's steps: the register had no search (52 pages). A full ID number or mobile is found by
    its keyed hash; another village's clerk finds nothing of it."""
    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of(30)))
    carol = as_user(world.carol)
    url = f"/places/{world.jingkou.pk}/register/"

    def names(query):
        page = carol.get(url, {"q": query}).content.decode()
        return {f"住户{k}" for k in (11, 12, 21, 302) if f"住户{k}<" in page}

    assert names("住户11") == {"住户11"}
    assert names(synthetic_id("210112", 21)) == {"住户21"}
    assert names("13700000012") == {"住户12"}  # the resident's mobile
    assert names("13900000011") == {"住户11", "住户12"}  # the household's phone: both of them
    assert names("不存在") == set()
    page = carol.get(url, {"q": "住户", "page": 2}).content.decode()
    assert "q=%E4%BD%8F%E6%88%B7" in page or "q=住户" in page  # the pages keep the search
    elsewhere = as_user(world.dave).get(f"/places/{world.nankeng.pk}/register/", {"q": "13700000012"})
    assert "住户12" not in elsewhere.content.decode()


def test_the_register_through_the_api(world, grids):
    from qunfang.testing.clients import api_client_for

    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    api = api_client_for(world.carol)
    residents = api.get(
        f"/api/v1/community/residents?place_id={world.jingkou.pk}&status=home_quarantine"
    ).json()
    (only,) = residents["items"]
    assert only["name"] == "住户11" and "*" in only["id_number"] and "*" in only["phone"]
    household = Household.objects.get(room="101")
    added = api.post(
        "/api/v1/community/residents",
        {"household_id": household.pk, "name": "新生儿", "status": "normal"},
        content_type="application/json",
    )
    assert added.status_code == 201
    twice = api.post(
        "/api/v1/community/residents",
        {"household_id": household.pk, "name": "住户11", "id_number": synthetic_id("210112", 11)},
        content_type="application/json",
    )
    assert twice.status_code == 422 and "已登记在" in str(twice.json()["detail"])
    changed = api.post(
        f"/api/v1/community/residents/{only['id']}/status",
        {"status": "normal", "since": "2020-02-14"},
        content_type="application/json",
    )
    assert changed.json()["status"] == "normal"
    assert (
        api_client_for(world.erin).get(f"/api/v1/community/buildings?place_id={world.jingkou.pk}").status_code
        == 404
    )


def test_the_register_exports_in_the_imports_columns_and_imports_again(world, grids, as_user, tmp_path):
    services.import_register(by=world.carol, community=world.jingkou, upload=sheet(rows_of()))
    client = as_user(world.carol)
    masked = client.post(f"/places/{world.jingkou.pk}/register/export.xlsx")
    path = tmp_path / "masked.xlsx"
    path.write_bytes(masked.content)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS and len(rows) == 7 and "*" in rows[1][5]
    full = client.post(f"/places/{world.jingkou.pk}/register/export.xlsx", {"reveal": "1"})
    assert AuditEntry.objects.filter(action="register.export", after__revealed=True).exists()
    Resident.objects.all().delete()
    StatusChange.objects.all().delete()
    Household.objects.all().delete()
    Building.objects.all().delete()
    again = SimpleUploadedFile("again.xlsx", full.content, content_type="application/octet-stream")
    made = services.import_register(by=world.carol, community=world.jingkou, upload=again)
    assert (made.buildings, made.households, made.residents) == (1, 3, 6)
    assert Resident.objects.get(status="home_quarantine").status_since == date(2020, 2, 1)
