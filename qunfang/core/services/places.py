"""Every write to the tree of places: creating, changing and moving a place, and bringing in a tree
from a spreadsheet (checked whole, then written in one transaction, in the background)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.background import background_task
from qunfang.core.models import (
    LEVEL_RANK,
    HallStatus,
    ImportJob,
    Level,
    OrgUnit,
    StationKind,
    User,
)
from qunfang.core.signals import place_moved
from qunfang.core.writes import service, writes_nothing
from qunfang.lib.choices import choice_reader
from qunfang.lib.tables import Row, TableError, read_rows
from qunfang.lib.uploads import delete_upload, open_upload, save_upload

PLACE_FIELDS = ["name", "code", "level", "parent", "station_kind", "address", "phone", "hall_status"]


# --- places -------------------------------------------------------------------------------------------


@writes_nothing
def normalize_code(raw: str | None) -> str | None:
    """A statistical division code as its 12 digits; shorter official forms (44, 4418, 441803,
    441803104) are padded with zeros, as the statistics bureau writes them."""
    code = (raw or "").replace(" ", "").strip()
    if not code:
        return None
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValidationError(
            _("“%(code)s” is not a division code: it must have 12 digits (or 2, 4, 6 or 9 to be padded).")
            % {"code": code}
        )
    return code.ljust(12, "0")


def _check_level(parent: OrgUnit | None, level: str) -> None:
    if level not in LEVEL_RANK:
        raise ValidationError(_("“%(level)s” is not a level.") % {"level": level})
    if parent is not None and LEVEL_RANK[level] <= LEVEL_RANK[parent.level]:
        raise ValidationError(
            _("A %(child)s cannot sit under a %(parent)s.")
            % {"child": Level(level).label, "parent": Level(parent.level).label}
        )


def _check_code_free(code: str | None, exclude_pk: int | None = None) -> None:
    if code and OrgUnit.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        # The other place may lie outside the user's places: say nothing about it.
        raise ValidationError(_("The division code %(code)s is already in use.") % {"code": code})


def _insert_place(parent: OrgUnit | None, **fields: Any) -> OrgUnit:
    # A placeholder of its own until the id is known (paths are unique), never matched by a prefix.
    placeholder = f"new:{secrets.token_hex(8)}"
    place = OrgUnit(parent=parent, depth=parent.depth + 1 if parent else 0, path=placeholder, **fields)
    place.full_clean(exclude=["path", "parent", "code"])
    place.save()
    # The path holds the place's own id, known only after the insert.
    place.path = f"{parent.path if parent else '/'}{place.pk}/"
    place.save(update_fields=["path"])
    return place


@service
def create_place(
    *,
    by: User | None,
    parent: OrgUnit | None,
    name: str,
    level: str,
    code: str | None = None,
    station_kind: str = StationKind.NONE,
    address: str = "",
    phone: str = "",
    hall_status: str = HallStatus.OPEN,
) -> OrgUnit:
    _check_level(parent, level)
    code = normalize_code(code)
    _check_code_free(code)
    place = _insert_place(
        parent,
        name=name.strip(),
        level=level,
        code=code,
        station_kind=station_kind,
        address=address,
        phone=phone,
        hall_status=hall_status,
    )
    audit.record(
        by=by, action="place.create", place=place, target=place, after=audit.snapshot(place, PLACE_FIELDS)
    )
    return place


@service
def update_place(*, by: User | None, place: OrgUnit, **changes: Any) -> OrgUnit:
    """Change a place's name, code, level or station facts (not its parent: see `move_place`)."""
    place = OrgUnit.objects.select_for_update().get(pk=place.pk)
    before = audit.snapshot(place, PLACE_FIELDS)
    if "code" in changes:
        changes["code"] = normalize_code(changes["code"])
        _check_code_free(changes["code"], exclude_pk=place.pk)
    if "level" in changes and changes["level"] != place.level:
        _check_level(place.parent, changes["level"])
        deepest_child = min(
            (LEVEL_RANK[level] for level in place.children.values_list("level", flat=True)), default=None
        )
        if deepest_child is not None and deepest_child <= LEVEL_RANK[changes["level"]]:
            raise ValidationError(_("The new level would sit below some of this place's own children."))
    for field, value in changes.items():
        setattr(place, field, value.strip() if isinstance(value, str) else value)
    place.full_clean(exclude=["path", "parent", "code"])
    after = audit.snapshot(place, PLACE_FIELDS)
    if after != before:  # a form saved unchanged writes nothing
        place.save()
        audit.record(by=by, action="place.update", place=place, target=place, before=before, after=after)
    return place


