"""Spreadsheets built to bring the server down, sent to every upload that takes one, by the lowest role
that reaches it. Before the guard, the 5 KB sparse workbook made calamine allocate 512 GB and abort the
process (this test's own process, here); a zip bomb was inflated in the web process's memory. Each now
gets a clear refusal, nothing is kept on disk and no job is queued."""

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qunfang.community.models import RegisterImport, Resident
from qunfang.core.models import ImportJob
from qunfang.lib import tables
from qunfang.lib.tables import TableError, read_table
from qunfang.registry.models import RollImport

COLUMNS = {"name": ["姓名"], "id_number": ["身份证号"]}


def workbook(cells: dict[str, str]) -> bytes:
    book = Workbook()
    for address, value in cells.items():
        book.active[address] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same package with the first sheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(entry.filename, content)
    return out.getvalue()


def sparse() -> bytes:
    return workbook({"A1": "姓名", "B1": "身份证号", "A2": "张三", "XFD1048576": "x"})


def sparse_without_dimension() -> bytes:
    # The dimension element is optional: the cells' own addresses must be read as well.
    return rewrite_sheet(sparse(), lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml))


def rows_below_the_limit_in_a_row_far_down() -> bytes:
    return rewrite_sheet(
        workbook({"A1": "姓名", "B1": "身份证号", "A2": "张三"}),
        lambda xml: xml.replace(b'r="A2"', b'r="A999999"').replace(b'<row r="2"', b'<row r="999999"'),
    )


def bomb(megabytes: int = 64) -> bytes:
    """A sheet padded with a comment of spaces: a few dozen KB that inflate to `megabytes`."""
    head = workbook({"A1": "姓名", "B1": "身份证号", "A2": "张三"})
    padding = b"<!--" + b" " * (megabytes * 1024 * 1024) + b"-->"
    return rewrite_sheet(head, lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"))


def lying_about_its_size() -> bytes:
    """A bomb whose zip directory claims a small sheet: the inflated bytes must be counted, not believed."""
    data = bytearray(bomb(8))
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[start + offset : start + offset + 4] = struct.pack("<I", 1000)
            start += 4
    return bytes(data)


HOSTILE = {
    "sparse": sparse,
    "sparse without dimension": sparse_without_dimension,
    "a row far down": rows_below_the_limit_in_a_row_far_down,
    "zip bomb": bomb,
    "zip bomb lying about its size": lying_about_its_size,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_reader_refuses_the_file_with_a_reason_and_this_process_lives(name, settings):
    settings.MAX_IMPORT_ROWS = 500_000
    with pytest.raises(TableError) as refusal:
        read_table(io.BytesIO(HOSTILE[name]()), COLUMNS)
    message = str(refusal.value)
    assert message and "Traceback" not in message


def test_the_limits_in_the_message_are_those_of_the_file(settings):
    with pytest.raises(TableError, match="XFD1048576"):
        read_table(io.BytesIO(sparse()), COLUMNS)
    with pytest.raises(TableError, match="512"):
        read_table(io.BytesIO(bomb()), COLUMNS)


def test_whatever_slips_past_the_checks_kills_only_the_reader(settings, monkeypatch):
    # With the checks' limits lifted, the sparse sheet reaches calamine, which asks for 512 GB: the
    # child reading it dies at its memory cap, and this process answers with a refusal.
    settings.MAX_IMPORT_ROWS = 10**7
    monkeypatch.setattr(tables, "MAX_COLUMNS", 20_000)
    monkeypatch.setattr(tables, "MAX_CELLS", 10**12)
    with pytest.raises(TableError, match="memory|内存"):
        read_table(io.BytesIO(sparse_without_dimension()), COLUMNS)
    assert len(read_table(io.BytesIO(workbook({"A1": "姓名", "A2": "张三"})), COLUMNS).body) == 1


def test_a_real_roll_still_reads(settings):
    rows = {f"A{n}": f"张{n}" for n in range(2, 2002)} | {"A1": "姓名", "B1": "身份证号"}
    assert len(read_table(io.BytesIO(workbook(rows)), COLUMNS).body) == 2000


def files_kept(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_upload_page_refuses_the_file_and_keeps_nothing(world, as_user, settings, name):
    content = HOSTILE[name]()
    uploads = [
        (world.carol, f"/places/{world.jingkou.pk}/veterans/import/", RollImport),
        (world.carol, f"/places/{world.jingkou.pk}/register/import/", RegisterImport),
        (world.alice, f"/places/{world.qingxin.pk}/import/", ImportJob),
    ]
    for user, url, job in uploads:
        upload = SimpleUploadedFile("roll.xlsx", content)
        response = as_user(user).post(url, {"file": upload})
        assert response.status_code == 200, url
        assert 'role="alert"' in response.content.decode(), url
        assert not job.objects.exists() and files_kept(settings) == [], url
    assert not Resident.objects.exists()


def test_the_register_import_runs_in_the_background_after_the_same_checks(world, as_user, settings):
    sheet = workbook({"A1": "楼栋", "B1": "房号", "C1": "姓名", "A2": "1栋", "B2": "101", "C2": "张三"})
    response = as_user(world.carol).post(
        f"/places/{world.jingkou.pk}/register/import/", {"file": SimpleUploadedFile("r.xlsx", sheet)}
    )
    job = RegisterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/register-imports/{job.pk}/"
    assert job.status == "done" and job.residents == 1  # the tests' task backend runs it at once
    page = as_user(world.carol).get(response["Location"]).content.decode()
    assert "1" in page and "张三" not in page
    # The neighbouring village's clerk does not see the job.
    assert as_user(world.dave).get(response["Location"]).status_code == 404


def test_a_grid_worker_who_imports_sees_her_import(world, as_user):
    from qunfang.core.roles import Role
    from qunfang.testing.world import person

    worker = person("gina", world.jingkou_grid, Role.GRID_WORKER)
    sheet = workbook({"A1": "楼栋", "B1": "房号", "C1": "姓名", "A2": "1栋", "B2": "101", "C2": "张三"})
    response = as_user(worker).post(
        f"/places/{world.jingkou_grid.pk}/register/import/", {"file": SimpleUploadedFile("r.xlsx", sheet)}
    )
    assert response.status_code == 302
    page = as_user(worker).get(response["Location"])
    assert page.status_code == 200 and RegisterImport.objects.get().status == "done"


def test_a_look_at_the_top_of_a_long_sheet_sees_what_a_whole_read_sees(settings):
    # The upload reads only the top rows (the sheet cut after them): its headings, its first rows and
    # its merged ranges are those of the whole file.
    rows = {f"A{n}": f"张{n}" for n in range(3, 503)} | {f"B{n}": str(n) for n in range(3, 503)}
    cells = {"A1": "退役军人花名册", "A2": "姓名", "B2": "身份证号"} | rows
    top = read_table(io.BytesIO(workbook(cells)), COLUMNS, head_only=True)
    whole = read_table(io.BytesIO(workbook(cells)), COLUMNS)
    assert top.headings == whole.headings == ["姓名", "身份证号"] and top.header_number == 2
    assert top.body == whole.body[: len(top.body)] and len(top.body) == tables.HEAD_ROWS - 2
    book = Workbook()
    for n in range(1, 400):
        book.active.append(["姓名", "身份证号"] if n == 1 else [f"张{n}", str(n)])
    book.active.merge_cells("A1:B1")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TableError, match="A1:B1"):
        read_table(io.BytesIO(out.getvalue()), COLUMNS, head_only=True)
