"""The veterans roll under /api/v1/veterans: masked personal data (a reveal is its own operation, audited),
families, bringing a spreadsheet roll in; the same scoping as the pages."""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus  # the registry has a Status of its own (a veteran's)
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.models import OrgUnit
from qunfang.core.once import answer_shown_once
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text
from qunfang.lib.tables import XLSX_MIME, TableError
from qunfang.lib.uploads import UploadNotSaved, open_upload
from qunfang.registry import selectors, services
from qunfang.registry.models import (
    Category,
    FamilyMember,
    Relation,
    RollExport,
    RollImport,
    ServiceBranch,
    Status,
    Veteran,
)

router = Router(tags=["veterans"])


class VeteranOut(Schema):
    id: int
    place_id: int
    name: str
    id_number: str = Field(..., description="masked")
    phone: str | None = Field(None, description="masked")
    birth_date: date
    sex: str
    address: str
    category: Category
    status: Status
    service_branch: str
    enlisted_year: int | None
    discharged_year: int | None
    party_member: bool
    sms_opt_out: bool
    tags: list[str]

    @staticmethod
    def resolve_tags(veteran: Veteran) -> list[str]:
        return [tag.name for tag in veteran.tags.all()]

    @staticmethod
    def resolve_id_number(veteran: Veteran) -> str:
        return str(veteran.id_number)

    @staticmethod
    def resolve_phone(veteran: Veteran) -> str | None:
        return str(veteran.phone) if veteran.phone else None


Year = Field(None, ge=1930, le=2100)
TagName = Field(..., min_length=1, max_length=30)


class VeteranIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=50)
    id_number: Text = Field(..., max_length=40)
    phone: Text | None = Field(None, max_length=40)
    address: Text = Field("", max_length=200)
    category: Category = Category.RETIRED_SOLDIER
    status: Status = Status.ACTIVE
    service_branch: ServiceBranch | None = None
    enlisted_year: int | None = Year
    discharged_year: int | None = Year
    party_member: bool = False
    sms_opt_out: bool = False
    tags: list[Text] = Field([], max_length=20)


class VeteranPatch(Schema):
    """Only the fields sent change. A new place is a move, kept in the veteran's history."""

    place_id: Id | None = None
    name: Text | None = Field(None, min_length=1, max_length=50)
    id_number: Text | None = Field(None, max_length=40)
    phone: Text | None = Field(None, max_length=40)
    address: Text | None = Field(None, max_length=200)
    category: Category | None = None
    status: Status | None = None
    service_branch: ServiceBranch | None = None
    enlisted_year: int | None = Year
    discharged_year: int | None = Year
    party_member: bool | None = None
    sms_opt_out: bool | None = None
    tags: list[Text] | None = Field(None, max_length=20)


class VeteranFilters(Schema):
    q: Text = Field("", description="a name, or an exact ID number or mobile")
    status: Status | None = None
    category: Category | None = None
    place_id: Id | None = Field(None, description="this place and everything under it")
    tag: Text = ""


def _found(request, filters: VeteranFilters):
    place = None
    if filters.place_id:
        place = place_for(request, filters.place_id, Capability.VIEW_VETERANS)
    return selectors.veterans(
        request.scope,
        search=filters.q.strip(),
        status=filters.status or "",
        category=filters.category or "",
        place=place,
        tag_name=filters.tag.strip(),
    ).prefetch_related("tags")


@router.get("/veterans", response={200: list[VeteranOut], **ERRORS})
@paginate(Pages)
def list_veterans(request, filters: Query[VeteranFilters]):
    return _found(request, filters)


@router.get(
    "/veterans/export",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {XLSX_MIME: {}}}}},
)
@reads_from_replica
def export_veterans(request, filters: Query[VeteranFilters], reveal: bool = False):
    """The list as .xlsx, the same columns the roll import reads. Full numbers with `reveal` where the
    token's user may reveal them (audited); masked everywhere else."""
    found = _found(request, filters)
    if services.exports_in_background(found.count()):
        raise ValidationError(
            _("More than %(rows)s veterans: ask for the file with POST /api/v1/veterans/exports.")
            % {"rows": settings.EXPORT_IN_BACKGROUND_ROWS}
        )
    reveal = reveal and bool(request.scope.paths(Capability.REVEAL_PERSONAL_DATA))
    content = services.export_roll(
        by=request.auth, scope=request.scope, veterans=found, place=None, reveal=reveal
    )
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="veterans-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


class RollExportIn(VeteranFilters):
    reveal: bool = Field(False, description="full numbers where the token's user may reveal them (audited)")


class RollExportOut(Schema):
    id: int
    place_id: int
    # As core's import jobs say it: the roll import's own "Status" holds that name in the schema.
    status: str = Field(..., description="queued, running, done or failed")
    reveal: bool
    total_rows: int = Field(..., description="rows in the file, once done")
    progress: dict | None = Field(None, description="while queued or running: {done, total}")
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_progress(job: RollExport) -> dict | None:
        return None if job.finished else cache.get(services.export_progress_key(job.pk))