@service
def move_place(*, by: User | None, place: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Hang a place and its whole subtree under another parent; every path below follows."""
    place = OrgUnit.objects.select_for_update().get(pk=place.pk)
    new_parent = OrgUnit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(place.path):
        raise ValidationError(_("A place cannot move under itself or under one of its own places."))
    _check_level(new_parent, place.level)
    before = audit.snapshot(place, ["parent", "path"])
    old_prefix = place.path
    new_prefix = f"{new_parent.path}{place.pk}/"
    depth_change = new_parent.depth + 1 - place.depth
    OrgUnit.objects.under(old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + depth_change,
    )
    OrgUnit.objects.filter(pk=place.pk).update(parent=new_parent)
    place.refresh_from_db()
    place_moved.send(sender=OrgUnit, place=place, old_path=old_prefix, new_path=new_prefix)
    audit.record(
        by=by,
        action="place.move",
        place=place,
        target=place,
        before=before,
        after=audit.snapshot(place, ["parent", "path"]),
    )
    return place


# --- importing a tree ---------------------------------------------------------------------------------

IMPORT_COLUMNS = {
    "code": ["division code", "代码", "区划代码", "统计用区划代码"],
    "name": ["名称", "地名", "单位名称"],
    "parent_code": ["parent code", "上级代码", "上级区划代码"],
    "level": ["层级", "级别"],
    "station_kind": ["station", "服务站"],
    "address": ["地址"],
    "phone": ["phone", "电话", "服务站电话"],
    "hall_status": ["hall status", "service hall", "大厅状态"],
}
IMPORT_REQUIRED = {"name", "level"}

# Words people write in the level column, beyond our own values and labels.
LEVEL_WORDS = {
    "省": Level.PROVINCE,
    "自治区": Level.PROVINCE,
    "直辖市": Level.PROVINCE,
    "市": Level.CITY,
    "地级市": Level.CITY,
    "州": Level.CITY,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
    "县级市": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "镇": Level.TOWN,
    "乡": Level.TOWN,
    "街道": Level.TOWN,
    "镇街": Level.TOWN,
    "村": Level.VILLAGE,
    "社区": Level.VILLAGE,
    "村居": Level.VILLAGE,
    "网格": Level.GRID,
}


STATION_WORDS = {
    "服务中心": StationKind.SERVICE_CENTRE,
    "中心": StationKind.SERVICE_CENTRE,
    "服务站": StationKind.SERVICE_STATION,
    "站": StationKind.SERVICE_STATION,
    "无": StationKind.NONE,
}
HALL_WORDS = {
    "开": HallStatus.OPEN,
    "关": HallStatus.CLOSED,
    "线上": HallStatus.ONLINE_ONLY,
    "网上": HallStatus.ONLINE_ONLY,
    "网上办理": HallStatus.ONLINE_ONLY,
}


@dataclass
class RowError:
    row: int
    message: str


class ImportRejected(Exception):
    """Some rows are bad; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


@service
def import_places(*, by: User | None, within: OrgUnit, rows: list[Row]) -> list[OrgUnit]:
    """Create the places of a spreadsheet under `within`. A blank parent code means `within` itself;
    other parents are places already under `within` or rows of the same file. All or nothing."""
    errors: list[RowError] = []
    parsed: dict[int, dict[str, Any]] = {}
    by_code: dict[str, int] = {}
    existing = {p.code: p for p in OrgUnit.objects.under(within).exclude(code=None)}
    for row in rows:
        data, problems = _parse_place_row(row.values)
        code = data.get("code")
        if code:
            if code in by_code:
                problems.append(
                    _("the code %(code)s appears again (first in row %(row)s)")
                    % {"code": code, "row": by_code[code]}
                )
            elif OrgUnit.objects.filter(code=code).exists():
                problems.append(_("the division code %(code)s is already in use") % {"code": code})
            else:
                by_code[code] = row.number
        errors.extend(RowError(row.number, message) for message in problems)
        parsed[row.number] = data

    # Resolve each row's parent: a place in the tree, a row of this file, or `within`.
    parents: dict[int, OrgUnit | int] = {}
    for number, data in parsed.items():
        parent_code = data.get("parent_code")
        if not parent_code:
            parents[number] = within
        elif parent_code in by_code:
            parents[number] = by_code[parent_code]
        elif parent_code in existing:
            parents[number] = existing[parent_code]
        else:
            errors.append(RowError(number, _("unknown parent code %(code)s") % {"code": parent_code}))

    order = _creation_order(parents, errors)
    for number in order:
        parent = parents[number]
        parent_level = parsed[parent]["level"] if isinstance(parent, int) else parent.level
        level = parsed[number].get("level")
        if level and parent_level and LEVEL_RANK[level] <= LEVEL_RANK[parent_level]:
            errors.append(
                RowError(
                    number,
                    _("a %(child)s cannot sit under a %(parent)s")
                    % {"child": Level(level).label, "parent": Level(parent_level).label},
                )
            )

    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))

    created: dict[int, OrgUnit] = {}
    for number in order:
        parent = parents[number]
        data = {k: v for k, v in parsed[number].items() if k != "parent_code"}
        created[number] = create_place(
            by=by, parent=created[parent] if isinstance(parent, int) else parent, **data
        )
    return [created[number] for number in sorted(created)]


