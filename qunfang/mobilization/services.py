"""Writes to the activity ledger. Every record updates the kept daily totals of its place and of each
ancestor in the same transaction, so any place's figures are a read of a few rows the moment the
record is saved. Records are never changed; a correction reverses a record and records anew."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import Level, OrgUnit, User
from qunfang.mobilization.models import ActivityRecord, ActivityType, DailyTotal

# How much more than a village a place of each level may record in a day.
LIMIT_FACTOR = {
    Level.GRID: 1,
    Level.VILLAGE: 1,
    Level.TOWN: 10,
    Level.DISTRICT: 100,
    Level.CITY: 1_000,
    Level.PROVINCE: 10_000,
}
EARLIEST_DAY = date(2000, 1, 1)


def ancestor_ids(path: str) -> list[int]:
    """The place and its ancestors, from its materialized path "/1/7/42/"."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _upsert(rows_sql: str, params: list) -> None:
    """Add the (place, day, type, count, reached) rows of `rows_sql` to the kept totals in one
    statement. Django's bulk_create can only overwrite on conflict, not add, so this is SQL that
    PostgreSQL and SQLite (3.24+) both speak; `WHERE true` lets SQLite tell ON CONFLICT from a join."""
    totals = _table(DailyTotal)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {totals} (place_id, day, activity_type_id, count, people_reached) "
            f"SELECT * FROM ({rows_sql}) AS added WHERE true "
            "ON CONFLICT (place_id, day, activity_type_id) DO UPDATE SET "
            f"count = {totals}.count + excluded.count, "
            f"people_reached = {totals}.people_reached + excluded.people_reached",
            params,
        )


def _add_to_totals(place_ids: list[int], day: date, type_id: int, count: int, reached: int) -> None:
    if not place_ids or (count == 0 and reached == 0):
        return
    stored_day = connection.ops.adapt_datefield_value(day)
    rows = " UNION ALL ".join(["SELECT %s, %s, %s, %s, %s"] * len(place_ids))
    _upsert(rows, [value for pk in place_ids for value in (pk, stored_day, type_id, count, reached)])


def _write(record: ActivityRecord, place: OrgUnit) -> ActivityRecord:
    record.save()
    _add_to_totals(
        ancestor_ids(place.path), record.day, record.activity_type_id, record.count, record.people_reached
    )
    return record


@dataclass
class Entry:
    activity_type: ActivityType
    count: int
    people_reached: int = 0


