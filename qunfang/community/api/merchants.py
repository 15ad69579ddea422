"""Merchants under /api/v1/community: added, visited, given the notice letter; their staff and the
staff's daily health checks. The same scoping and services as the pages (views/merchants.py)."""

from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import (
    Merchant,
    MerchantKind,
    MerchantStaff,
)
from qunfang.community.selectors import merchants as merchant_selectors
from qunfang.community.services import merchants as merchant_services
from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text

router = Router(tags=["community"])


class MerchantOut(Schema):
    id: int
    community_id: int
    name: str
    address: str
    kind: str
    is_open: bool
    contact: str
    phone: str = Field(..., description="masked")
    visited: bool
    noticed: bool

    @staticmethod
    def resolve_phone(merchant: Merchant) -> str:
        return str(merchant.phone or "")


class MerchantIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=100)
    address: Text = Field("", max_length=200)
    kind: MerchantKind = MerchantKind.RETAIL
    is_open: bool = False
    contact: Text = Field("", max_length=50)
    phone: Text = Field("", max_length=20)


class VisitIn(Schema):
    day: Day
    is_open: bool
    findings: Text = Field("", max_length=500)


class NoticeIn(Schema):
    day: Day
    signed_by: Text = Field(..., min_length=1, max_length=50)
    notice: Text = Field(merchant_services.NOTICE, max_length=100)
    with_staff_book: bool = True


class HealthCheckIn(Schema):
    day: Day
    temperature: Decimal = Field(..., max_digits=4, decimal_places=1)
    symptoms: bool = False


class CreatedOut(Schema):
    id: int


@router.get("/community/merchants", response={200: list[MerchantOut], **ERRORS})
@paginate(Pages)
def list_merchants(request, place_id: Id, which: Text = ""):
    return merchant_selectors.merchants(
        request.scope, place_for(request, place_id, Capability.VIEW_COMMUNITY), which
    )


@router.post("/community/merchants", response={201: CreatedOut, **ERRORS})
def add_merchant(request, data: MerchantIn):
    place = place_for(request, data.place_id, Capability.MANAGE_COMMUNITY)
    merchant = merchant_services.save_merchant(
        by=request.auth, community=place, **data.dict(exclude={"place_id"})
    )
    return Status(201, merchant)


def _merchant(request, merchant_id: int) -> Merchant:
    return get_for(request.scope, Merchant.objects.all(), Capability.MANAGE_COMMUNITY, pk=merchant_id)


@router.post("/community/merchants/{merchant_id}/visits", response={201: CreatedOut, **ERRORS})
def record_visit(request, merchant_id: Id, data: VisitIn):
    merchant = _merchant(request, merchant_id)
    return Status(201, merchant_services.record_visit(by=request.auth, merchant=merchant, **data.dict()))


@router.post("/community/merchants/{merchant_id}/notices", response={201: CreatedOut, **ERRORS})
def deliver_notice(request, merchant_id: Id, data: NoticeIn):
    merchant = _merchant(request, merchant_id)
    return Status(201, merchant_services.deliver_notice(by=request.auth, merchant=merchant, **data.dict()))


@router.post("/community/merchant-staff/{staff_id}/checks", response={201: CreatedOut, **ERRORS})
def record_health_check(request, staff_id: Id, data: HealthCheckIn):
    staff = get_for(request.scope, MerchantStaff.objects.all(), Capability.MANAGE_COMMUNITY, pk=staff_id)
    return Status(201, merchant_services.record_health_check(by=request.auth, staff=staff, **data.dict()))


class StaffIn(Schema):
    name: Text = Field(..., min_length=1, max_length=50)
    job: Text = Field("", max_length=50)
    phone: Text = Field("", max_length=20)


class StaffOut(Schema):
    id: int
    merchant_id: int
    name: str
    job: str
    phone: str = Field(..., description="masked")

    @staticmethod
    def resolve_phone(staff) -> str:
        return str(staff.phone or "")


@router.post("/community/merchants/{merchant_id}/staff", response={201: StaffOut, **ERRORS})
def add_merchant_staff(request, merchant_id: Id, data: StaffIn):
    """One of the merchant's staff, whose daily health checks are then recorded."""
    merchant = get_for(request.scope, Merchant.objects.all(), Capability.MANAGE_COMMUNITY, pk=merchant_id)
    return Status(201, merchant_services.add_staff(by=request.auth, merchant=merchant, **data.dict()))
