"""Bringing a spreadsheet roll in: columns matched, a dry run listing every bad row, the import in the
background, re-imports that update instead of duplicating, and every kind of bad file explained."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from qunfang.core.models import AuditEntry
from qunfang.registry import synthetic
from qunfang.registry.models import Move, RollImport, Veteran
from qunfang.testing.world import SAMPLE_ID

HEADINGS = ["姓名", "身份证号", "所属镇(街道)", "所属村(社区)", "联系电话", "标签", "政治面貌"]


def xlsx_upload(rows: list[list], *, name: str = "花名册.xlsx", title: str | None = "清新区退役军人花名册"):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]) if rows else 3)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_rows(world, count: int = 3) -> list[list]:
    return [HEADINGS] + [
        row[:5] + [row[12], row[11]] for row in synthetic.rows([world.jingkou, world.nankeng], count)
    ]


def upload(client, place, file):
    return client.post(f"/places/{place.pk}/veterans/import/", {"file": file}, follow=True)


def check(client, job: RollImport, mapping: dict | None = None):
    mapping = mapping if mapping is not None else {k: str(v) for k, v in job.mapping.items()}
    return client.post(f"/roll-imports/{job.pk}/", mapping, follow=True)


def confirm(client, job: RollImport, good_rows_only: bool = False):
    data = {"good_rows_only": "on"} if good_rows_only else {}
    return client.post(f"/roll-imports/{job.pk}/confirm/", data, follow=True)


def uploaded_and_checked(client, place, file) -> RollImport:
    response = upload(client, place, file)
    assert response.status_code == 200, response.content.decode()[:2000]
    job = RollImport.objects.latest("pk")
    check(client, job)
    job.refresh_from_db()
    return job


def test_a_chinese_roll_is_matched_checked_and_imported_then_reimporting_changes_nothing(world, as_user):
    client = as_user(world.bob)
    file = xlsx_upload(good_rows(world, 6))
    response = upload(client, world.longjing, file)
    page = response.content.decode()
    assert "所属村(社区)" in page and "检查每一行" in page  # the columns page, matched by the headings
    job = RollImport.objects.get()
    assert set(job.mapping) == {"name", "id_number", "town", "place", "phone", "tags", "party_member"}
    assert not Veteran.objects.exists()

    check(client, job)
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.new_count, job.errors) == ("checked", 6, 6, [])
    assert not Veteran.objects.exists()  # the check writes nothing

    response = confirm(client, job)
    job.refresh_from_db()
    assert job.status == "done" and "花名册已导入" in response.content.decode()
    assert Veteran.objects.filter(place=world.jingkou).count() == 3
    assert Veteran.objects.filter(place=world.nankeng).count() == 3
    driver = Veteran.objects.filter(tags__name="驾驶员").first()
    assert driver is not None and str(driver.phone).startswith("139****")
    assert AuditEntry.objects.filter(action="veteran.import", actor=world.bob).count() == 1

    file.seek(0)
    again = uploaded_and_checked(client, world.longjing, file)
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 6)
    confirm(client, again)
    assert Veteran.objects.count() == 6


def test_a_changed_row_updates_the_veteran_and_a_new_village_is_a_move_in_the_history(world, as_user):
    client = as_user(world.bob)
    rows = good_rows(world, 2)
    job = uploaded_and_checked(client, world.longjing, xlsx_upload(rows))
    confirm(client, job)
    moved = Veteran.objects.get(place=world.jingkou)
    rows[1][3] = "南坑村"  # the first person moved from 迳口村
    rows[1][4] = "13700001111"
    job = uploaded_and_checked(client, world.longjing, xlsx_upload(rows))
    assert (job.new_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    confirm(client, job)
    moved.refresh_from_db()
    assert moved.place == world.nankeng and str(moved.phone) == "137****1111"
    assert Veteran.objects.get(pk=moved.pk).phone_index is not None
    move = Move.objects.get(veteran=moved)
    assert (move.from_place, move.to_place, move.moved_by) == (world.jingkou, world.nankeng, world.bob)


BAD_ROWS = {
    "wrong checksum": (["错校验", SAMPLE_ID[:-1] + "3", "龙颈镇", "迳口村"], "校验码不符"),
    "impossible birth date": (["错日期", "441803199002301234", "龙颈镇", "迳口村"], "出生日期不存在"),
    "17 digits": (["少一位", SAMPLE_ID[:-1], "龙颈镇", "迳口村"], "18 位"),
    "letters": (["有字母", "4418031990O10112A5", "龙颈镇", "迳口村"], "18 位"),
    "unknown place": (["无此村", "441803199001011219", "龙颈镇", "月亮村"], "未知地点"),
}


def test_every_bad_row_is_listed_with_its_reason_and_nothing_is_written_unless_asked(world, as_user):
    client = as_user(world.bob)
    rows = [HEADINGS[:4], ["好人", SAMPLE_ID, "龙颈镇", "迳口村"]]
    rows += [row for row, _reason in BAD_ROWS.values()]
    rows.append(["重复者", SAMPLE_ID.replace("5", " ５"), "龙颈镇", "南坑村"])  # the same ID number again
    job = uploaded_and_checked(client, world.longjing, xlsx_upload(rows))
    messages = {error["row"]: error["message"] for error in job.errors}
    for offset, (_row, reason) in enumerate(BAD_ROWS.values()):
        assert reason in messages[4 + offset], (reason, messages)
    assert "在本文件中再次出现（首次在第 3 行）" in messages[4 + len(BAD_ROWS)]
    assert job.good_rows == 1

    response = confirm(client, job)
    assert "或选择只导入正确的行" in response.content.decode()
    assert not Veteran.objects.exists()

    errors = client.get(f"/roll-imports/{job.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == sorted(messages)

    confirm(client, job, good_rows_only=True)
    assert list(Veteran.objects.values_list("name", flat=True)) == ["好人"]


def test_a_veteran_of_a_place_outside_the_import_is_refused_not_taken_over(world, as_user):
    from qunfang.registry.services import create_veteran

    create_veteran(by=None, place=world.hunnan, name="浑南老兵", id_number=SAMPLE_ID)
    job = uploaded_and_checked(
        as_user(world.bob),
        world.longjing,
        xlsx_upload([HEADINGS[:4], ["冒名", SAMPLE_ID, "龙颈镇", "迳口村"]]),
    )
    assert "龙颈镇以外" in job.errors[0]["message"] and "浑南" not in job.errors[0]["message"]


def _password_protected_xlsx() -> bytes:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    workbook = Workbook()
    workbook.active.append(HEADINGS[:2])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    assert msoffcrypto  # the package is what does the encrypting
    return encrypted.getvalue()


def _merged_header_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "联系方式", None])
    sheet.append([None, None, "电话", "地址"])
    sheet.merge_cells("C1:D1")
    sheet.merge_cells("A1:A2")
    sheet.append(["张三", SAMPLE_ID, "13800138000", "迳口村"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _empty_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


BAD_FILES = {
    "an empty sheet": (_empty_xlsx, "空文件"),
    "merged heading cells": (_merged_header_xlsx, "标题行有合并的单元格"),
    "an old .xls renamed .xlsx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    "a password-protected file": (_password_protected_xlsx, "密码"),
    "a heading row without rows": (lambda: "姓名,身份证号\n".encode(), "没有数据行"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message_and_nothing_kept(
    kind, world, as_user, settings
):
    make, expected = BAD_FILES[kind]
    response = upload(as_user(world.bob), world.longjing, SimpleUploadedFile("花名册.xlsx", make()))
    assert expected in response.content.decode()
    assert not RollImport.objects.exists()
    assert not list((settings.MEDIA_ROOT).glob("rolls/*")) if settings.MEDIA_ROOT.exists() else True


def test_a_200000_row_file_with_one_bad_row_in_the_middle_names_that_row_and_writes_nothing(world, as_user):
    count = 200_000
    rows = synthetic.rows([world.jingkou, world.nankeng], count)
    lines = ["姓名,身份证号,所属村(社区)"]
    for number, row in enumerate(rows):
        id_number = row[1][:-1] + ("0" if row[1][-1] != "0" else "1") if number == count // 2 else row[1]
        lines.append(f"{row[0]},{id_number},{row[3]}")
    file = SimpleUploadedFile("大名册.csv", "\n".join(lines).encode())
    client = as_user(world.bob)
    job = uploaded_and_checked(client, world.longjing, file)
    assert job.total_rows == count and job.good_rows == count - 1
    assert [error["row"] for error in job.errors] == [count // 2 + 2]
    confirm(client, job)
    assert not Veteran.objects.exists()
