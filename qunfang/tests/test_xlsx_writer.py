"""The streaming Excel writer (lib/xlsx.py): what it writes reads back the same in openpyxl and in
calamine, and it holds only the rows at hand, never the whole sheet, however many rows stream by."""

import io
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from qunfang.lib.xlsx import ROWS_PER_WRITE, write_xlsx_to

ROW = [
    "李建国",
    "4418**********1234",
    "浑南街道",
    "在水一方社区",
    "139****5678",
    "12组33号 & <东>",
    1978,
    1982.5,
]


def written(rows, title="名册") -> bytes:
    buffer = io.BytesIO()
    write_xlsx_to(buffer, title, ["姓名", "号码", "镇", "村", "电话", "地址", "入伍", "分"], rows)
    return buffer.getvalue()


def test_cells_read_back_as_they_were_written(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = timezone.make_aware(datetime(2020, 2, 3, 9, 30))  # noqa: DTZ001 (the bureau's clock)
    rows = [
        ROW,
        ["=HYPERLINK(1)", " leading", "trailing ", True, None, "", date(2020, 1, 29), moment],
        ["bad\x07bell", Decimal("12.50"), -3, False, "a\nb", "＝全角", 0, "@x"],
    ]
    content = written(rows, title="a/b[c]")
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet.title == "a-b-c-"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1] == ROW
    assert values[2][:4] == ["=HYPERLINK(1)", " leading", "trailing ", True]
    assert values[2][4] is None and values[2][5] is None
    # Excel has no time zones: the moment as the bureau's clock showed it.
    assert values[2][6] == datetime(2020, 1, 29)  # noqa: DTZ001
    assert values[2][7] == datetime(2020, 2, 3, 9, 30)  # noqa: DTZ001
    assert values[3] == ["badbell", 12.5, -3, False, "a\nb", "＝全角", 0, "@x"]
    formula = sheet["A3"]
    assert formula.data_type == "s" and formula.quotePrefix and not sheet["B2"].quotePrefix
    assert sheet.column_dimensions["A"].width >= 10
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert calamine[1][:6] == ROW[:6] and calamine[2][0] == "=HYPERLINK(1)"


def test_it_answers_the_rows_written_and_tells_its_progress():
    told = []
    count = write_xlsx_to(io.BytesIO(), "x", ["a"], ([n] for n in range(1234)), progress=told.append)
    assert count == 1234 and told == [ROWS_PER_WRITE - 1, 2 * ROWS_PER_WRITE - 1, 1234]
    assert write_xlsx_to(io.BytesIO(), "x", ["a"], []) == 0


@pytest.mark.parametrize("rows", [40_000])
def test_it_holds_a_few_hundred_rows_not_the_sheet(tmp_path, rows):
    """The sheet of 40,000 rows is some 26 MB of XML; the writer's memory stays at what a few hundred
    rows take, as it streams them to the file on disk."""
    target = tmp_path / "big.xlsx"
    sizes = []

    def stream():
        for n in range(rows):
            if n % 10_000 == 0:
                sizes.append(target.stat().st_size if target.exists() else 0)
            yield [f"{cell}{n}" for cell in ROW[:6]] + [n, n / 2] + ["长长的备注" * 8]

    tracemalloc.start()
    try:
        write_xlsx_to(str(target), "x", ROW, stream())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(target) as package:
        sheet_size = package.getinfo("xl/worksheets/sheet1.xml").file_size
    assert sheet_size > 20_000_000
    assert peak < sheet_size / 10, (peak, sheet_size)
    assert sizes == sorted(sizes) and sizes[-1] > sizes[1] > 0  # the file grows as the rows stream
    assert len(CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()) == rows + 1
