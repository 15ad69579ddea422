"""Writes of the community register: buildings, households and residents, a resident's status changed
with its date, and the register imported from a spreadsheet (all rows or none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.models import (
    Building,
    Household,
    RegisterImport,
    Resident,
    ResidentStatus,
    StatusChange,
)
from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.background import background_task
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.personal import set_fields
from qunfang.core.roles import Capability
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.bulk import garbage_collection_paused
from qunfang.lib.choices import choice_reader
from qunfang.lib.tables import TableError, read_rows, write_xlsx
from qunfang.lib.uploads import UploadNotSaved, delete_upload, open_upload, save_upload


@writes_nothing
def community_of(place: OrgUnit) -> OrgUnit:
    """The community (village-level place) a community or one of its grids belongs to."""
    if place.level == Level.VILLAGE:
        return place
    if place.level == Level.GRID and place.parent and place.parent.level == Level.VILLAGE:
        return place.parent
    raise ValidationError(_("A community register is kept at a village or community, or one of its grids."))


@writes_nothing
def grid_or_community(community: OrgUnit, grid: OrgUnit | None) -> OrgUnit:
    """Where a record of the community is kept: its grid (checked to be the community's), or the
    community itself."""
    if grid is None:
        return community
    if grid.parent_id != community.pk or grid.level != Level.GRID:
        raise ValidationError({"grid": _("The grid must be one of this community's.")})
    return grid


@service
def save_building(
    *, by: User | None, community: OrgUnit, number: str, grid: OrgUnit | None = None
) -> Building:
    community = community_of(community)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Enter the building's number.")})
    if Building.objects.filter(community=community, number=number).exists():
        raise ValidationError(
            {"number": _("Building %(number)s is in the register already.") % {"number": number}}
        )
    building = Building.objects.create(
        community=community, place=grid_or_community(community, grid), number=number
    )
    audit.record(by=by, action="building.create", place=building.place, target=building)
    return building


@service
def save_household(
    *, by: User | None, building: Building, room: str, unit: str = "", phone: str = "", note: str = ""
) -> Household:
    household = Household(building=building, place_id=building.place_id)
    set_fields(household, {"unit": unit, "room": room, "phone": phone, "note": note})
    if not household.room:
        raise ValidationError({"room": _("Enter the room.")})
    if Household.objects.filter(building=building, unit=household.unit, room=household.room).exists():
        raise ValidationError({"room": _("This room is in the register already.")})
    household.save()
    audit.record(by=by, action="household.create", place=household.place, target=household)
    return household


def _check_one_household(
    community: OrgUnit, id_number: Any, by: User | None, resident: Resident | None = None
) -> None:
    """One household per person in a community. The household is named only to whoever may see it: a
    grid worker is not told who lives in another grid."""
    if not id_number:
        return
    others = Resident.objects.filter(community=community, id_number_index=id_number.index)
    if resident is not None:
        others = others.exclude(pk=resident.pk)
    other = others.select_related("household__building", "place").first()
    if other is None:
        return
    if by is None or Scope.for_user(by).allows(Capability.VIEW_COMMUNITY, other.place):
        message = _("This person lives in household %(household)s already.") % {
            "household": str(other.household)
        }
    else:
        message = _("This person is in the community's register already, outside your grid: ask the station.")
    raise ValidationError({"id_number": message})


@service
def add_resident(*, by: User | None, household: Household, name: str, **fields: Any) -> Resident:
    """A resident of the household; a person already registered in another household of the community
    is refused, with where."""
    community = household.building.community
    resident = Resident(community=community, place_id=household.place_id, household=household)
    fields.setdefault("status", ResidentStatus.NORMAL)
    set_fields(resident, {"name": name, **fields})
    if not resident.name:
        raise ValidationError({"name": _("Enter the name.")})
    if resident.status not in ResidentStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    _check_one_household(community, resident.id_number, by)
    if resident.status != ResidentStatus.NORMAL and not resident.status_since:
        resident.status_since = timezone.localdate()
    resident.save()
    if resident.status != ResidentStatus.NORMAL:
        StatusChange.objects.create(
            resident=resident, status=resident.status, since=resident.status_since, by=audit.acting_user(by)
        )
    audit.record(by=by, action="resident.create", place=resident.place, target=resident)
    return resident


@service
def change_status(
    *, by: User | None, resident: Resident, status: str, since: date, note: str = ""
) -> Resident:
    """A resident's new status from a date (not after today), kept in the history."""
    if status not in ResidentStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if since > timezone.localdate():
        raise ValidationError({"since": _("The date cannot be in the future.")})
    before = {"status": resident.status, "since": str(resident.status_since or "")}
    resident.status, resident.status_since = status, since
    resident.save(update_fields=["status", "status_since"])
    StatusChange.objects.create(
        resident=resident, status=status, since=since, note=note.strip()[:200], by=audit.acting_user(by)
    )
    audit.record(
        by=by, action="resident.status", place=resident.place, target=resident, before=before,
        after={"status": status, "since": str(since)},
    )  # fmt: skip
    return resident


# --- import from a spreadsheet --------------------------------------------------------------------------

COLUMNS: dict[str, list[str]] = {
    "building": ["楼栋", "Building", "楼号", "栋"],
    "unit": ["单元", "Unit"],
    "room": ["房号", "Room", "门牌号", "室"],
    "household_phone": ["户联系电话", "Household phone", "家庭电话", "户电话"],
    "name": ["姓名", "Name"],
    "id_number": ["身份证号", "ID number", "身份证号码", "公民身份号码"],
    "phone": ["手机", "Mobile", "手机号码", "联系电话"],
    "status": ["状态", "Status", "人员状态"],
    "status_since": ["状态日期", "Since", "起始日期"],
    "grid": ["网格", "Grid", "所属网格"],
    "travel": ["旅居史", "Recent travel", "近期行程"],
}
REQUIRED = ["building", "room", "name"]


@dataclass(frozen=True)
class Imported:
    buildings: int
    households: int
    residents: int


@service
def import_register(*, by: User | None, community: OrgUnit, upload: Any) -> Imported:
    """The register from a spreadsheet, one row a resident: all rows go in, or none (every problem
    listed with its row). Every row is checked first, in memory, against the register as it stands;
    then the new buildings, households and residents go in with one bulk insert each, so a community
    of 10,000 residents imports in seconds."""
    community = community_of(community)
    try:
        rows = read_rows(upload, COLUMNS, REQUIRED)
    except TableError as error:
        raise ValidationError(str(error)) from None
    grids = {g.name: g for g in OrgUnit.objects.filter(parent=community, level=Level.GRID)}
    buildings = {b.number: b for b in Building.objects.filter(community=community)}
    households: dict[tuple, Household] = {
        (h.building.number, h.unit, h.room): h
        for h in Household.objects.filter(building__community=community).select_related("building")
    }
    living_where = dict(
        Resident.objects.filter(community=community, id_number_index__isnull=False).values_list(
            "id_number_index", "household_id"
        )
    )
    new_buildings: dict[str, Building] = {}
    new_households: dict[tuple, Household] = {}
    new_residents: list[tuple[tuple, Resident]] = []
    problems: list[str] = []
    seen_ids: dict[str, int] = {}
    read_status = choice_reader(ResidentStatus)
    for row in rows:
        try:
            key, resident = _read_row(row, community, grids, buildings, new_buildings, read_status)
            index = resident.id_number.index if resident.id_number else None
            if index in seen_ids:
                raise ValidationError(_("The same ID number as row %(row)s.") % {"row": seen_ids[index]})
            if index in living_where:
                raise ValidationError(_("This person is in the register already."))
            if index:
                seen_ids[index] = row.number
            if key not in households and key not in new_households:
                household = Household(unit=key[1], room=key[2])
                set_fields(household, {"phone": row.values.get("household_phone", "")})
                new_households[key] = household
            new_residents.append((key, resident))
        except ValidationError as error:
            problems.append(
                _("Row %(row)s: %(problem)s") % {"row": row.number, "problem": " ".join(error.messages)}
            )
    if problems:
        raise ValidationError(problems[:50])
    with transaction.atomic(), garbage_collection_paused():
        Building.objects.bulk_create(new_buildings.values(), batch_size=500)
        buildings.update(new_buildings)  # primary keys set by the insert (SQLite and PostgreSQL)
        for key, household in new_households.items():
            household.building = buildings[key[0]]
            household.place_id = household.building.place_id
        Household.objects.bulk_create(new_households.values(), batch_size=500)
        households.update(new_households)
        for key, resident in new_residents:
            resident.household = households[key]
            resident.place_id = resident.household.place_id
        Resident.objects.bulk_create([r for _key, r in new_residents], batch_size=500)
        StatusChange.objects.bulk_create(
            [
                StatusChange(resident=r, status=r.status, since=r.status_since, by=audit.acting_user(by))
                for _key, r in new_residents
                if r.status != ResidentStatus.NORMAL
            ],
            batch_size=500,
        )
        made = {
            "buildings": len(new_buildings),
            "households": len(new_households),
            "residents": len(new_residents),
        }
        audit.record(by=by, action="register.import", place=community, target=community, after=made)
    return Imported(**made)


def _read_row(row, community, grids, buildings, new_buildings, read_status) -> tuple[tuple, Resident]:
    """A row's household key and its resident, checked; a building met for the first time is added to
    `new_buildings`."""
    values = row.values
    for required, message in (("name", _("Enter the name.")), ("room", _("Enter the room.")),
                              ("building", _("Enter the building's number."))):  # fmt: skip
        if not values.get(required, "").strip():
            raise ValidationError(message)
    number, grid_name = values["building"], values.get("grid", "")
    if grid_name and grid_name not in grids:
        raise ValidationError(_("No grid named %(name)s in this community.") % {"name": grid_name})
    known = buildings.get(number) or new_buildings.get(number)
    if known and grid_name and known.place_id != grids[grid_name].pk:
        raise ValidationError(_("Building %(number)s is in another grid.") % {"number": number})
    if known is None:
        new_buildings[number] = Building(
            community=community, place=grids[grid_name] if grid_name else community, number=number[:20]
        )
    resident = Resident(community=community)
    status = _status(read_status, values.get("status", ""))
    set_fields(
        resident,
        {
            "name": values["name"][:50],
            "id_number": values.get("id_number", ""),
            "phone": values.get("phone", ""),
            "status": status,
            "status_since": _date(values.get("status_since", "")),
            "travel": values.get("travel", "")[:300],
        },
    )
    if status != ResidentStatus.NORMAL and not resident.status_since:
        resident.status_since = timezone.localdate()
    household_phone = Household()
    set_fields(household_phone, {"phone": values.get("household_phone", "")})  # checked here, with its row
    return (number, values.get("unit", "")[:10], values["room"][:10]), resident


def _status(read_status, text: str) -> str:
    if not text:
        return ResidentStatus.NORMAL
    status = read_status(text)
    if status is None:
        raise ValidationError(_("%(value)s is not a status in the list.") % {"value": text})
    return status


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(_("%(value)s is not a date (2020-02-01).") % {"value": text}) from None


@service
def export_register(*, by: User, scope: Scope, place: OrgUnit, reveal: bool) -> bytes:
    """The register as the import's spreadsheet, and its trace (who took how many residents out, and
    whether with full personal data), together: a failed export leaves no entry."""
    from qunfang.community.selectors.register import export_rows, residents

    headings = [names[0] for names in COLUMNS.values()]
    content = write_xlsx(place.name[:30], headings, export_rows(scope, place, reveal=reveal))
    audit.record(
        by=by,
        action="register.export",
        place=place,
        target=place,
        after={"residents": residents(scope, place).count(), "revealed": reveal},
    )
    return content


# --- the register imported in the background ---------------------------------------------------------


@service
def queue_register_import(*, by: User, community: OrgUnit, upload: Any) -> RegisterImport:
    """Check the spreadsheet as a whole (readable, within the limits, with the required columns), keep
    it and queue its import. A refused file is not kept. With the database task backend the job and its
    task commit together: both exist, or neither."""
    place = community  # the job is kept where it was asked for (a grid worker's grid), to be seen there
    community_of(place)
    try:
        read_rows(upload, COLUMNS, REQUIRED)
        relative = save_upload(upload, "registers")
    except (TableError, UploadNotSaved) as error:
        raise ValidationError(str(error)) from None
    try:
        with transaction.atomic():
            job = RegisterImport.objects.create(
                place=place, created_by=by, file=relative, original_name=(upload.name or "")[:200]
            )
            audit.record(
                by=by,
                action="register.import_queued",
                place=place,
                target=job,
                after={"file": upload.name},
            )
            import_register_task.enqueue(job.pk)
    except BaseException:
        delete_upload(relative)
        raise
    return job


@in_steps(
    "the worker's task: the rows and the job's end commit together, "
    "a failure is written to the job afterwards"
)
def run_register_import(job_id: int) -> None:
    """The worker's part. A finished job is left alone; the rows and the job's "done" commit together,
    so a worker killed halfway leaves nothing, and the job is taken up again."""
    with transaction.atomic():
        job = RegisterImport.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return
        try:
            with open_upload(job.file) as file:
                made = import_register(by=job.created_by, community=job.place, upload=file)
        except ValidationError as error:
            job.status = RegisterImport.Status.FAILED
            job.errors = [{"message": message} for message in error.messages]
        else:
            job.status = RegisterImport.Status.DONE
            job.buildings, job.households, job.residents = made.buildings, made.households, made.residents
        job.finished_at = timezone.now()
        job.save()


@background_task()
def import_register_task(job_id: int) -> None:
    run_register_import(job_id)
