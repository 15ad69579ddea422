"""Reading uploaded spreadsheets (Excel .xlsx or CSV) into rows, and writing Excel files.

Files are recognised by their content, never their name. Every problem with the file as a whole is a
`TableError` with a message in the user's language; problems with single rows are the caller's.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A leading character that makes a spreadsheet treat text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file as a whole cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Row:
    number: int  # as the user sees it in the spreadsheet (the header is row 1)
    values: dict[str, str]


def read_rows(upload: Any, columns: dict[str, Sequence[str]], required: Iterable[str]) -> list[Row]:
    """Rows of an uploaded file, keyed by our column names.

    `columns` maps each column to the headings accepted for it (English and Chinese).
    """
    size = getattr(upload, "size", None)
    if size == 0:
        raise TableError(_("The file is empty."))
    if size is not None and size > settings.MAX_UPLOAD_BYTES:
        raise TableError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": settings.MAX_UPLOAD_BYTES // 1048576}
        )
    data = upload.read()
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(OLD_XLS_MAGIC):
        raise TableError(_("This is an old .xls workbook. Save it as .xlsx (Excel Workbook) and try again."))
    else:
        raw_rows = _csv_rows(data)

    header, body = _split_header(raw_rows)
    keys = _map_header(header, columns, set(required))
    rows = []
    for number, raw in body:
        values = {key: _clean(raw[index]) if index < len(raw) else "" for key, index in keys.items()}
        if any(values.values()):
            rows.append(Row(number, values))
    if not rows:
        raise TableError(_("The file has a heading row but no data rows."))
    if len(rows) > settings.MAX_IMPORT_ROWS:
        raise TableError(_("The file has more than %(limit)s rows.") % {"limit": settings.MAX_IMPORT_ROWS})
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in data[:4096]:
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file."))
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else saves UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    try:
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1))
    except csv.Error:
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file.")) from None


def _split_header(raw_rows: list[tuple[int, list[Any]]]) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    for position, (_number, values) in enumerate(raw_rows):
        if any(_clean(v) for v in values):
            return values, raw_rows[position + 1 :]
    raise TableError(_("The file is empty."))


def _map_header(header: list[Any], columns: dict[str, Sequence[str]], required: set[str]) -> dict[str, int]:
    wanted = {alias.strip().lower(): key for key, aliases in columns.items() for alias in (key, *aliases)}
    keys: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = wanted.get(_clean(heading).lower())
        if key and key not in keys:
            keys[key] = index
    missing = [name for name in columns if name in required and name not in keys]
    if missing:
        raise TableError(
            _("The heading row lacks these columns: %(columns)s.")
            % {"columns": ", ".join(f"{name} ({columns[name][0]})" for name in missing)}
        )
    return keys


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores codes typed as numbers as floats
    return str(value).strip()


def write_xlsx(title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An Excel workbook with one sheet. Text that a spreadsheet would run as a formula stays text."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headings))
    for values in rows:
        sheet.append(list(values))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.6), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
