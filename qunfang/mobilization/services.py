"""Writes to the activity ledger. Every record updates the kept daily totals of its place and of each
ancestor in the same transaction, so any place's figures are a read of a few rows the moment the
record is saved. Records are never changed; a correction reverses a record and records anew."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
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


def _add_to_totals(place_ids: list[int], day: date, type_id: int, count: int, reached: int) -> None:
    if not place_ids or (count == 0 and reached == 0):
        return
    DailyTotal.objects.bulk_create(
        [DailyTotal(place_id=pk, day=day, activity_type_id=type_id) for pk in place_ids],
        ignore_conflicts=True,
    )
    DailyTotal.objects.filter(place_id__in=place_ids, day=day, activity_type_id=type_id).update(
        count=F("count") + count, people_reached=F("people_reached") + reached
    )


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
    join the new ones."""
    old_ancestors = ancestor_ids(old_path)[:-1]  # the paths end with the moved place itself
    new_ancestors = ancestor_ids(new_path)[:-1]
    for total in DailyTotal.objects.filter(place_id=place.pk):
        _add_to_totals(old_ancestors, total.day, total.activity_type_id, -total.count, -total.people_reached)
        _add_to_totals(new_ancestors, total.day, total.activity_type_id, total.count, total.people_reached)


def totals_from_ledger() -> dict[tuple[int, date, int], tuple[int, int]]:
    """Every place's totals recomputed from the raw records: (place, day, type) -> (count, reached)."""
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    sums: dict[tuple[int, date, int], list[int]] = {}
    rows = ActivityRecord.objects.values("place_id", "day", "activity_type_id").annotate(
        count=Sum("count"), reached=Sum("people_reached")
    )
    for row in rows:
        for pk in ancestor_ids(paths[row["place_id"]]):
            kept = sums.setdefault((pk, row["day"], row["activity_type_id"]), [0, 0])
            kept[0] += row["count"]
            kept[1] += row["reached"]
    return {key: (count, reached) for key, (count, reached) in sums.items() if count or reached}


def kept_totals() -> dict[tuple[int, date, int], tuple[int, int]]:
    return {
        (t.place_id, t.day, t.activity_type_id): (t.count, t.people_reached)
        for t in DailyTotal.objects.all()
        if t.count or t.people_reached
    }


@transaction.atomic
def rebuild_totals() -> int:
    """Throw the kept totals away and make them again from the ledger (after a restore, or to check)."""
    DailyTotal.objects.all().delete()
    rows = [
        DailyTotal(place_id=pk, day=day, activity_type_id=type_id, count=count, people_reached=reached)
        for (pk, day, type_id), (count, reached) in totals_from_ledger().items()
    ]
    DailyTotal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
