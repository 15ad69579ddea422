"""A list's export, declared once: its columns, each a heading and how one item gives its value. The
page downloads it as .xlsx (`response`), an API can answer the same rows keyed by the columns' names
(`records`), so the spreadsheet and the API never drift apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from qunfang.lib.tables import write_xlsx, xlsx_download


class Column(NamedTuple):
    key: str  # the value's name in the API's rows
    heading: str | Promise  # the spreadsheet's heading (gettext_lazy: translated when written)
    value: Callable[[Any], Any]


class Export:
    def __init__(self, *columns: Column):
        self.columns = columns

    def headings(self) -> list[str]:
        return [str(column.heading) for column in self.columns]

    def rows(self, items: Iterable[Any]) -> Iterator[list[Any]]:
        return ([column.value(item) for column in self.columns] for item in items)

    def records(self, items: Iterable[Any]) -> Iterator[dict[str, Any]]:
        return ({column.key: column.value(item) for column in self.columns} for item in items)

    def xlsx(self, title: str, items: Iterable[Any]) -> bytes:
        return write_xlsx(title, self.headings(), self.rows(items))

    def response(self, items: Iterable[Any], *, title: str, filename: str):
        """The items as an .xlsx download named `filename`, its sheet named `title`."""
        return xlsx_download(self.xlsx(title, items), filename)


def yes_no(flag: Any) -> str:
    return _("yes") if flag else _("no")


def yes_or_blank(flag: Any) -> str:
    return _("yes") if flag else ""


def minute(moment: datetime | None) -> str:
    """A moment to the minute, in the local time, as a spreadsheet's cell shows it."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def text(value: Any) -> str:
    """A value as text, blank for none (a day, a person, a phone)."""
    return str(value or "")
