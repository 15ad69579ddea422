"""Writes to the activity ledger. Every record adds to the kept daily totals of its place and appends
a delta for each ancestor in the same transaction, so any place's figures (kept and pending summed)
are exact the moment the record is saved. Records are never changed; a correction reverses a record
and records anew."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, WebPImagePlugin  # noqa: F401 (registers WebP without loading every plugin)

from qunfang.core import audit
from qunfang.core.access import under
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.personal import ID_NUMBER, index_of, set_fields
from qunfang.core.writes import in_steps, service, within_a_service, writes_nothing
from qunfang.lib.tallies import Tally, table
from qunfang.mobilization.models import (
    ActivityRecord,
    ActivityType,
    DailyTotal,
    Deed,
    Deployment,
    PendingDailyTotal,
    Photo,
    Skill,
    Team,
    Volunteer,
    VolunteerStatus,
)
from qunfang.registry.models import Veteran

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


# Each place's totals per day and activity type, kept up the tree: the stations of the whole tree
# recording at once append their ancestors' deltas rather than queue on the root's row (lib/tallies).
TOTALS = Tally(
    DailyTotal,
    keys=("place_id", "day", "activity_type_id"),
    sums=("count", "people_reached"),
    pending=PendingDailyTotal,
)


@within_a_service
def write_record(record: ActivityRecord, place: OrgUnit) -> ActivityRecord:
    """Save a checked record and add it to the totals of its place and every ancestor; the caller
    holds the transaction."""
    record.save()
    TOTALS.add_up_the_tree(
        place.path,
        [
            (
                connection.ops.adapt_datefield_value(record.day),
                record.activity_type_id,
                record.count,
                record.people_reached,
            )
        ],
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


@service
def record_day(
    *,
    by: User | None,
    place: OrgUnit,
    day: date,
    entries: list[Entry],
    participants: str = "",
    note: str = "",
    submission: str = "",
    volunteers: list[Volunteer] = (),
    photos: list[tuple[UploadedFile, str]] = (),
) -> list[ActivityRecord]:
    """A station's counts for one day, one record per activity with a count, with the volunteers who
    took part and photos (kept with the day's first record). A form submitted again with the same
    `submission` key returns the records of the first time and writes nothing."""
    if submission:
        earlier = list(ActivityRecord.objects.filter(submission=submission))
        if earlier and earlier[0].place_id != place.pk:
            # Keys come from clients: another place's key must neither record nor show its records.
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    entries = [e for e in entries if e.count or e.people_reached]
    _check(place, day, entries)
    idle = [v.name for v in volunteers if v.status != VolunteerStatus.ACTIVE]
    if idle:
        raise ValidationError(
            {"volunteers": _("%(names)s is not an active volunteer.") % {"names": "、".join(idle)}}
        )
    checked = check_photos(list(photos))
    records = [
        write_record(
            ActivityRecord(
                place=place,
                day=day,
                activity_type=entry.activity_type,
                count=entry.count,
                people_reached=entry.people_reached,
                participants=participants.strip(),
                note=note.strip(),
                submission=submission,
                recorded_by=audit.acting_user(by),
            ),
            place,
        )
        for entry in entries
    ]
    for record in records if volunteers else ():  # new records: none to take away, so no read for them
        record.volunteers.add(*volunteers)
    if records and checked:
        _save_photos(audit.acting_user(by), place, checked, record=records[0])
    if records:
        audit.record(
            by=by,
            action="activity.record",
            place=place,
            target=records[0],
            after={"day": day.isoformat(), **{r.activity_type.code: r.count for r in records}},
        )
    return records


@service
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
    write_record(
        ActivityRecord(
            place=record.place,
            day=record.day,
            activity_type=record.activity_type,
            count=-record.count,
            people_reached=-record.people_reached,
            reverses=record,
            note=note.strip() or _("correction"),
            recorded_by=audit.acting_user(by),
        ),
        record.place,
    )
    corrected = None
    if count or people_reached:
        corrected = write_record(
            ActivityRecord(
                place=record.place,
                day=record.day,
                activity_type=record.activity_type,
                count=count,
                people_reached=people_reached,
                participants=record.participants,
                note=note.strip(),
                recorded_by=audit.acting_user(by),
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


@within_a_service
def move_totals(sender: Any, *, place: OrgUnit, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A subtree moved (core.move_place, same transaction): its totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)


def _own_sums_sql() -> str:
    """Each place's own sums per day and activity type, from the ledger."""
    return (
        "SELECT place_id, day, activity_type_id, SUM(count), SUM(people_reached)"
        f" FROM {table(ActivityRecord)} GROUP BY place_id, day, activity_type_id"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept totals differ from the ledger summed up the tree (missing or extra ones count)."""
    return TOTALS.count_disagreements(_own_sums_sql())


@in_steps("each batch of deltas is folded in its own transaction, so the ancestors' rows are held briefly")
def fold_totals() -> int:
    """Move the pending deltas of the ancestors' totals into their kept rows (the worker's clock, and
    `qunfang tallies --fold`); the figures read the same before and after. Answers how many moved."""
    return TOTALS.fold()


@service
def rebuild_totals() -> int:
    """Throw the kept totals away and make them again from the ledger (after a restore, or to check),
    in the database: at province scale the ledger holds millions of records."""
    rebuilt = TOTALS.rebuild(_own_sums_sql())
    # A repair from the command line: the audit log says when the kept sums were made again.
    audit.record(
        by=None,
        action="mobilization.rebuild_totals",
        place=None,
        target=DailyTotal,
        after={"rows": rebuilt},
    )
    return rebuilt


# --- volunteers, teams, deployments -------------------------------------------------------------------

VOLUNTEER_FIELDS = ["name", "skills", "availability", "note", "status"]


def _volunteer_snapshot(volunteer: Volunteer) -> dict[str, Any]:
    return {**audit.snapshot(volunteer, VOLUNTEER_FIELDS), "phone": str(volunteer.phone or "")}


def _veteran_with(volunteer: Volunteer) -> Veteran | None:
    """The veteran of the district's roll with the volunteer's ID number, if there is one. Another
    district's roll is not looked at: a link would tell the station who is a veteran there."""
    place = volunteer.place
    district = (
        OrgUnit.objects.filter(pk__in=place.ancestor_ids, level=Level.DISTRICT).first()
        if place.level != Level.DISTRICT
        else place
    )
    within = (district or place).path
    return Veteran.objects.filter(under(within), id_number_index=volunteer.id_number_index).first()


def _check_skills(skills: list[str]) -> list[str]:
    unknown = [code for code in skills if code not in Skill.values]
    if unknown:
        raise ValidationError({"skills": _("Unknown skill: %(skill)s.") % {"skill": ", ".join(unknown)}})
    return [code for code in Skill.values if code in skills]  # the list's own order, once each


@service
def add_volunteer(
    *, by: User | None, place: OrgUnit, signed_up_alone: bool = False, **fields: Any
) -> Volunteer:
    """A volunteer of the station at `place`, linked to the roll when the ID number is a veteran's.
    Signing up through the QR code waits for the station; signing up twice keeps the first sign-up."""
    volunteer = Volunteer(
        place=place,
        signed_up_alone=signed_up_alone,
        status=VolunteerStatus.PENDING if signed_up_alone else VolunteerStatus.ACTIVE,
    )
    fields["skills"] = _check_skills(list(fields.get("skills") or []))
    set_fields(volunteer, fields)
    if not volunteer.id_number or not volunteer.phone:
        raise ValidationError(_("A volunteer needs an ID number and a mobile phone."))
    volunteer.id_number_index = index_of(ID_NUMBER, volunteer.id_number.reveal())
    earlier = Volunteer.objects.filter(place=place, id_number_index=volunteer.id_number_index).first()
    if earlier:
        if signed_up_alone:
            return earlier  # says nothing to a stranger about who is signed up already
        raise ValidationError({"id_number": _("This person is a volunteer of this station already.")})
    volunteer.full_clean(exclude=["id_number", "phone", "id_number_index", "phone_index", "veteran"])
    volunteer.veteran = _veteran_with(volunteer)
    if not signed_up_alone:
        volunteer.confirmed_by, volunteer.confirmed_at = by, timezone.now()
    volunteer.save()
    audit.record(
        by=by, action="volunteer.add", place=place, target=volunteer, after=_volunteer_snapshot(volunteer)
    )
    return volunteer


@service
def update_volunteer(*, by: User, volunteer: Volunteer, **fields: Any) -> Volunteer:
    before = _volunteer_snapshot(volunteer)
    if "skills" in fields:
        fields["skills"] = _check_skills(list(fields["skills"] or []))
    set_fields(volunteer, fields)
    volunteer.full_clean(exclude=["id_number", "phone", "id_number_index", "phone_index", "veteran"])
    after = _volunteer_snapshot(volunteer)
    if after != before:  # a form saved unchanged writes nothing
        volunteer.save()
        audit.record(
            by=by,
            action="volunteer.update",
            place=volunteer.place,
            target=volunteer,
            before=before,
            after=after,
        )
    return volunteer


@service
def confirm_volunteer(*, by: User, volunteer: Volunteer, accept: bool) -> Volunteer:
    """The station's answer to a sign-up through the QR code."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.PENDING:
        raise ValidationError(_("This sign-up has been answered already."))
    volunteer.status = VolunteerStatus.ACTIVE if accept else VolunteerStatus.DECLINED
    volunteer.confirmed_by, volunteer.confirmed_at = by, timezone.now()
    volunteer.veteran = volunteer.veteran or _veteran_with(volunteer)
    volunteer.save()
    audit.record(
        by=by,
        action="volunteer.confirm" if accept else "volunteer.decline",
        place=volunteer.place,
        target=volunteer,
    )
    return volunteer


@service
def reveal_volunteer(*, by: User, volunteer: Volunteer, field: str) -> str:
    """The full ID number or phone of a volunteer, for a user whose capability the caller has checked."""
    if field not in ("id_number", "phone"):
        raise ValueError(field)
    audit.record(
        by=by, action="volunteer.reveal", place=volunteer.place, target=volunteer, after={"field": field}
    )
    value = getattr(volunteer, field)
    return value.reveal() if value else ""


def _members_under(place: OrgUnit, volunteers: list[Volunteer]) -> None:
    outside = [v.name for v in volunteers if not v.place.path.startswith(place.path)]
    if outside:
        raise ValidationError(
            {
                "members": _("%(names)s volunteer outside %(place)s.")
                % {"names": "、".join(outside), "place": place.name}
            }
        )
    idle = [v.name for v in volunteers if v.status != VolunteerStatus.ACTIVE]
    if idle:
        raise ValidationError(
            {"members": _("%(names)s is not an active volunteer.") % {"names": "、".join(idle)}}
        )


@service
def save_team(
    *,
    by: User,
    place: OrgUnit,
    name: str,
    duties: str = "",
    members: list[Volunteer],
    leader: Volunteer | None,
    team: Team | None = None,
) -> Team:
    """Make a team at `place`, or change one: its members are volunteers of the place's subtree, and
    its leader is one of them."""
    members = list({v.pk: v for v in [*members, *([leader] if leader else [])]}.values())
    _members_under(place, members)
    before = audit.snapshot(team, ["name", "duties", "leader_id"]) if team else None
    team = team or Team(place=place)
    team.name, team.duties, team.leader = name.strip(), duties.strip(), leader
    team.full_clean(exclude=["place", "leader"])
    if Team.objects.filter(place=place, name=team.name).exclude(pk=team.pk).exists():
        raise ValidationError(
            {"name": _("%(place)s has a team of that name already.") % {"place": place.name}}
        )
    team.save()
    team.members.set(members)
    after = {
        **audit.snapshot(team, ["name", "duties", "leader_id"]),
        "members": sorted(v.pk for v in members),
    }
    audit.record(by=by, action="team.save", place=place, target=team, before=before, after=after)
    return team


@service
def deploy(
    *,
    by: User,
    place: OrgUnit,
    start: date,
    end: date,
    task: str,
    volunteer: Volunteer | None = None,
    team: Team | None = None,
) -> Deployment:
    """Send a person or a team to work at `place` for a period."""
    if (volunteer is None) == (team is None):
        raise ValidationError(_("Send either a person or a team."))
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if volunteer and volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError(
            {"volunteer": _("%(name)s is not an active volunteer.") % {"name": volunteer.name}}
        )
    deployment = Deployment(
        place=place, volunteer=volunteer, team=team, start=start, end=end, task=task.strip()
    )
    deployment.full_clean(exclude=["place", "volunteer", "team", "created_by"])
    deployment.created_by = by
    deployment.save()
    audit.record(
        by=by,
        action="deployment.add",
        place=place,
        target=deployment,
        after={"who": str(volunteer or team), "start": start.isoformat(), "end": end.isoformat()},
    )
    return deployment


# --- deeds and photos ---------------------------------------------------------------------------------

PHOTO_MAX_MB = 10
PHOTO_MAX_SIDE = 1600  # pixels: sharp on a phone and in a printed briefing, a few hundred kB stored
# Only these decoders ever see an upload: fewer parsers of untrusted bytes, and Pillow never loads its
# other forty plugins (olefile among them) to guess what a stray PDF might be.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")  # a phone's MPO comes through the JPEG decoder


def _photo_file(upload: UploadedFile) -> ContentFile:
    """The upload checked to be an image of a sane size, turned upright, shrunk and saved as JPEG
    (which also drops the camera's data: place, time, device)."""
    if upload.size > PHOTO_MAX_MB * 1024 * 1024:
        raise ValidationError(
            {
                "photo": _("The photo is %(size).1f MB; at most %(limit)s MB is taken. Send a smaller copy.")
                % {"size": upload.size / 1024 / 1024, "limit": PHOTO_MAX_MB}
            }
        )
    not_an_image = ValidationError({"photo": _("This file is not a photo (JPEG, PNG or WebP).")})
    try:
        with Image.open(upload, formats=PHOTO_FORMATS) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=PHOTO_FORMATS) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _save_photos(
    by: User | None, place: OrgUnit, photos: list[tuple[ContentFile, str]], **owner: Any
) -> list[Photo]:
    saved = []
    for content, caption in photos:
        photo = Photo(place=place, caption=caption.strip()[:200], uploaded_by=by, **owner)
        photo.image.save(content.name, content, save=True)
        saved.append(photo)
    return saved


@writes_nothing
def check_photos(uploads: list[tuple[UploadedFile, str]]) -> list[tuple[ContentFile, str]]:
    """Every upload checked and shrunk before anything is written, so that one bad file stores none."""
    return [(_photo_file(upload), caption) for upload, caption in uploads if upload]


@service
def add_photos(*, by: User, record: ActivityRecord, photos: list[tuple[UploadedFile, str]]) -> list[Photo]:
    """Photos with captions of what a ledger record counts."""
    saved = _save_photos(by, record.place, check_photos(photos), record=record)
    audit.record(
        by=by, action="activity.photos", place=record.place, target=record, after={"photos": len(saved)}
    )
    return saved


@service
def add_deed_photos(*, by: User, deed: Deed, photos: list[tuple[UploadedFile, str]]) -> list[Photo]:
    """More photos of a deed already recorded (the API sends them one request each)."""
    saved = _save_photos(by, deed.place, check_photos(photos), deed=deed)
    audit.record(by=by, action="deed.photos", place=deed.place, target=deed, after={"photos": len(saved)})
    return saved


@service
def record_deed(
    *,
    by: User,
    place: OrgUnit,
    day: date,
    person: str,
    title: str,
    story: str,
    volunteer: Volunteer | None = None,
    photos: list[tuple[UploadedFile, str]] = (),
) -> Deed:
    """A named person's deed with its photos, for the place's record and later briefings."""
    if day > timezone.localdate():
        raise ValidationError({"day": _("The day is in the future.")})
    checked = check_photos(list(photos))
    deed = Deed(
        place=place,
        day=day,
        person=(person or (volunteer.name if volunteer else "")).strip(),
        volunteer=volunteer,
        title=title.strip(),
        story=story.strip(),
        recorded_by=by,
    )
    deed.full_clean(exclude=["place", "volunteer", "recorded_by"])
    deed.save()
    _save_photos(by, place, checked, deed=deed)
    audit.record(
        by=by,
        action="deed.add",
        place=place,
        target=deed,
        after={"title": deed.title, "photos": len(checked)},
    )
    return deed