def _check(place: OrgUnit, day: date, entries: list[Entry]) -> None:
    errors: dict[str, list[str]] = {}
    if day > timezone.localdate():
        errors.setdefault("day", []).append(_("The day is in the future."))
    if day < EARLIEST_DAY:
        errors.setdefault("day", []).append(_("The day is too long ago."))
    for entry in entries:
        limit = entry.activity_type.daily_limit * LIMIT_FACTOR.get(place.level, 1)
        name = entry.activity_type.code
        if entry.count < 0 or entry.people_reached < 0:
            errors.setdefault(name, []).append(_("A count cannot be negative; correct a record instead."))
        elif entry.count > limit or entry.people_reached > limit * 10:
            errors.setdefault(name, []).append(
                _("%(count)s is more than %(place)s can have done in a day (at most %(limit)s).")
                % {"count": entry.count, "place": place.name, "limit": limit}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_day(
    *,
    by: User | None,
    place: OrgUnit,
    day: date,
    entries: list[Entry],
    participants: str = "",
    note: str = "",
    submission: str = "",
) -> list[ActivityRecord]:
    """A station's counts for one day, one record per activity with a count. A form submitted again
    with the same `submission` key returns the records of the first time and writes nothing."""
    if submission:
        earlier = list(ActivityRecord.objects.filter(submission=submission))
        if earlier:
            return earlier
    entries = [e for e in entries if e.count or e.people_reached]
    _check(place, day, entries)
    records = [
        _write(
            ActivityRecord(
                place=place,
                day=day,
                activity_type=entry.activity_type,
                count=entry.count,
                people_reached=entry.people_reached,
                participants=participants.strip(),
                note=note.strip(),
                submission=submission,
                recorded_by=by if by and by.pk else None,
            ),
            place,
        )
        for entry in entries
    ]
    if records:
        audit.record(
            by=by,
            action="activity.record",
            place=place,
            target=records[0],
            after={"day": day.isoformat(), **{r.activity_type.code: r.count for r in records}},
        )
    return records


@transaction.atomic
def correct_record(
    *, by: User | None, record: ActivityRecord, count: int, people_reached: int = 0, note: str = ""
) -> ActivityRecord | None:
    """Reverse a record and, unless the right count is zero, record the right one. Returns the new
    record (None when the record is simply withdrawn)."""
    record = (
        ActivityRecord.objects.select_for_update().select_related("place", "activity_type").get(pk=record.pk)
    )
    if record.reverses_id or hasattr(record, "reversed_by"):
        raise ValidationError(_("This record has been corrected already, or is itself a correction."))
    _check(record.place, record.day, [Entry(record.activity_type, count, people_reached)])
    _write(
        ActivityRecord(
            place=record.place,
            day=record.day,
            activity_type=record.activity_type,
            count=-record.count,
            people_reached=-record.people_reached,
            reverses=record,
            note=note.strip() or _("correction"),
            recorded_by=by if by and by.pk else None,
        ),
        record.place,
    )
    corrected = None
    if count or people_reached:
        corrected = _write(
            ActivityRecord(
                place=record.place,
                day=record.day,
                activity_type=record.activity_type,
                count=count,
                people_reached=people_reached,
                participants=record.participants,
                note=note.strip(),
                recorded_by=by if by and by.pk else None,
            ),
            record.place,
        )
    audit.record(
        by=by,
        action="activity.correct",
        place=record.place,
        target=record,
        before={"count": record.count, "people_reached": record.people_reached},
        after={"count": count, "people_reached": people_reached},
    )
    return corrected


def move_totals(sender: Any, *, place: OrgUnit, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A subtree moved (core.move_place, same transaction): its totals leave the old ancestors and
    join the new ones, a statement for each side whatever the number of days and types."""
    totals, places = _table(DailyTotal), _table(OrgUnit)
    for ancestors, sign in ((ancestor_ids(old_path)[:-1], -1), (ancestor_ids(new_path)[:-1], 1)):
        if ancestors:  # the paths end with the moved place itself
            marks = ", ".join(["%s"] * len(ancestors))
            _upsert(
                f"SELECT a.id, t.day, t.activity_type_id, t.count * %s, t.people_reached * %s "
                f"FROM {totals} t CROSS JOIN {places} a WHERE t.place_id = %s AND a.id IN ({marks})",
                [sign, sign, place.pk, *ancestors],
            )


def _ledger_sums_sql() -> str:
    """The totals recomputed from the raw records: each place's sums per day and type, added to the
    place itself and to each of its ancestors (found by walking the parents)."""
    places, records = _table(OrgUnit), _table(ActivityRecord)
    return (
        "WITH RECURSIVE up (place_id, ancestor_id) AS ("
        f" SELECT id, id FROM {places}"
        f" UNION ALL SELECT up.place_id, p.parent_id FROM up JOIN {places} p ON p.id = up.ancestor_id"
        "  WHERE p.parent_id IS NOT NULL),"
        " own AS (SELECT place_id, day, activity_type_id, SUM(count) AS count,"
        f"  SUM(people_reached) AS people_reached FROM {records} GROUP BY place_id, day, activity_type_id),"
        " fresh AS (SELECT up.ancestor_id AS place_id, own.day, own.activity_type_id,"
        "  SUM(own.count) AS count, SUM(own.people_reached) AS people_reached"
        "  FROM own JOIN up ON up.place_id = own.place_id"
        "  GROUP BY up.ancestor_id, own.day, own.activity_type_id"
        "  HAVING SUM(own.count) <> 0 OR SUM(own.people_reached) <> 0) "
    )


def count_disagreements() -> int:
    """How many kept totals differ from the ledger summed up the tree (missing or extra ones count)."""
    kept = (
        f"SELECT place_id, day, activity_type_id, count, people_reached FROM {_table(DailyTotal)}"
        " WHERE count <> 0 OR people_reached <> 0"
    )
    fresh = "SELECT place_id, day, activity_type_id, count, people_reached FROM fresh"
    with connection.cursor() as cursor:
        cursor.execute(
            _ledger_sums_sql() + f"SELECT (SELECT COUNT(*) FROM ({kept} EXCEPT {fresh}) AS extra)"
            f" + (SELECT COUNT(*) FROM ({fresh} EXCEPT {kept}) AS missing)"
        )
        return cursor.fetchone()[0]


@transaction.atomic
def rebuild_totals() -> int:
    """Throw the kept totals away and make them again from the ledger (after a restore, or to check),
    in the database: at province scale the ledger holds millions of records."""
    DailyTotal.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            _ledger_sums_sql()
            + f"INSERT INTO {_table(DailyTotal)} (place_id, day, activity_type_id, count, people_reached)"
            " SELECT place_id, day, activity_type_id, count, people_reached FROM fresh"
        )
    return DailyTotal.objects.count()
