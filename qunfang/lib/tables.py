"""Reading uploaded spreadsheets (Excel .xlsx or CSV) into rows, and writing Excel files.

Files are recognised by their content, never their name. Every problem with the file as a whole is a
`TableError` with a message in the user's language; problems with single rows are the caller's.
"""

from __future__ import annotations

import contextlib
import csv
import faulthandler
import io
import itertools
import multiprocessing
import operator
import os
import re
import resource
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from qunfang.lib.text import UNWANTED, printable
from qunfang.lib.xlsx import write_xlsx_to

XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# The stream an encrypted (password-protected) Office file keeps its content in, as named in the
# OLE container's directory (UTF-16).
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
HEAD_ROWS = 50  # enough to find the heading row under a title or two
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TableError(ValueError):
    """The file as a whole cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Row:
    number: int  # as the user sees it in the spreadsheet (the header is row 1)
    values: dict[str, str]


@dataclass
class Table:
    """An uploaded sheet: its heading row and the raw rows under it."""

    headings: list[str]
    header_number: int
    body: list[tuple[int, list[Any]]]

    def rows(self, mapping: dict[str, int]) -> Iterator[Row]:
        """The non-blank rows, keyed by our column names through `mapping` (column -> index)."""
        keys, indexes = list(mapping), list(mapping.values())
        width = max(indexes, default=-1) + 1
        for number, raw in self.body:
            if len(raw) < width:
                raw = [*raw, *[""] * (width - len(raw))]
            cells = [raw[index] for index in indexes]
            if UNWANTED.search("".join([cell for cell in cells if type(cell) is str])):
                values = dict(zip(keys, [_clean(cell) for cell in cells], strict=True))
            else:  # most rows: one search for the whole row, not one a cell
                clean = [cell.strip() if type(cell) is str else _clean(cell) for cell in cells]
                values = dict(zip(keys, clean, strict=True))
            if any(values.values()):
                yield Row(number, values)


def read_table(upload: Any, columns: dict[str, Sequence[str]], *, head_only: bool = False) -> Table:
    """The first sheet of an uploaded .xlsx or CSV file. The heading row is the first of the top rows
    that names our columns (a title row above it is skipped); `columns` maps each of our column names
    to the headings accepted for it. `head_only` reads just the top rows, to see what a file holds
    without the time a large one takes."""
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
    merged: list[tuple[int, int, str]] = []
    if data.startswith(XLSX_MAGIC):
        raw_rows, merged = _xlsx_rows(data, limit=HEAD_ROWS if head_only else None)
    elif data.startswith(OLD_XLS_MAGIC):
        # Both old .xls workbooks and password-protected .xlsx files are OLE containers.
        if ENCRYPTED_PACKAGE in data[:1_000_000] or ENCRYPTED_PACKAGE in data[-1_000_000:]:
            raise TableError(
                _("The file is protected by a password. Save a copy without the password and try again.")
            )
        raise TableError(_("This is an old .xls workbook. Save it as .xlsx (Excel Workbook) and try again."))
    else:
        raw_rows = _csv_rows(data)[: HEAD_ROWS if head_only else None]
    if len(raw_rows) > settings.MAX_IMPORT_ROWS + HEAD_ROWS:
        raise TableError(_("The file has more than %(limit)s rows.") % {"limit": settings.MAX_IMPORT_ROWS})

    header_at = _header_position(raw_rows, columns)
    header_number, header = raw_rows[header_at]
    for first_row, last_row, cells in merged:
        if first_row <= header_number <= last_row:
            raise TableError(
                _(
                    "The heading row has merged cells (%(cells)s). Unmerge them so that every column has "
                    "its own heading in one row, and try again."
                )
                % {"cells": cells}
            )
    body = raw_rows[header_at + 1 :]
    if not any(any(_clean(v) for v in raw) for _number, raw in body):
        raise TableError(_("The file has a heading row but no data rows."))
    if len(body) > settings.MAX_IMPORT_ROWS:
        raise TableError(_("The file has more than %(limit)s rows.") % {"limit": settings.MAX_IMPORT_ROWS})
    return Table([_clean(h) for h in header], header_number, body)


def guess_mapping(headings: Sequence[str], columns: dict[str, Sequence[str]]) -> dict[str, int]:
    """Our column -> the index of the file's column whose heading is one we know for it."""
    wanted = {_fold(alias): key for key, aliases in columns.items() for alias in (key, *aliases)}
    mapping: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = wanted.get(_fold(heading))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def missing_columns(
    mapping: dict[str, int], columns: dict[str, Sequence[str]], required: Iterable[str]
) -> str:
    """The message for required columns the mapping lacks, or "" when none is missing."""
    missing = [name for name in required if name not in mapping]
    if not missing:
        return ""
    return _("The heading row lacks these columns: %(columns)s.") % {
        "columns": ", ".join(f"{name} ({columns[name][0]})" for name in missing)
    }