def _parse_place_row(values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    data: dict[str, Any] = {"name": values.get("name", "")}
    if not data["name"]:
        problems.append(_("the name is missing"))
    elif len(data["name"]) > 100:
        problems.append(_("the name is longer than 100 characters"))
    level = choice_reader(Level, LEVEL_WORDS)(values.get("level", ""))
    if level is None:
        problems.append(_("“%(level)s” is not a level") % {"level": values.get("level", "")})
    data["level"] = level
    for key, choices, default, words in (
        ("station_kind", StationKind, StationKind.NONE, STATION_WORDS),
        ("hall_status", HallStatus, HallStatus.OPEN, HALL_WORDS),
    ):
        text = values.get(key, "")
        value = choice_reader(choices, words)(text) if text else default
        if value is None:
            problems.append(_("“%(value)s” is not a valid %(column)s") % {"value": text, "column": key})
        data[key] = value
    for key, limit in (("address", 200), ("phone", 40)):
        data[key] = values.get(key, "")
        if len(data[key]) > limit:
            problems.append(_("the %(column)s is too long") % {"column": key})
    for key in ("code", "parent_code"):
        try:
            data[key] = normalize_code(values.get(key))
        except ValidationError as error:
            problems.extend(error.messages)
            data[key] = None
    return data, problems


def _creation_order(parents: dict[int, OrgUnit | int], errors: list[RowError]) -> list[int]:
    """Rows ordered so that every parent comes before its children. A row whose chain of parents loops
    or reaches a bad row is an error. Iterative: a hostile file may chain thousands of rows."""
    order: list[int] = []
    done: dict[int, bool] = {}
    for start in sorted(parents):
        chain: list[int] = []
        node: OrgUnit | int = start
        while isinstance(node, int) and node not in done and node in parents and node not in chain:
            chain.append(node)
            node = parents[node]
        fine = not isinstance(node, int) or done.get(node, False)
        for number in reversed(chain):
            done[number] = fine
            if fine:
                order.append(number)
            else:
                errors.append(RowError(number, _("the parent codes form a cycle or lead to a bad row")))
    return order


# --- background imports -------------------------------------------------------------------------------


@service
def queue_import(*, by: User, place: OrgUnit, upload) -> ImportJob:
    """Store the spreadsheet and queue its import under `place`. With the database task backend the
    job and its task commit in the same transaction: both exist, or neither. What is wrong with the file
    as a whole is refused here at once (TableError), and nothing is kept; its rows are checked in the
    background."""
    read_rows(upload, IMPORT_COLUMNS, IMPORT_REQUIRED)
    relative = save_upload(upload, "imports")
    try:
        job = ImportJob.objects.create(
            place=place, created_by=by, file=relative, original_name=upload.name[:200]
        )
        audit.record(
            by=by, action="place.import_queued", place=place, target=job, after={"file": upload.name}
        )
        import_places_task.enqueue(job.pk)
    except BaseException:
        delete_upload(relative)
        raise
    return job


@background_task()
def import_places_task(job_id: int) -> None:
    """The queued import: idempotent, a second run of a finished job does nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    # The places and the job's "done" commit together: a worker killed halfway leaves no place behind,
    # and the job still running, to be taken up again.
    with transaction.atomic():
        # Not select_related with the lock: PostgreSQL cannot lock the nullable side of an outer join.
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        try:
            with open_upload(job.file) as file:
                rows = read_rows(file, IMPORT_COLUMNS, IMPORT_REQUIRED)
            created = import_places(by=job.created_by, within=job.place, rows=rows)
        except TableError as error:
            job.status, job.message = ImportJob.Status.FAILED, str(error)[:300]
        except ImportRejected as rejected:
            job.status = ImportJob.Status.FAILED
            job.errors = [{"row": e.row, "message": e.message} for e in rejected.errors]
        else:
            job.status, job.created_count = ImportJob.Status.DONE, len(created)
        job.finished_at = timezone.now()
        job.save()
