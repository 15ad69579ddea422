"""The veterans roll under /api/v1/veterans: masked personal data, the same scoping as the pages."""

from datetime import date

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from qunfang.core.access import get_for
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text
from qunfang.registry import selectors, services
from qunfang.registry.models import Category, Status, Veteran

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

    @staticmethod
    def resolve_id_number(veteran: Veteran) -> str:
        return str(veteran.id_number)

    @staticmethod
    def resolve_phone(veteran: Veteran) -> str | None:
        return str(veteran.phone) if veteran.phone else None


class VeteranIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=50)
    id_number: Text = Field(..., max_length=40)
    phone: Text | None = Field(None, max_length=40)
    address: Text = Field("", max_length=200)
    category: Category = Category.RETIRED_SOLDIER
    status: Status = Status.ACTIVE


@router.get("/veterans", response={200: list[VeteranOut], **ERRORS})
@paginate(Pages)
def list_veterans(request, q: Text = "", status: Status | None = None, category: Category | None = None):
    return selectors.veterans(request.scope, search=q.strip(), status=status or "", category=category or "")


@router.get("/veterans/{veteran_id}", response={200: VeteranOut, **ERRORS})
def get_veteran(request, veteran_id: Id):
    return get_for(request.scope, Veteran.objects.all(), Capability.VIEW_VETERANS, pk=veteran_id)


@router.post("/veterans", response={201: VeteranOut, **ERRORS})
def create_veteran(request, data: VeteranIn):
    place = get_for(request.scope, OrgUnit.objects.all(), Capability.MANAGE_VETERANS, pk=data.place_id)
    fields = data.dict(exclude={"place_id"})
    return 201, services.create_veteran(by=request.auth, place=place, **fields)