def read_rows(upload: Any, columns: dict[str, Sequence[str]], required: Iterable[str]) -> list[Row]:
    """Rows of an uploaded file, keyed by our column names, the columns found by their headings."""
    table = read_table(upload, columns)
    mapping = guess_mapping(table.headings, columns)
    problem = missing_columns(mapping, columns, required)
    if problem:
        raise TableError(problem)
    return list(table.rows(mapping))


def _fold(heading: Any) -> str:
    """A heading compared loosely: case, spaces and full-width brackets do not matter."""
    return re.sub(r"\s+", "", _clean(heading).lower().replace("（", "(").replace("）", ")"))


def _header_position(raw_rows: list[tuple[int, list[Any]]], columns: dict[str, Sequence[str]]) -> int:
    nonblank = [i for i, (_n, values) in enumerate(raw_rows[:50]) if any(_clean(v) for v in values)]
    if not nonblank:
        raise TableError(_("The file is empty."))
    for position in nonblank[:10]:
        if len(guess_mapping(raw_rows[position][1], columns)) >= 2:
            return position
    return nonblank[0]


def _xlsx_rows(
    data: bytes, limit: int | None = None
) -> tuple[list[tuple[int, list[Any]]], list[tuple[int, int, str]]]:
    """Rows of the first sheet, numbered as Excel shows them, and its merged ranges as (first row,
    last row, "A1:C1"). Read with calamine (Rust), about twenty times faster than openpyxl: a
    province's roll is read in seconds, not minutes.

    A hostile workbook can make any reader allocate without bound (a cell at A1 and one at XFD1048576
    is a dense range of 17 billion cells; a small zip can hold gigabytes of XML). So the package is
    checked before anything is inflated; then, in forked children whose address space and time are
    capped, the cells' addresses are checked and calamine reads: whatever slips past the checks kills
    a child, never the server process. A whole sheet is read while another child checks it (two
    cores at once); its rows are taken only once the check has passed, and a refusal is the check's."""
    _check_package(data)
    deadline = time.monotonic() + settings.MAX_READ_SECONDS
    if limit is None:
        checker = _Child(_check_in_child, data)
        reader = _Child(_read_in_child, data, None)
        outcome = checker.outcome(deadline)
        outcome = reader.outcome(deadline) if outcome == ("checked", None) else reader.kill(outcome)
    else:  # the top rows only: checked, then a sheet cut short is read
        outcome = _Child(_read_in_child, data, limit).outcome(deadline)
    kind, value = outcome
    if kind == "rows":
        return value
    if value == "memory":
        raise TableError(
            _(
                "The file would need more memory to read than the server allows. It may have cells far "
                "apart (an entry at the sheet's last row or column) or far more content than a roll; "
                "copy the data into a new workbook and try again."
            )
        )
    if value == "unreadable":
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file."))
    raise TableError(value)


class _Child:
    """A forked process running `target(*args, pipe)` under the reader's caps, and what it answers."""

    def __init__(self, target, *args: Any):
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe(duplex=False)
        self.process = context.Process(target=_capped, args=(target, *args, child))
        self.process.start()
        child.close()

    def outcome(self, deadline: float) -> tuple[str, Any]:
        try:
            if self.pipe.poll(max(deadline - time.monotonic(), 0)):
                return self.pipe.recv()
            return self.kill(("refused", "memory"))
        except EOFError:  # the child died: out of its memory, or killed
            return ("refused", "memory")
        finally:
            self.pipe.close()
            self.process.join()

    def kill(self, outcome: tuple[str, Any]) -> tuple[str, Any]:
        self.process.kill()
        self.process.join()
        self.pipe.close()
        return outcome


def _capped(target, *args: Any) -> None:
    pipe = args[-1]
    megabytes = settings.MAX_READER_MEMORY_MB
    if megabytes:
        # The cap counts what the forked process already maps (the server's own code and data).
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        cap = mapped + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    # One line in the log when calamine runs out of memory, not fifty: no Rust backtrace, and no
    # Python one from a fault handler the server (or pytest) turned on.
    os.environ["RUST_BACKTRACE"] = "0"
    faulthandler.disable()
    try:
        pipe.send(target(*args[:-1]))
    except TableError as error:
        pipe.send(("refused", str(error)))
    except MemoryError:
        pipe.send(("refused", "memory"))
    except (CalamineError, ValueError, IndexError, OSError, OverflowError, zipfile.BadZipFile, zlib.error):
        pipe.send(("refused", "unreadable"))
    finally:
        pipe.close()


