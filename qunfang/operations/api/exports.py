"""The operations lists as the pages export them (operations/exports.py, one declaration each): the
same columns as JSON rows keyed by the columns' names, or the same .xlsx the page downloads."""

from datetime import date
from enum import StrEnum

from django.utils import timezone
from ninja import Field, Query, Schema

from qunfang.core.access import place_for
from qunfang.lib.apitypes import ERRORS, Day, Id
from qunfang.operations import exports, selectors
from qunfang.operations.api.work import VIEW, router


class ListName(StrEnum):
    STAFF = "staff"
    LEADING_GROUPS = "leading-groups"
    TASKS = "tasks"
    HEALTH = "health"
    LEAVE = "leave"
    MEASURES = "measures"


class ExportQuery(Schema):
    place_id: Id
    day: Day | None = Field(None, description="health: the day (today without it)")
    start: Day | None = Field(None, description="measures: the first day")
    end: Day | None = Field(None, description="measures: the last day")
    format: str = Field("json", pattern="^(json|xlsx)$", description="json rows, or the page's .xlsx")


class ColumnOut(Schema):
    key: str
    heading: str


class ExportOut(Schema):
    columns: list[ColumnOut]
    rows: list[dict]


def _items(name: ListName, scope, place, query: ExportQuery):
    """The list's export and its items, read as the list's page reads them."""
    if name == ListName.STAFF:
        return exports.STAFF, selectors.staff(scope, place)
    if name == ListName.LEADING_GROUPS:
        pairs = [(g, m) for g in selectors.groups(scope, place) for m in selectors.group_members(g)]
        return exports.GROUP_MEMBERS, pairs
    if name == ListName.TASKS:
        return exports.TASKS, selectors.tasks(scope, place)
    if name == ListName.HEALTH:
        return exports.HEALTH, selectors.health_board(scope, place, query.day or timezone.localdate()).rows
    if name == ListName.LEAVE:
        return exports.LEAVE, selectors.leaves(scope, place)
    end = query.end or timezone.localdate()
    return exports.MEASURES, selectors.measures(scope, place, query.start or date(end.year, 1, 1), end)


@router.get("/operations/exports/{list_name}", response={200: ExportOut, **ERRORS})
def export_list(request, list_name: ListName, query: Query[ExportQuery]):
    """A list of the place as its page exports it: `format=xlsx` gives the same spreadsheet."""
    place = place_for(request, query.place_id, VIEW)
    export, items = _items(list_name, request.scope, place, query)
    if query.format == "xlsx":
        return export.response(items, title=list_name.value, filename=f"{place.name}-{list_name.value}.xlsx")
    return {
        "columns": [{"key": c.key, "heading": str(c.heading)} for c in export.columns],
        "rows": [{k: str(v) for k, v in row.items()} for row in export.records(items)],
    }
