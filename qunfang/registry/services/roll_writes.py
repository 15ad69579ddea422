"""A spreadsheet roll planned (every row checked, nothing written) and written in bulk: shared by the
import, the demo and `synth`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import ID_NUMBER, PHONE, Protected, blind_index, encrypt_many
from qunfang.core.writes import within_a_service, writes_nothing
from qunfang.lib.bulk import insert_rows, one_parameter
from qunfang.lib.tables import Table
from qunfang.registry import roll
from qunfang.registry.models import Move, Veteran
from qunfang.registry.services.veterans import VETERAN_FIELDS, _tags_named

# --- bringing a spreadsheet roll in -------------------------------------------------------------------
#
# A roll is uploaded, its columns matched to ours, checked (a dry run that writes nothing and lists every
# bad row), then imported in the background in one transaction. An ID number already on the roll under
# the import's place is updated, never duplicated, so importing the same file twice changes nothing.

# The columns a row sets (a new veteran takes defaults for those the file lacks; a re-import compares
# them to tell changed records from unchanged ones), and those derived for a new veteran.
ROW_FIELDS = [name if name != "place" else "place_id" for name in VETERAN_FIELDS]
NEW_DERIVED_FIELDS = [
    "id_number",
    "id_number_index",
    "phone",
    "phone_index",
    "birth_date",
    "sex",
    "created_at",
    "updated_at",
]
LOOKUP_CHUNK = 500  # ID indexes per query: well under SQLite's limit of bound parameters
WRITE_BATCH = 1000
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class RollPlan:
    """What importing the rows would do. Nothing is written to make it."""

    total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # [{"row", "name", "message"}]
    new: list[roll.Entry] = field(default_factory=list)
    changed: list[tuple[roll.Entry, dict[str, Any]]] = field(default_factory=list)  # with the stored values
    unchanged: int = 0

    @property
    def good(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@writes_nothing
def plan_roll(
    *, within: OrgUnit, table: Table, mapping: dict[str, int], progress: Progress = _no_progress
) -> RollPlan:
    reader = roll.RowReader(within)
    plan = RollPlan()
    good: dict[str, roll.Entry] = {}  # blind index -> entry
    first_row: dict[str, int] = {}  # ID number -> the row it first appeared in
    for row in table.rows(mapping):
        plan.total += 1
        entry, problems = reader.read(row.number, row.values)
        if entry is not None and entry.id_number in first_row:
            problems = [
                _("the ID number appears again in this file (first in row %(row)s)")
                % {"row": first_row[entry.id_number]}
            ]
            entry = None
        if entry is None:
            plan.errors.append(
                {"row": row.number, "name": row.values.get("name", ""), "message": "; ".join(problems)}
            )
        else:
            first_row[entry.id_number] = row.number
            entry.index = blind_index(ID_NUMBER, entry.id_number)
            good[entry.index] = entry
        if plan.total % 5000 == 0:
            progress("checking", plan.total, len(table.body))

    stored: dict[str, dict[str, Any]] = {}
    for values in Veteran.objects.filter(id_number_index__in=one_parameter(list(good))).values(
        "pk", "id_number_index", "place__path", "phone_index", *ROW_FIELDS
    ):
        stored[values["id_number_index"]] = values
    tags_of: dict[int, list[str]] = {}
    if "tags" in mapping:
        pks = [values["pk"] for values in stored.values()]
        for chunk in _chunks(pks, LOOKUP_CHUNK):
            for veteran_id, tag in Veteran.tags.through.objects.filter(veteran_id__in=chunk).values_list(
                "veteran_id", "tag__name"
            ):
                tags_of.setdefault(veteran_id, []).append(tag)

    for index, entry in good.items():
        values = stored.get(index)
        if values is None:
            plan.new.append(entry)
        elif not values["place__path"].startswith(within.path):
            # The record is another place's: say so without telling what the user may not see.
            plan.errors.append(
                {
                    "row": entry.number,
                    "name": entry.fields.get("name", ""),
                    # Neither who nor which record: an ID number is guessable, and a dry run takes
                    # half a million of them.
                    "message": _(
                        "this ID number is already on a roll outside %(within)s; if the veteran has moved "
                        "here, ask the district bureau to move the record"
                    )
                    % {"within": within.name},
                }
            )
        elif _differs(entry, values, sorted(tags_of.get(values["pk"], []))):
            plan.changed.append((entry, values))
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda error: error["row"])
    return plan


def _differs(entry: roll.Entry, stored: dict[str, Any], stored_tags: list[str]) -> bool:
    for name, value in entry.fields.items():
        if name == "phone":
            if (blind_index(PHONE, value) if value else None) != stored["phone_index"]:
                return True
        elif stored[name] != value:
            return True
    return entry.tags is not None and entry.tags != stored_tags


def _sealed(kind: str, value: str | None, index: str | None = None) -> Protected | None:
    if not value:
        return None
    return Protected.of_normalized(kind, value, index)


@within_a_service
def write_roll(
    *, by: User | None, within: OrgUnit, plan: RollPlan, progress: Progress = _no_progress
) -> None:
    """Write a plan's new and changed veterans in bulk: one transaction, a few thousand rows per
    statement, one audit entry for the whole file. Bulk writes skip `save()`, so the blind indexes and
    timestamps are set here."""
    now = timezone.now()
    tag_names = {name for entry in plan.new for name in entry.tags or []}
    tag_names |= {name for entry, _values in plan.changed for name in entry.tags or []}
    tags = {tag.name: tag.pk for tag in _tags_named(tag_names, within, by)} if tag_names else {}
    total, done = len(plan.new) + len(plan.changed), 0
    for batch in _chunks(plan.new, WRITE_BATCH):
        _insert_new(batch, within, tags, now)
        done += len(batch)
        progress("writing", done, total)
    for batch in _chunks(plan.changed, WRITE_BATCH):
        _update_changed(batch, tags, now, by)
        done += len(batch)
        progress("writing", done, total)


def _insert_new(batch: list[roll.Entry], within: OrgUnit, tags: dict[str, int], now) -> None:
    """New veterans in one statement, with their tags in another."""
    defaults = {name: Veteran._meta.get_field(name).get_default() for name in ROW_FIELDS}
    stamp = connection.ops.adapt_datetimefield_value(now)
    adapt_date = connection.ops.adapt_datefield_value
    # Sealed a batch at a time (what Protected.of_normalized does a value at a time): the row needs only
    # the ciphertext and the blind index, not the mask.
    id_numbers = encrypt_many([entry.id_number for entry in batch])
    phones = [entry.fields.get("phone") for entry in batch]
    phone_texts = iter(encrypt_many([phone for phone in phones if phone]))
    rows = []
    for entry, id_number, phone in zip(batch, id_numbers, phones, strict=True):
        values = {**defaults, "place_id": within.pk, **entry.fields}
        rows.append(
            (
                *(values[name] for name in ROW_FIELDS),
                id_number,
                entry.index,
                next(phone_texts) if phone else None,
                blind_index(PHONE, phone) if phone else None,
                adapt_date(entry.birth_date),
                entry.sex,
                stamp,
                stamp,
            )
        )
    insert_rows(Veteran, [*ROW_FIELDS, *NEW_DERIVED_FIELDS], rows)
    tagged = [entry for entry in batch if entry.tags]
    if tagged:
        pks = dict(
            Veteran.objects.filter(id_number_index__in=one_parameter([e.index for e in tagged])).values_list(
                "id_number_index", "pk"
            )
        )
        insert_rows(
            Veteran.tags.through,
            ["veteran", "tag"],
            [(pks[entry.index], tags[name]) for entry in tagged for name in entry.tags],
        )


def _update_changed(
    batch: list[tuple[roll.Entry, dict[str, Any]]], tags: dict[str, int], now, by: User | None
) -> None:
    """Changed veterans in one bulk update; a new place is a Move; new tags replace the old."""
    through = Veteran.tags.through
    veterans, moves, retagged = [], [], []
    updated = {"updated_at"}
    for entry, stored in batch:
        veteran = Veteran(pk=stored["pk"], updated_at=now)
        for name, value in entry.fields.items():
            if name == "phone":
                veteran.phone = _sealed(PHONE, value)
                veteran.phone_index = veteran.phone.index if veteran.phone else None
                updated |= {"phone", "phone_index"}
            else:
                setattr(veteran, name, value)
                updated.add(name)
        if "place_id" in entry.fields and entry.fields["place_id"] != stored["place_id"]:
            moves.append(
                Move(
                    veteran_id=stored["pk"],
                    from_place_id=stored["place_id"],
                    to_place_id=entry.fields["place_id"],
                    moved_by=audit.acting_user(by),
                    moved_at=now,
                )
            )
        if entry.tags is not None:
            retagged.append((stored["pk"], entry.tags))
        veterans.append(veteran)
    Veteran.objects.bulk_update(veterans, [name.removesuffix("_id") for name in updated])
    Move.objects.bulk_create(moves)
    through.objects.filter(veteran_id__in=[pk for pk, _names in retagged]).delete()
    through.objects.bulk_create(
        [through(veteran_id=pk, tag_id=tags[name]) for pk, names in retagged for name in names]
    )
