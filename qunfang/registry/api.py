"""The veterans roll under /api/v1/veterans: masked personal data, the same scoping as the pages."""

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus  # the registry has a Status of its own (a veteran's)
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text
from qunfang.lib.tables import XLSX_MIME
from qunfang.registry import selectors, services
from qunfang.registry.models import Category, ServiceBranch, Status, Veteran

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
def export_veterans(request, filters: Query[VeteranFilters], reveal: bool = False):
    """The list as .xlsx, the same columns the roll import reads. Full numbers with `reveal` where the
    token's user may reveal them (audited); masked everywhere else."""
    found = _found(request, filters)
    reveal = reveal and bool(request.scope.paths(Capability.REVEAL_PERSONAL_DATA))
    content = services.export_roll(
        by=request.auth, scope=request.scope, veterans=found, place=None, reveal=reveal
    )
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="veterans-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


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
