"""Writes to the veterans roll: adding, editing and moving veterans, their families, revealing
protected data (audited), and bringing whole spreadsheet rolls in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.background import background_task
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import ID_NUMBER, PHONE, Protected, blind_index, parse_id_number, set_fields
from qunfang.core.roles import Capability
from qunfang.core.writes import in_steps, service, within_a_service, writes_nothing
from qunfang.lib.bulk import garbage_collection_paused, insert_rows
from qunfang.lib.tables import Table, TableError, guess_mapping, missing_columns, read_table, write_xlsx
from qunfang.lib.uploads import open_upload, save_upload
from qunfang.registry import roll
from qunfang.registry.models import FamilyMember, Move, RollImport, Tag, Veteran

# Audit entries show protected fields as their masks: the log must not become a copy of the roll.
VETERAN_FIELDS = [
    "name",
    "place",
    "address",
    "category",
    "status",
    "service_branch",
    "enlisted_year",
    "discharged_year",
    "party_member",
    "sms_opt_out",
]
PROTECTED_FIELDS = {"id_number": ID_NUMBER, "phone": PHONE}


def _snapshot(veteran: Veteran) -> dict[str, Any]:
    values = audit.snapshot(veteran, VETERAN_FIELDS)
    values.update({name: str(getattr(veteran, name) or "") for name in PROTECTED_FIELDS})
    if veteran.pk:
        tags = getattr(veteran, "_new_tags", None)
        values["tags"] = sorted(t.name for t in (tags if tags is not None else veteran.tags.all()))
    return values


def _apply(veteran: Veteran, fields: dict[str, Any], by: User | None) -> None:
    fields = dict(fields)
    tags = fields.pop("tags", None)
    set_fields(veteran, fields)
    if tags is not None:
        veteran._new_tags = _tags_named(tags, veteran.place, by)
    if veteran.id_number is None:  # blank, or only spaces
        raise ValidationError({"id_number": _("Enter the veteran's ID number.")})
    parsed = parse_id_number(veteran.id_number.reveal())
    veteran.birth_date, veteran.sex = parsed.birth_date, parsed.sex


UNCLEANED = ["id_number", "phone", "id_number_index", "phone_index", "birth_date", "sex"]


def _tags_named(names: Iterable[str], place: OrgUnit, by: User | None) -> list[Tag]:
    """The tags of these names for a veteran at `place`: a tag of the place or of a place above it when
    there is one (the bureau's own first), else a new one, which belongs to the widest place above
    `place` where `by` works (a bureau admin's tags are the district's, a clerk's the village's)."""
    names = sorted({name.strip() for name in names if name and name.strip()})
    for name in names:
        if len(name) > 30:
            raise ValidationError({"tags": _("A tag has at most 30 characters.")})
    if not names:
        return []
    above = [*place.ancestor_ids, place.pk]
    found: dict[str, Tag] = {}
    for tag in Tag.objects.filter(name__in=names, place_id__in=above).order_by("-place__path"):
        found[tag.name] = tag  # the last kept is the one highest up
    missing = [name for name in names if name not in found]
    if missing:
        owner = _tag_owner(place, by)
        Tag.objects.bulk_create([Tag(place=owner, name=name) for name in missing], ignore_conflicts=True)
        found.update({tag.name: tag for tag in Tag.objects.filter(place=owner, name__in=missing)})
    return [found[name] for name in names]


def _tag_owner(place: OrgUnit, by: User | None) -> OrgUnit:
    if by is not None:
        paths = [p for p in Scope.for_user(by).paths(Capability.MANAGE_VETERANS) if place.path.startswith(p)]
        if paths:
            return OrgUnit.objects.get(path=min(paths, key=len))
    return place


def _save_tags(veteran: Veteran) -> None:
    tags = getattr(veteran, "_new_tags", None)
    if tags is not None:
        veteran.tags.set(tags)
        del veteran._new_tags


def _check_unique_id(veteran: Veteran, by: User | None) -> None:
    """One record per ID number. Who holds it is said only to a user who may see that record: an ID
    number is guessable (region, birth date, sequence, check digit), so naming the person or the
    place would let anyone look veterans up in every district."""
    index = veteran.id_number.index
    other = (
        Veteran.objects.filter(id_number_index=index).exclude(pk=veteran.pk).select_related("place").first()
    )
    if other is None:
        return
    if by is None or Scope.for_user(by).allows(Capability.VIEW_VETERANS, other.place):
        message = _("This ID number is already on the roll: %(name)s at %(place)s (record %(id)s).") % {
            "name": other.name,
            "place": other.place.name,
            "id": other.pk,
        }
    else:
        message = ELSEWHERE_ON_A_ROLL
    raise ValidationError({"id_number": message})


ELSEWHERE_ON_A_ROLL = gettext_lazy(
    "This ID number is already on a roll elsewhere. If the veteran has moved here, ask the district "
    "bureau to move the record."
)


@service
def create_veteran(*, by: User | None, place: OrgUnit, name: str, id_number: str, **fields: Any) -> Veteran:
    veteran = Veteran(place=place)
    _apply(veteran, {"name": name, "id_number": id_number, **fields}, by)
    _check_unique_id(veteran, by)
    veteran.full_clean(exclude=UNCLEANED)
    veteran.save()
    _save_tags(veteran)
    audit.record(by=by, action="veteran.create", place=place, target=veteran, after=_snapshot(veteran))
    return veteran


@service
def update_veteran(*, by: User | None, veteran: Veteran, **fields: Any) -> Veteran:
    veteran = Veteran.objects.select_for_update().get(pk=veteran.pk)
    before = _snapshot(veteran)
    from_place_id = veteran.place_id
    _apply(veteran, fields, by)
    _check_unique_id(veteran, by)
    veteran.full_clean(exclude=UNCLEANED)
    if _snapshot(veteran) == before:  # a form saved unchanged writes nothing
        return veteran
    veteran.save()
    _save_tags(veteran)
    if veteran.place_id != from_place_id:
        Move.objects.create(
            veteran=veteran,
            from_place_id=from_place_id,
            to_place=veteran.place,
            moved_by=audit.acting_user(by),
        )
    after = _snapshot(veteran)
    if after != before:
        audit.record(
            by=by, action="veteran.update", place=veteran.place, target=veteran, before=before, after=after
        )
    return veteran


@service
def reveal(*, by: User, record: Veteran | FamilyMember, field: str) -> str:
    """The full value of a protected field of a veteran or a family member, for a user whose capability
    the caller has checked."""
    if field not in PROTECTED_FIELDS:
        raise ValueError(field)
    value = getattr(record, field)
    veteran = record if isinstance(record, Veteran) else record.veteran
    audit.record(by=by, action="veteran.reveal", place=veteran.place, target=record, after={"field": field})
    return value.reveal() if value else ""


@service
def export_roll(*, by: User, scope: Scope, veterans, place: OrgUnit | None, reveal: bool) -> bytes:
    """The veterans as the roll's spreadsheet (it imports back as the same roll), and its audit entry,
    together: an export that fails leaves no entry, and one made always has it. Full numbers count as
    revealing them."""
    from qunfang.registry.selectors import export_rows

    content = write_xlsx(_("Veterans"), roll.EXPORT_HEADINGS, export_rows(scope, veterans, reveal=reveal))
    action = "veteran.export_revealed" if reveal else "veteran.export"
    audit.record(by=by, action=action, place=place, target=by, after={"rows": veterans.count()})
    return content


# --- families -----------------------------------------------------------------------------------------

FAMILY_FIELDS = ["relation", "name"]


def _family_snapshot(member: FamilyMember) -> dict[str, Any]:
    values = audit.snapshot(member, FAMILY_FIELDS)
    values.update({name: str(getattr(member, name) or "") for name in PROTECTED_FIELDS})
    return values


def _set_family_fields(member: FamilyMember, fields: dict[str, Any]) -> None:
    set_fields(member, fields)
    member.full_clean(exclude=UNCLEANED + ["veteran"])


@service
def add_family_member(
    *, by: User | None, veteran: Veteran, relation: str, name: str, **fields: Any
) -> FamilyMember:
    member = FamilyMember(veteran=veteran)
    _set_family_fields(member, {"relation": relation, "name": name, **fields})
    member.save()
    audit.record(
        by=by, action="veteran.family_add", place=veteran.place, target=member, after=_family_snapshot(member)
    )
    return member


@service
def update_family_member(*, by: User | None, member: FamilyMember, **fields: Any) -> FamilyMember:
    member = FamilyMember.objects.select_for_update().select_related("veteran__place").get(pk=member.pk)
    before = _family_snapshot(member)
    _set_family_fields(member, fields)
    member.save()
    audit.record(
        by=by,
        action="veteran.family_update",
        place=member.veteran.place,
        target=member,
        before=before,
        after=_family_snapshot(member),
    )
    return member


@service
def remove_family_member(*, by: User | None, member: FamilyMember) -> None:
    audit.record(
        by=by,
        action="veteran.family_remove",
        place=member.veteran.place,
        target=member,
        before=_family_snapshot(member),
    )
    member.delete()


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
    indexes = list(good)
    for chunk in _chunks(indexes, LOOKUP_CHUNK):
        for values in Veteran.objects.filter(id_number_index__in=chunk).values(
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
    through = Veteran.tags.through
    total, done = len(plan.new) + len(plan.changed), 0

    defaults = {name: Veteran._meta.get_field(name).get_default() for name in ROW_FIELDS}
    stamp = connection.ops.adapt_datetimefield_value(now)
    adapt_date = connection.ops.adapt_datefield_value
    for batch in _chunks(plan.new, WRITE_BATCH):
        rows = []
        for entry in batch:
            values = {**defaults, "place_id": within.pk, **entry.fields}
            phone = _sealed(PHONE, values.pop("phone", None))
            rows.append(
                (
                    *(values[name] for name in ROW_FIELDS),
                    _sealed(ID_NUMBER, entry.id_number, entry.index).ciphertext,
                    entry.index,
                    phone.ciphertext if phone else None,
                    phone.index if phone else None,
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
                Veteran.objects.filter(id_number_index__in=[e.index for e in tagged]).values_list(
                    "id_number_index", "pk"
                )
            )
            insert_rows(
                through,
                ["veteran", "tag"],
                [(pks[entry.index], tags[name]) for entry in tagged for name in entry.tags],
            )
        done += len(batch)
        progress("writing", done, total)

    for batch in _chunks(plan.changed, WRITE_BATCH):
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
        done += len(batch)
        progress("writing", done, total)


# The steps of an import as the pages and the API drive them.


@service
def start_roll_import(*, by: User, place: OrgUnit, upload) -> RollImport:
    """Read the uploaded roll's heading row, keep the file and guess which column is which. A file
    that cannot be read at all is refused here (TableError), and nothing is kept."""
    table = read_table(upload, roll.COLUMNS, head_only=True)
    relative = save_upload(upload, "rolls")
    try:
        with transaction.atomic():
            job = RollImport.objects.create(
                place=place,
                created_by=by,
                file=relative,
                original_name=(upload.name or "")[:200],
                headings=table.headings,
                mapping=guess_mapping(table.headings, roll.COLUMNS),
            )
            audit.record(
                by=by, action="veteran.import_uploaded", place=place, target=job, after={"file": upload.name}
            )
    except BaseException:
        (Path(settings.MEDIA_ROOT) / relative).unlink(missing_ok=True)
        raise
    return job


def _checked_mapping(job: RollImport, mapping: dict[str, int]) -> dict[str, int]:
    mapping = {
        key: index for key, index in mapping.items() if key in roll.COLUMNS and 0 <= index < len(job.headings)
    }
    problem = missing_columns(mapping, roll.COLUMNS, roll.REQUIRED)
    if problem:
        raise ValidationError(problem)
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise ValidationError(_("One column of the file is matched to two of ours."))
    return mapping


@service
def check_roll_import(*, by: User, job: RollImport, mapping: dict[str, int]) -> RollImport:
    """Keep the column matching and run the dry run in the background."""
    job = RollImport.objects.select_for_update().get(pk=job.pk)
    if job.busy or job.status == RollImport.Status.DONE:
        raise ValidationError(_("This import is already under way or done."))
    job.mapping = _checked_mapping(job, mapping)
    job.status, job.errors, job.message = RollImport.Status.CHECKING, [], ""
    job.save()
    audit.record(
        by=by, action="veteran.import_check", place=job.place, target=job, after={"mapping": job.mapping}
    )
    check_roll_task.enqueue(job.pk)
    return job


@service
def confirm_roll_import(*, by: User, job: RollImport, good_rows_only: bool) -> RollImport:
    """After a dry run: import in the background, all or nothing unless the user chose the good rows."""
    job = RollImport.objects.select_for_update().get(pk=job.pk)
    if job.status != RollImport.Status.CHECKED:
        raise ValidationError(_("Check the file first."))
    if job.errors and not good_rows_only:
        raise ValidationError(
            _(
                "Some rows are bad. Fix them and upload the file again, "
                "or choose to import only the good rows."
            )
        )
    job.status, job.good_rows_only = RollImport.Status.IMPORTING, good_rows_only
    job.save()
    audit.record(
        by=by,
        action="veteran.import_confirm",
        place=job.place,
        target=job,
        after={"good_rows_only": good_rows_only},
    )
    import_roll_task.enqueue(job.pk)
    return job


def _plan_job(job: RollImport, progress: Progress) -> RollPlan | None:
    """Read the job's file and plan it, keeping the counts and bad rows on the job; None (and the job
    failed with the reason) when the file cannot be read."""
    progress("reading", 0, 0)
    with garbage_collection_paused():
        try:
            with open_upload(job.file) as file:
                table = read_table(file, roll.COLUMNS)
        except TableError as error:
            job.status, job.message = RollImport.Status.FAILED, str(error)[:300]
            return None
        plan = plan_roll(within=job.place, table=table, mapping=job.mapping, progress=progress)
    job.total_rows, job.good_rows = plan.total, plan.good
    job.new_count, job.updated_count, job.unchanged_count = len(plan.new), len(plan.changed), plan.unchanged
    job.errors = plan.errors
    return plan


@in_steps("the worker's dry run: its findings are written to the job when it ends")
def run_roll_check(job_id: int, progress: Progress = _no_progress) -> None:
    """The dry run of a job in CHECKING (the worker's task; does nothing for a job in another state)."""
    job = RollImport.objects.select_related("place").get(pk=job_id)
    if job.status != RollImport.Status.CHECKING:
        return
    if _plan_job(job, progress) is not None:
        job.status = RollImport.Status.CHECKED
    with transaction.atomic():
        # Save only if nobody changed the job meanwhile (a new check with other columns).
        if (
            RollImport.objects.select_for_update()
            .filter(pk=job_id, status=RollImport.Status.CHECKING)
            .exists()
        ):
            job.save()


@service
def run_roll_import(job_id: int, progress: Progress = _no_progress) -> None:
    """The import of a job in IMPORTING (the worker's task). The veterans and the job's "done" commit
    together: a worker killed halfway leaves nothing written and the job to be run again whole."""
    # Not select_related with the lock: PostgreSQL cannot lock the nullable side of an outer join.
    job = RollImport.objects.select_for_update().get(pk=job_id)
    if job.status != RollImport.Status.IMPORTING:
        return
    plan = _plan_job(job, progress)
    if plan is not None:
        if plan.errors and not job.good_rows_only:
            # The roll changed since the dry run: rows that were good are not any more.
            job.status = RollImport.Status.FAILED
        else:
            with garbage_collection_paused():
                write_roll(by=job.created_by, within=job.place, plan=plan, progress=progress)
            job.status = RollImport.Status.DONE
            audit.record(
                by=job.created_by,
                action="veteran.import",
                place=job.place,
                target=job,
                after={
                    "file": job.original_name,
                    "new": job.new_count,
                    "updated": job.updated_count,
                    "unchanged": job.unchanged_count,
                    "skipped": len(job.errors),
                },
            )
    job.finished_at = timezone.now()
    job.save()


# --- the worker's side: the dry run and the import as background tasks ---------------------------------
# Both are idempotent: a second run of a finished step does nothing, and a run cut short (a killed
# worker) is run again whole, since the import writes in one transaction with the job's "done".


def progress_key(job_id: int) -> str:
    return f"roll-import-progress:{job_id}"


def _progress_reporter(job_id: int) -> Progress:
    # Progress goes to the cache, not the database: the import's own transaction holds the database's
    # write lock on SQLite until it commits, and the page must see the count climb before then.
    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)

    return report


@background_task()
def check_roll_task(job_id: int) -> None:
    run_roll_check(job_id, _progress_reporter(job_id))


@background_task()
def import_roll_task(job_id: int) -> None:
    run_roll_import(job_id, _progress_reporter(job_id))
