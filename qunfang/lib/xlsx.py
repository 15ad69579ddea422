"""Writing an Excel workbook of one sheet as its rows stream by, to memory or to a file on disk.

The sheet's XML is written straight into the zip a few hundred rows at a time, each text cell an inline
string: nothing but the rows at hand is ever held, however many there are (a province's roll goes to
a file of its own), and it runs about nine times faster than openpyxl's write-only mode (which builds
an object and an lxml element per cell) and faster still than XlsxWriter's constant-memory mode, on
the roll's 180,000 cells. Excel, LibreOffice, openpyxl and calamine read it.

Text a spreadsheet would run as a formula is marked as text (quotePrefix); control characters that
XML cannot hold are dropped; moments are written as the bureau's clock showed them.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl.utils import get_column_letter

from qunfang.lib.text import UNWANTED, printable

# A leading character that makes a spreadsheet treat text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# First characters that need more than the plain text cell: a formula's, or a space to keep.
SPECIAL_STARTS = frozenset("=+-@ \t\r\n\u3000")
ROWS_PER_WRITE = 500
WIDTH_SAMPLE = 200  # the columns' widths follow the first rows
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 (Excel's day 0: its moments have no zone)
# The cell styles of styles.xml, by their index.
PLAIN, AS_TEXT, DAY, MOMENT = 0, 1, 2, 3

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    HEAD + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters, without []:*?/\\ (a place or round name may have them)."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31] or "Sheet1"


def write_xlsx_to(
    target: str | IO[bytes],
    title: str,
    headings: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to `target` (a path or a binary file) and answer the number of rows under
    the heading; `progress(rows written)` is told after every few hundred."""
    rows = iter(rows)
    first = [list(values) for values in itertools.islice(rows, WIDTH_SAMPLE)]
    name = printable(sheet_title(title)).translate(XML_TEXT)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        package.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="'
            f'{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            return _write_sheet(sheet, headings, first, rows, progress)


def _write_sheet(sheet: IO[bytes], headings, first: list, rest, progress) -> int:
    letters = [get_column_letter(index + 1) for index in range(max([len(headings), *map(len, first)]))]
    sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><cols>'.encode())
    for index, heading in enumerate(headings):
        width = max([len(str(heading)), *(len(str(row[index] or "")) for row in first if index < len(row))])
        sheet.write(
            f'<col min="{index + 1}" max="{index + 1}" width="{min(max(10, width * 1.6), 60):.1f}"'
            ' customWidth="1"/>'.encode()
        )
    sheet.write(b"</cols><sheetData>")
    chunk, count = [_row(1, letters, headings)], 0
    for count, values in enumerate(itertools.chain(first, rest), 1):
        chunk.append(_row(count + 1, letters, values))
        if len(chunk) >= ROWS_PER_WRITE:
            sheet.write("".join(chunk).encode())
            chunk.clear()
            if progress:
                progress(count)
    sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    if progress:
        progress(count)
    return count


def _row(number: int, letters: list[str], values: Sequence[Any]) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if type(value) is str:  # most cells: plain text, written here without a call
            if not value:
                continue
            if value[0] in SPECIAL_STARTS or value[-1].isspace():
                cells.append(_text(f"{letter}{number}", value))
                continue
            if "&" in value or "<" in value or ">" in value:
                value = value.translate(XML_TEXT)
            cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
        elif value is not None:
            cells.append(_cell(f"{letter}{number}", value))
    row = f'<row r="{number}">{"".join(cells)}</row>'
    if UNWANTED.search(row):  # one search a row, not a cell: they are rare
        return _row(number, letters, [printable(value) for value in values])
    return row


def _cell(ref: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _text(ref, value) if value else ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float or kind is Decimal:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no time zones: a moment is written as the bureau's clock showed it.
            value = timezone.make_naive(value)
        return f'<c r="{ref}" s="{MOMENT}"><v>{(value - EXCEL_EPOCH).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DAY}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return _text(ref, printable(str(value)))


def _text(ref: str, value: str) -> str:
    style = f' s="{AS_TEXT}"' if value.startswith(FORMULA_STARTS) else ""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{value.translate(XML_TEXT)}</t></is></c>'