def _export(request, export_id: int) -> RollExport:
    job = selectors.exports_of(request.scope, export_id)
    if job is None:
        raise Http404
    return job


@router.post("/veterans/exports", response={202: RollExportOut, **ERRORS})
def start_export(request, data: RollExportIn):
    """The list as .xlsx written in the background, for a roll of any size (GET /veterans/export
    answers at once up to a limit): follow its progress with GET /veterans/exports/{export_id}, then
    download GET /veterans/exports/{export_id}/file. Only the token's user may fetch it."""
    if data.place_id:
        place = place_for(request, data.place_id, Capability.VIEW_VETERANS)
    elif (place := selectors.top_place(request.scope)) is None:
        raise Http404
    filters = data.dict(exclude={"reveal"})
    job = services.start_roll_export(
        by=request.auth, scope=request.scope, place=place, filters=filters, reveal=data.reveal
    )
    return HttpStatus(202, job)


@router.get("/veterans/exports/{export_id}", response={200: RollExportOut, **ERRORS})
def get_export(request, export_id: Id):
    return _export(request, export_id)


@router.get(
    "/veterans/exports/{export_id}/file",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {XLSX_MIME: {}}}}},
)
def export_file(request, export_id: Id):
    """The finished file, streamed from the disk; 404 until it is done."""
    job = _export(request, export_id)
    if job.status != RollExport.Status.DONE:
        raise Http404
    return FileResponse(
        open_upload(job.file), as_attachment=True, filename=job.original_name, content_type=XLSX_MIME
    )


@router.get("/veterans/{veteran_id}", response={200: VeteranOut, **ERRORS})
def get_veteran(request, veteran_id: Id):
    return get_for(request.scope, Veteran.objects.all(), Capability.VIEW_VETERANS, pk=veteran_id)


@router.post("/veterans", response={201: VeteranOut, **ERRORS})
def create_veteran(request, data: VeteranIn):
    place = place_for(request, data.place_id, Capability.MANAGE_VETERANS)
    fields = data.dict(exclude={"place_id"})
    fields["service_branch"] = fields["service_branch"] or ""
    return HttpStatus(201, services.create_veteran(by=request.auth, place=place, **fields))


@router.patch("/veterans/{veteran_id}", response={200: VeteranOut, **ERRORS})
def update_veteran(request, veteran_id: Id, data: VeteranPatch):
    veteran = get_for(request.scope, Veteran.objects.all(), Capability.MANAGE_VETERANS, pk=veteran_id)
    fields = data.dict(exclude_unset=True, exclude={"place_id"})
    if data.place_id is not None:
        fields["place"] = get_for(
            request.scope, OrgUnit.objects.all(), Capability.MANAGE_VETERANS, pk=data.place_id
        )
    if "service_branch" in fields:
        fields["service_branch"] = fields["service_branch"] or ""
    for name in ("name", "id_number", "category", "status", "party_member", "sms_opt_out", "address"):
        if fields.get(name, "") is None:
            del fields[name]  # null means "leave as it is" for fields that cannot be empty
    return services.update_veteran(by=request.auth, veteran=veteran, **fields)


def _veteran(request, veteran_id: int, capability: Capability) -> Veteran:
    return get_for(request.scope, Veteran.objects.select_related("place"), capability, pk=veteran_id)


def _member(request, member_id: int, capability: Capability) -> FamilyMember:
    return get_for(
        request.scope, FamilyMember.objects.select_related("veteran__place"), capability, pk=member_id
    )


# --- revealing a protected value ----------------------------------------------------------------------


class VeteranRevealIn(Schema):
    field: Literal["id_number", "phone"]


class VeteranRevealedOut(Schema):
    field: str
    value: str = Field(..., description="the full value; the reveal is in the audit log")


@router.post("/veterans/{veteran_id}/reveal", response={200: VeteranRevealedOut, **ERRORS})
def reveal_veteran(request, veteran_id: Id, data: VeteranRevealIn):
    """A veteran's full ID number or mobile, for a user who may reveal them here; audited."""
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    veteran = _veteran(request, veteran_id, Capability.REVEAL_PERSONAL_DATA)
    return {"field": data.field, "value": services.reveal(by=request.auth, record=veteran, field=data.field)}


@router.post("/family/{member_id}/reveal", response={200: VeteranRevealedOut, **ERRORS})
def reveal_family_member(request, member_id: Id, data: VeteranRevealIn):
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    member = _member(request, member_id, Capability.REVEAL_PERSONAL_DATA)
    return {"field": data.field, "value": services.reveal(by=request.auth, record=member, field=data.field)}


# --- families -----------------------------------------------------------------------------------------


class FamilyMemberOut(Schema):
    id: int
    veteran_id: int
    relation: Relation
    name: str
    id_number: str | None = Field(None, description="masked")
    phone: str | None = Field(None, description="masked")

    @staticmethod
    def resolve_id_number(member: FamilyMember) -> str | None:
        return str(member.id_number) if member.id_number else None

    @staticmethod
    def resolve_phone(member: FamilyMember) -> str | None:
        return str(member.phone) if member.phone else None


