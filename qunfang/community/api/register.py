"""The community register under /api/v1: buildings, households, residents (personal data masked), a
resident added, a status changed. The same scoping as the pages: a grid worker reaches her grid."""

from datetime import date

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import Building, Household, Resident, ResidentStatus
from qunfang.community.selectors import register as selectors
from qunfang.community.services import register as services
from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text

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
