"""Phone screening, residents' requests and merchants under /api/v1/community: a round's progress and a
caller's calls with their outcomes; requests taken down and answered, standard answers; merchants,
their visits, notices and staff health checks. The same scoping and services as the pages."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import (
    Household,
    Merchant,
    MerchantKind,
    MerchantStaff,
    RequestCategory,
    RequestChannel,
    ResidentRequest,
    ScreeningCall,
    ScreeningOutcome,
)
from qunfang.community.selectors import merchants as merchant_selectors
from qunfang.community.selectors import requests as request_selectors
from qunfang.community.selectors import screening as screening_selectors
from qunfang.community.services import merchants as merchant_services
from qunfang.community.services import requests as request_services
from qunfang.community.services import screening as screening_services
from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text

router = Router(tags=["community"])


# --- screening ------------------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    community_id: int
    name: str
    script: str
    started_on: date
    closed: bool


class ScreeningProgressOut(Schema):
    households: int
    calls: int
    waiting: int
    reached: int
    at_risk: int
    no_answer: int
    no_phone: int


class ScreeningCallOut(Schema):
    id: int
    round_id: int
    household_id: int
    household: str
    grid_id: int = Field(..., alias="place_id")
    caller_id: int | None
    day: date
    outcome: str
    note: str

    @staticmethod
    def resolve_household(call: ScreeningCall) -> str:
        return str(call.household)


class ScreeningCallIn(Schema):
    household_id: Id  # the household whose card the caller was shown: another one's is refused
    outcome: ScreeningOutcome
    note: Text = Field("", max_length=300)


@router.get("/community/screening-rounds", response={200: list[RoundOut], **ERRORS})
def list_rounds(request, place_id: Id):
    return screening_selectors.rounds(request.scope, place_for(request, place_id, Capability.VIEW_COMMUNITY))


@router.get("/community/screening-rounds/{round_id}/progress", response={200: ScreeningProgressOut, **ERRORS})
def round_progress(request, round_id: Id):
    return screening_selectors.totals(request.scope, screening_selectors.round_for(request.scope, round_id))


@router.get("/community/screening-calls", response={200: list[ScreeningCallOut], **ERRORS})
@paginate(Pages)
def my_screening_calls(request, show: Text = "waiting"):
    """The calls given to the signed-in user, in every round."""
    calls = ScreeningCall.objects.filter(caller=request.auth)
    return screening_selectors.filter_calls(calls, show)


@router.post("/community/screening-calls/{call_id}", response={200: ScreeningCallOut, **ERRORS})
def record_screening_call(request, call_id: Id, data: ScreeningCallIn):
    calls = ScreeningCall.objects.select_related("round", "household")
    call = calls.filter(pk=call_id, caller=request.auth).first() or get_for(
        request.scope, calls, Capability.MANAGE_COMMUNITY, pk=call_id
    )
    return screening_services.record_call(
        by=request.auth, call=call, household_id=data.household_id, outcome=data.outcome, note=data.note
    )


# --- requests -------------------------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    community_id: int
    household_id: int | None
    channel: str
    category: str
    text: str
    status: str
    assigned_to_id: int | None
    volunteer_id: int | None
    answer: str
    created_at: datetime


class RequestIn(Schema):
    place_id: Id
    household_id: Id | None = None
    channel: RequestChannel
    category: RequestCategory
    text: Text = Field(..., min_length=1, max_length=500)


class AnswerIn(Schema):
    answer: Text = Field("", max_length=4000)
    standard_answer_id: Id | None = None


class StandardAnswerOut(Schema):
    id: int
    place_id: int
    category: str
    question: str
    answer: str


@router.get("/community/requests", response={200: list[RequestOut], **ERRORS})
@paginate(Pages)
def list_requests(request, place_id: Id, status: Text = "not_done"):
    return request_selectors.requests(
        request.scope, place_for(request, place_id, Capability.VIEW_COMMUNITY), status
    )


@router.post("/community/requests", response={201: RequestOut, **ERRORS})
def take_request(request, data: RequestIn):
    place = place_for(request, data.place_id, Capability.MANAGE_COMMUNITY)
    household = None
    if data.household_id:
        household = get_for(
            request.scope, Household.objects.select_related("building"), Capability.MANAGE_COMMUNITY,
            pk=data.household_id,
        )  # fmt: skip
    taken = request_services.take_request(
        by=request.auth, community=place, channel=data.channel, category=data.category, text=data.text,
        household=household,
    )  # fmt: skip
    return Status(201, taken)


@router.post("/community/requests/{request_id}/answer", response={200: RequestOut, **ERRORS})
def answer_request(request, request_id: Id, data: AnswerIn):
    taken = get_for(request.scope, ResidentRequest.objects.all(), Capability.MANAGE_COMMUNITY, pk=request_id)
    standard = None
    if data.standard_answer_id:
        standard = request_selectors.standard_answers(taken.place).filter(pk=data.standard_answer_id).first()
    return request_services.answer_request(by=request.auth, resident_request=taken, answer=data.answer,
                                           standard=standard)  # fmt: skip


@router.get("/community/standard-answers", response={200: list[StandardAnswerOut], **ERRORS})
def list_standard_answers(request, place_id: Id):
    return request_selectors.standard_answers(place_for(request, place_id, Capability.VIEW_COMMUNITY))


# --- merchants ------------------------------------------------------------------------------------------


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