def _check_in_child(data: bytes) -> tuple[str, None]:
    _check_contents(data)
    return ("checked", None)


def _read_in_child(data: bytes, limit: int | None) -> tuple[str, Any]:
    if limit is not None:
        _check_contents(data)
        data = _first_rows_only(data, limit)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    first = sheet.start[0] + 1 if sheet.start else 1  # calamine starts at the first non-empty row
    rows = [
        (number, values) for number, values in enumerate(itertools.islice(sheet.iter_rows(), limit), first)
    ]
    merged = [
        (r1 + 1, r2 + 1, f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2 + 1)}{r2 + 1}")
        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []
    ]
    return ("rows", (rows, merged))


ROW_END = re.compile(rb"</(?:\w+:)?row>")
SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
MERGED_RANGES = re.compile(rb"<(?:\w+:)?mergeCells\b.*?</(?:\w+:)?mergeCells>", re.DOTALL)
WORKSHEET_END = re.compile(rb"</(?:\w+:)?worksheet>\s*$")


def _first_rows_only(data: bytes, limit: int) -> bytes:
    """The package (already checked) with each sheet cut after its first `limit` rows, its merged
    ranges kept: calamine loads a whole sheet, and a look at the heading row needs only the top."""
    package = zipfile.ZipFile(io.BytesIO(data))
    sheets = _sheets(package.infolist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as cut:
        for entry in package.infolist():
            content = package.read(entry)
            cut.writestr(entry.filename, _cut_sheet(content, limit) if entry in sheets else content)
    return out.getvalue()


def _cut_sheet(xml: bytes, limit: int) -> bytes:
    """A sheet's XML ending after its `limit`-th row; the whole sheet when it is shorter, or when its
    shape is not the usual one (then nothing is lost but time)."""
    ends = ROW_END.finditer(xml)
    last = next(itertools.islice(ends, limit - 1, None), None)
    if last is None:
        return xml
    data_end = SHEET_DATA_END.search(xml, last.end())
    worksheet_end = WORKSHEET_END.search(xml, last.end())
    if data_end is None or worksheet_end is None:
        return xml
    merged = MERGED_RANGES.search(xml, data_end.end())
    return b"".join(
        [xml[: last.end()], data_end.group(), merged.group() if merged else b"", worksheet_end.group()]
    )


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')


def _check_package(data: bytes) -> None:
    """Refuse a workbook whose zip entries would inflate beyond the limits (judged from the zip's
    directory before anything is inflated), or whose sheets declare a range beyond them."""
    too_large = TableError(
        _(
            "The file unpacks to more than %(limit)s MB or is packed suspiciously tightly; a real "
            "spreadsheet of this size is not. Copy the data into a new workbook and try again."
        )
        % {"limit": settings.MAX_UNPACKED_MB}
    )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file.")) from None
    if len(entries) > 10_000:
        raise too_large
    # The declared sizes are checked first; reading an entry then stops at its declared size and fails
    # on a wrong checksum, so a size that lies is caught too.
    if sum(entry.file_size for entry in entries) > settings.MAX_UNPACKED_MB * 1024 * 1024:
        raise too_large
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_PACKING_RATIO * max(
            entry.compress_size, 1
        ):
            raise too_large
    for entry in _sheets(entries):
        _check_dimension(package, entry)


def _check_contents(data: bytes) -> None:
    """Inflate every entry as a stream: each checksum verified (a size that lied is caught), and the
    range the sheets' cells span found from their addresses, whatever their dimension claims."""
    package = zipfile.ZipFile(io.BytesIO(data))
    sheets = _sheets(package.infolist())
    for entry in package.infolist():
        if entry in sheets:
            _check_cells(package, entry)
        else:
            _drain(package, entry)


def _sheets(entries: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    return [e for e in entries if e.filename.startswith("xl/worksheets/") and e.filename.endswith(".xml")]


MAX_PACKING_RATIO = 100  # XML of real sheets packs 5–20 times; a zip bomb packs hundreds of times


def _check_dimension(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    with _entry(package, entry) as stream:
        head = stream.read(64 * 1024)
    found = DIMENSION.search(head)
    if not found:
        return
    first_column, first_row, last_column, last_row = found.groups()
    if last_column is None:
        return  # a single cell
    _check_span(
        column_index_from_string(first_column.decode()),
        int(first_row),
        column_index_from_string(last_column.decode()),
        int(last_row),
    )


# `<c` or `<x:c` spelled as two branches: the same cells, found twice as fast as with an optional prefix.
CELL = re.compile(rb'<(?:c|\w+:c)\s+r="([A-Z]{1,3})(\d{1,7})"')


def _check_cells(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """The range the sheet's cells span, from their addresses, whatever its dimension claims: calamine
    allocates every cell of it."""
    first_row = first_column = 2**31
    last_row = last_column = 0
    tail = b""
    with _entry(package, entry) as stream:
        while chunk := stream.read(4 * 1024 * 1024):
            block = tail + chunk
            cut = block.rfind(b"<")  # a cell's address may be split between two chunks
            block, tail = block[:cut], block[cut:]
            found = CELL.findall(block)
            if not found:
                continue
            rows = list(map(int, map(operator.itemgetter(1), found)))
            columns = set(map(operator.itemgetter(0), found))
            first_row, last_row = min(first_row, min(rows)), max(last_row, max(rows))
            indexes = [column_index_from_string(c.decode()) for c in columns]
            first_column, last_column = min(first_column, min(indexes)), max(last_column, max(indexes))
    if last_row:
        _check_span(first_column, first_row, last_column, last_row)


def _check_span(first_column: int, first_row: int, last_column: int, last_row: int) -> None:
    rows, columns = last_row - first_row + 1, last_column - first_column + 1
    if rows > settings.MAX_IMPORT_ROWS + HEAD_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise TableError(
            _(
                "The sheet reaches from %(first)s to %(last)s, more than %(rows)s rows or %(columns)s "
                "columns. Delete the empty rows and columns at its end (or copy the data into a new "
                "workbook) and try again."
            )
            % {
                "first": f"{get_column_letter(first_column)}{first_row}",
                "last": f"{get_column_letter(last_column)}{last_row}",
                "rows": f"{settings.MAX_IMPORT_ROWS:,}",
                "columns": f"{MAX_COLUMNS:,}",
            }
        )


def _drain(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Inflate an entry chunk by chunk (memory stays flat) so that its checksum is verified."""
    with _entry(package, entry) as stream:
        while stream.read(1024 * 1024):
            pass


@contextlib.contextmanager
def _entry(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[Any]:
    try:
        with package.open(entry) as stream:
            yield stream
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
    ):
        # RuntimeError: an encrypted entry; NotImplementedError: a compression zipfile does not know
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file.")) from None


MAX_COLUMNS = 1000  # a roll has a few dozen; Excel's own limit is 16,384
MAX_CELLS = 30_000_000  # the dense range calamine allocates: about a gigabyte


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
    # The reader makes a list of every row's fields before we see it: bound them all beforehand (a
    # delimiter inside quotes counts too, which only makes the bound stricter).
    if text.count(delimiter) > MAX_CELLS:
        raise TableError(_("The file has more than %(limit)s cells.") % {"limit": f"{MAX_CELLS:,}"})
    if max(line.count(delimiter) for line in text.splitlines() or [""]) >= MAX_COLUMNS:
        raise TableError(
            _("A row of the file has more than %(limit)s columns.") % {"limit": f"{MAX_COLUMNS:,}"}
        )
    try:
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1))
    except csv.Error:
        raise TableError(_("The file is not a readable Excel (.xlsx) or CSV file.")) from None


def _clean(value: Any) -> str:
    # Control characters pasted into a sheet are dropped: a form would refuse them, and a record that
    # holds one could not be saved again on its edit page.
    if type(value) is str:
        return printable(value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores codes typed as numbers as floats
    return printable(str(value)).strip()


def write_xlsx(title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An Excel workbook with one sheet, written as it streams (lib/xlsx.py; a province's roll goes to a
    file with `write_xlsx_to` instead). Text that a spreadsheet would run as a formula stays text."""
    buffer = io.BytesIO()
    write_xlsx_to(buffer, title, headings, rows)
    return buffer.getvalue()


def xlsx_response(title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]], filename: str):
    """A download of the rows as an .xlsx file named `filename` (UTF-8 names welcome)."""
    return xlsx_download(write_xlsx(title, headings, rows), filename)


def xlsx_download(content: bytes, filename: str):
    """A download of an .xlsx file already written, named `filename` (UTF-8 names welcome)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
