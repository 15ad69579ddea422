"""The community register under /api/v1: buildings and households (added and listed), residents
(personal data masked), a resident added, a status changed; the register imported from a spreadsheet
(multipart, checked as on the page, then a job to watch) and exported. The same scoping as the pages:
a grid worker reaches her grid."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.community.models import Building, Household, RegisterImport, Resident, ResidentStatus
from qunfang.community.selectors import register as selectors
from qunfang.community.services import register as services
from qunfang.core.access import get_for, place_for
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.lib.tables import XLSX_MIME, xlsx_download

router = Router(tags=["community"])


class BuildingOut(Schema):
    id: int
    community_id: int
    place_id: int
    number: str
    household_count: int
    resident_count: int


class HouseholdOut(Schema):
    id: int
    building_id: int
    unit: str
    room: str
    phone: str = Field(..., description="masked")
    note: str
    resident_count: int

    @staticmethod
    def resolve_phone(household: Household) -> str:
        return str(household.phone or "")


class ResidentOut(Schema):
    id: int
    household_id: int
    name: str
    id_number: str = Field(..., description="masked")
    phone: str = Field(..., description="masked")
    status: ResidentStatus
    status_since: date | None
    travel: str

    @staticmethod
    def resolve_id_number(resident: Resident) -> str:
        return str(resident.id_number or "")

    @staticmethod
    def resolve_phone(resident: Resident) -> str:
        return str(resident.phone or "")


class ResidentIn(Schema):
    household_id: Id
    name: Text = Field(..., min_length=1, max_length=50)
    id_number: Text = Field("", max_length=18)
    phone: Text = Field("", max_length=20)
    status: ResidentStatus = ResidentStatus.NORMAL
    status_since: Day | None = None
    travel: Text = Field("", max_length=300)


class StatusIn(Schema):
    status: ResidentStatus
    since: Day
    note: Text = Field("", max_length=200)


@router.get("/community/buildings", response={200: list[BuildingOut], **ERRORS})
@paginate(Pages)
def list_buildings(request, place_id: Id):
    return selectors.buildings(request.scope, place_for(request, place_id, Capability.VIEW_COMMUNITY))


@router.get("/community/households", response={200: list[HouseholdOut], **ERRORS})
@paginate(Pages)
def list_households(request, building_id: Id):
    building = get_for(request.scope, Building.objects.all(), Capability.VIEW_COMMUNITY, pk=building_id)
    return selectors.households(request.scope, building)


@router.get("/community/residents", response={200: list[ResidentOut], **ERRORS})
@paginate(Pages)
def list_residents(request, place_id: Id, status: Query[ResidentStatus | None] = None):
    return selectors.residents(
        request.scope, place_for(request, place_id, Capability.VIEW_COMMUNITY), status or ""
    )


@router.post("/community/residents", response={201: ResidentOut, **ERRORS})
def add_resident(request, data: ResidentIn):
    household = get_for(
        request.scope,
        Household.objects.select_related("building"),
        Capability.MANAGE_COMMUNITY,
        pk=data.household_id,
    )
    fields = data.dict(exclude={"household_id"})
    return Status(201, services.add_resident(by=request.auth, household=household, **fields))


@router.post("/community/residents/{resident_id}/status", response={200: ResidentOut, **ERRORS})
def change_status(request, resident_id: Id, data: StatusIn):
    resident = get_for(request.scope, Resident.objects.all(), Capability.MANAGE_COMMUNITY, pk=resident_id)
    return services.change_status(by=request.auth, resident=resident, **data.dict())


class BuildingIn(Schema):
    place_id: Id = Field(..., description="the community (or a grid of it)")
    number: Text = Field(..., min_length=1, max_length=20)
    grid_id: Id | None = Field(None, description="a grid of the community the building belongs to")


class HouseholdIn(Schema):
    building_id: Id
    unit: Text = Field("", max_length=10)
    room: Text = Field(..., min_length=1, max_length=10)
    phone: Text = Field("", max_length=20)
    note: Text = Field("", max_length=200)


class RegisterImportOut(Schema):
    id: int
    place_id: int
    status: str
    original_name: str
    buildings: int
    households: int
    residents: int
    message: str
    errors: list
    created_at: datetime
    finished_at: datetime | None


@router.post("/community/buildings", response={201: BuildingOut, **ERRORS})
def add_building(request, data: BuildingIn):
    place = place_for(request, data.place_id, Capability.MANAGE_COMMUNITY)
    grid = None
    if data.grid_id:  # the page offers the place's own grids
        grid = OrgUnit.objects.filter(parent=place, level=Level.GRID, pk=data.grid_id).first()
        if grid is None:
            raise ValidationError(
                {"grid": _("Select a valid choice. That choice is not one of the available choices.")}
            )
    building = services.save_building(by=request.auth, community=place, number=data.number, grid=grid)
    building.household_count = building.resident_count = 0  # new: nothing in it yet
    return Status(201, building)


@router.post("/community/households", response={201: HouseholdOut, **ERRORS})
def add_household(request, data: HouseholdIn):
    building = get_for(
        request.scope, Building.objects.all(), Capability.MANAGE_COMMUNITY, pk=data.building_id
    )
    fields = data.dict(exclude={"building_id"})
    household = services.save_household(by=request.auth, building=building, **fields)
    household.resident_count = 0  # new: nobody in it yet
    return Status(201, household)


@router.post("/community/register-imports", response={202: RegisterImportOut, **ERRORS})
def import_register(request, place_id: Id, file: File[UploadedFile] = None):
    """The register from a spreadsheet (.xlsx or .csv, the page's columns), sent as multipart `file`:
    checked as a whole now (refused with 422, nothing kept), its rows written by a worker, all or none."""
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    if file is None:
        raise ValidationError({"file": _("This field is required.")})
    job = services.queue_register_import(by=request.auth, community=place, upload=file)
    return Status(202, job)


@router.get("/community/register-imports/{register_import_id}", response={200: RegisterImportOut, **ERRORS})
def get_register_import(request, register_import_id: Id):
    """An import's progress: queued, running, done with its counts, or failed with the rows' errors."""
    return get_for(
        request.scope, RegisterImport.objects.all(), Capability.MANAGE_COMMUNITY, pk=register_import_id
    )


@router.get(
    "/community/register/export",
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: {"content": {XLSX_MIME: {}}}}},
)
def export_register(request, place_id: Id, reveal: bool = False):
    """The place's register as .xlsx. Full numbers with `reveal` where the token's user may reveal them
    (audited); masked everywhere else."""
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    reveal = reveal and request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place)
    content = services.export_register(by=request.auth, scope=request.scope, place=place, reveal=reveal)
    return xlsx_download(content, f"{place.name}-住户.xlsx")