class FamilyMemberIn(Schema):
    relation: Relation
    name: Text = Field(..., min_length=1, max_length=50)
    id_number: Text = Field("", max_length=40)
    phone: Text = Field("", max_length=40)


class FamilyMemberPatch(Schema):
    """Only the fields sent change."""

    relation: Relation | None = None
    name: Text | None = Field(None, min_length=1, max_length=50)
    id_number: Text | None = Field(None, max_length=40)
    phone: Text | None = Field(None, max_length=40)


@router.get("/veterans/{veteran_id}/family", response={200: list[FamilyMemberOut], **ERRORS})
def list_family(request, veteran_id: Id):
    return selectors.family_of(_veteran(request, veteran_id, Capability.VIEW_VETERANS))


@router.post("/veterans/{veteran_id}/family", response={201: FamilyMemberOut, **ERRORS})
def add_family_member(request, veteran_id: Id, data: FamilyMemberIn):
    veteran = _veteran(request, veteran_id, Capability.MANAGE_VETERANS)
    return HttpStatus(201, services.add_family_member(by=request.auth, veteran=veteran, **data.dict()))


@router.patch("/family/{member_id}", response={200: FamilyMemberOut, **ERRORS})
def update_family_member(request, member_id: Id, data: FamilyMemberPatch):
    member = _member(request, member_id, Capability.MANAGE_VETERANS)
    changes = {name: value for name, value in data.dict(exclude_unset=True).items() if value is not None}
    return services.update_family_member(by=request.auth, member=member, **changes)


@router.delete("/family/{member_id}", response={204: None, **ERRORS})
def remove_family_member(request, member_id: Id):
    services.remove_family_member(
        by=request.auth, member=_member(request, member_id, Capability.MANAGE_VETERANS)
    )
    return HttpStatus(204, None)


# --- bringing a spreadsheet roll in -------------------------------------------------------------------


class RollImportOut(Schema):
    id: int
    place_id: int
    original_name: str
    status: RollImport.Status
    headings: list[str] = Field(..., description="the file's heading row")
    mapping: dict[str, int] = Field(..., description="our column → index of the file's column")
    good_rows_only: bool
    total_rows: int
    good_rows: int
    new_count: int
    updated_count: int
    unchanged_count: int
    errors: list[dict] = Field(..., description="the first 200 bad rows: {row, name, message}")
    message: str
    progress: dict | None = Field(None, description="while checking or importing: {phase, done, total}")
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_errors(job: RollImport) -> list[dict]:
        return job.errors[:200]

    @staticmethod
    def resolve_progress(job: RollImport) -> dict | None:
        return cache.get(services.progress_key(job.pk)) if job.busy else None


class RollColumnsIn(Schema):
    mapping: dict[Text, int] = Field(
        ..., max_length=50, description="our column (name, id_number, …) → index of the file's column"
    )


class RollConfirmIn(Schema):
    good_rows_only: bool = Field(False, description="import the good rows and leave the bad ones out")


def _roll_import(request, import_id: int) -> RollImport:
    return get_for(
        request.scope, RollImport.objects.select_related("place"), Capability.MANAGE_VETERANS, pk=import_id
    )


@router.post("/places/{place_id}/roll-imports", response={201: RollImportOut, **ERRORS})
def upload_roll(request, place_id: Id, file: File[UploadedFile]):
    """A roll (.xlsx or .csv) for the place: its heading row is read and its columns matched as far as
    they can be guessed; check them with POST /roll-imports/{import_id}/check."""
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_VETERANS, pk=place_id)
    try:
        job = services.start_roll_import(by=request.auth, place=place, upload=file)
    except (TableError, UploadNotSaved) as error:
        raise ValidationError({"file": str(error)}) from error
    return HttpStatus(201, job)


@router.get("/roll-imports/{import_id}", response={200: RollImportOut, **ERRORS})
def get_roll_import(request, import_id: Id):
    return _roll_import(request, import_id)


@router.post("/roll-imports/{import_id}/check", response={202: RollImportOut, **ERRORS})
def check_roll_import(request, import_id: Id, data: RollColumnsIn):
    """Keep the column matching and run the dry run in the background: it writes nothing and lists every
    bad row."""
    job = services.check_roll_import(
        by=request.auth, job=_roll_import(request, import_id), mapping=data.mapping
    )
    return HttpStatus(202, job)


@router.post("/roll-imports/{import_id}/confirm", response={202: RollImportOut, **ERRORS})
def confirm_roll_import(request, import_id: Id, data: RollConfirmIn):
    """After the dry run: import in the background, all or nothing unless `good_rows_only`."""
    job = _roll_import(request, import_id)
    return HttpStatus(
        202, services.confirm_roll_import(by=request.auth, job=job, good_rows_only=data.good_rows_only)
    )
