"""Importing a tree from Excel or CSV, all or nothing, and exporting it back."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from qunfang.core.models import AuditEntry, OrgUnit

HEADER = "code,name,parent_code,level,station_kind,address,phone,hall_status\n"


def csv_file(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("places.csv", (HEADER + text).encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("places.xlsx", buffer.getvalue())


def upload(client, place, file):
    """Upload, then follow to the import's page (the import itself runs as a task, here at once)."""
    return client.post(f"/places/{place.pk}/import/", {"file": file}, follow=True)


def imported(response) -> bool:
    return response.status_code == 200 and "个地点已导入" in response.content.decode()


def test_a_csv_tree_is_imported_with_rows_in_any_order(world, as_user):
    response = upload(
        as_user(world.alice),
        world.qingxin,
        csv_file(
            "441803104201,清湖村,441803104,村,服务站,,,\n"
            "441803104,太平镇,,镇,station,太平镇政府,0763-1,online_only\n"
            ",清湖村第一网格,441803104201,grid,,,,\n"
        ),
    )
    assert imported(response)
    taiping = OrgUnit.objects.get(code="441803104000")
    assert taiping.parent == world.qingxin and taiping.hall_status == "online_only"
    assert OrgUnit.objects.get(name="清湖村").parent == taiping
    assert OrgUnit.objects.get(name="清湖村第一网格").path.startswith(taiping.path)
    assert AuditEntry.objects.filter(action="place.create", actor=world.alice).count() == 3


def test_a_gbk_csv_saved_by_chinese_excel_is_read(world, as_user):
    response = upload(as_user(world.alice), world.longjing, csv_file(",新屋村,,村,,,,\n", encoding="gbk"))
    assert imported(response)
    assert OrgUnit.objects.filter(name="新屋村", parent=world.longjing).exists()


def test_an_excel_workbook_with_chinese_headings_and_numeric_codes_is_read(world, as_user):
    response = upload(
        as_user(world.alice),
        world.qingxin,
        xlsx_file(
            [
                ["区划代码", "名称", "上级代码", "层级"],
                [441803105000, "山塘镇", None, "镇"],
                [441803105201, "山塘村", 441803105000, "村"],
            ]
        ),
    )
    assert imported(response)
    assert OrgUnit.objects.get(code="441803105201").parent.name == "山塘镇"


BAD_ROWS = [
    ("unknown parent", ",某村,999999999999,村,,,,\n", "未知的上级代码"),
    ("duplicate code in the file", "441803104,太平镇,,镇,,,,\n441803104,太平镇二,,镇,,,,\n", "再次出现"),
    ("code already in the tree", "441803112201,又一个迳口村,441803112,村,,,,\n", "已被使用"),
    ("wrong level order", "441803104,太平镇,,镇,,,,\n,太平区,441803104,区,,,,\n", "不能位于"),
    ("a cycle", "441803104201,甲村,441803104202,村,,,,\n441803104202,乙村,441803104201,村,,,,\n", "循环"),
    ("no name", "441803104,,,镇,,,,\n", "缺少名称"),
    ("unknown level", "441803104,太平镇,,大队,,,,\n", "不是有效的层级"),
]


@pytest.mark.parametrize("kind,rows,message", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_is_reported_by_number_and_nothing_is_written(world, as_user, kind, rows, message):
    good_row = ",好村,,村,,,,\n"
    before = OrgUnit.objects.count()
    response = upload(as_user(world.alice), world.longjing, csv_file(good_row + rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "没有导入任何数据" in page
    assert OrgUnit.objects.count() == before


FILE_PROBLEMS = [
    (
        "not a spreadsheet",
        SimpleUploadedFile("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        "不是可读取的",
    ),
    (
        "a zip that is not a workbook",
        SimpleUploadedFile("a.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        "不是可读取的",
    ),
    ("an old xls", SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100), ".xlsx"),
    ("an empty file", SimpleUploadedFile("empty.csv", b""), "空文件"),
    ("headings only", SimpleUploadedFile("head.csv", HEADER.encode()), "没有数据行"),
    ("missing columns", SimpleUploadedFile("cols.csv", "名字,别的\n甲,乙\n".encode()), "缺少这些列"),
]


@pytest.mark.parametrize("kind,file,message", FILE_PROBLEMS, ids=[f[0] for f in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_gets_a_clear_message(world, as_user, kind, file, message):
    before = OrgUnit.objects.count()
    response = upload(as_user(world.alice), world.longjing, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OrgUnit.objects.count() == before


@override_settings(MAX_UPLOAD_BYTES=10 * 1024 * 1024)
def test_a_fifty_megabyte_file_is_refused_before_it_is_read(world, as_user):
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"," * (50 * 1024 * 1024))
    response = upload(as_user(world.alice), world.longjing, big)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()


def test_a_long_chain_of_rows_does_not_break_the_importer(world, as_user):
    # Thousands of rows that point at each other in a ring: an error for each, never a crash.
    rows = "".join(f"4418031{n:05d},村{n},4418031{(n + 1) % 3000:05d},村,,,,\n" for n in range(3000))
    response = upload(as_user(world.alice), world.longjing, csv_file(rows))
    assert response.status_code == 200 and "循环" in response.content.decode()


def test_an_export_imports_again_elsewhere_and_neutralizes_formulas(world, as_user):
    from qunfang.core import services

    services.update_place(by=None, place=world.jingkou, address='=HYPERLINK("http://evil")')
    client = as_user(world.alice)
    response = client.get(f"/places/{world.longjing.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("code", "name", "parent_code", "level")
    assert [r[1] for r in rows[1:]] == ["龙颈镇", "迳口村", "迳口村第一网格", "南坑村"]
    address_cell = sheet.cell(row=3, column=6)
    assert address_cell.data_type == "s" and address_cell.quotePrefix

    # Take the town out of the tree's codes, then import the file under another district.
    from qunfang.core.models import OrgUnit as Unit

    Unit.objects.under(world.longjing).update(code=None)
    response_in_hunnan = upload(
        as_user(world.erin), world.hunnan, SimpleUploadedFile("x.xlsx", response.content)
    )
    assert imported(response_in_hunnan), response_in_hunnan.content.decode()[-3000:]
    copy = Unit.objects.get(code="441803112000")
    assert copy.parent == world.hunnan
    assert set(Unit.objects.under(copy).values_list("name", flat=True)) == {
        "龙颈镇",
        "迳口村",
        "迳口村第一网格",
        "南坑村",
    }
