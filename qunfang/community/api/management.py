"""What the people who keep a community start and change, under /api/v1/community, as on their pages:
a phone screening round started and closed, a household's number revealed to its caller (audited), a
request given to a staff member or a volunteer, standard answers written and edited, a merchant's staff
added. The same services and scoping as the pages; personal data stays masked elsewhere."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from qunfang.community.api import operations
from qunfang.community.api.operations import RequestOut, RoundOut, StandardAnswerOut
from qunfang.community.models import Merchant, RequestCategory, ResidentRequest, ScreeningCall, StandardAnswer
from qunfang.community.selectors import screening as screening_selectors
from qunfang.community.selectors.screening import possible_callers
from qunfang.community.services import merchants as merchant_services
from qunfang.community.services import requests as request_services
from qunfang.community.services import screening as screening_services
from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Text
from qunfang.mobilization.selectors import who_can_take_part

# On the router of operations.py: some of these write where its lists read (POST and GET of
# /community/screening-rounds, /community/standard-answers), and one path is one router's.
router = operations.router

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."  # Django's own


# --- screening ------------------------------------------------------------------------------------------


class RoundIn(Schema):
    place_id: Id = Field(..., description="the community")
    name: Text = Field(..., min_length=1, max_length=100)
    script: Text = Field(..., min_length=1, max_length=4000)
    day: Day | None = Field(None, description="the first day; today without it")
    caller_ids: list[Id] = Field(..., min_length=1, max_length=500)


class HouseholdNumberOut(Schema):
    number: str


@router.post("/community/screening-rounds", response={201: RoundOut, **ERRORS})
def start_round(request, data: RoundIn):
    """A round that calls every household of the community, shared among the callers chosen."""
    place = place_for(request, data.place_id, Capability.MANAGE_COMMUNITY)
    callers = list(possible_callers(place).filter(pk__in=data.caller_ids))
    if len(callers) != len(set(data.caller_ids)):
        raise ValidationError({"callers": _(INVALID_CHOICE)})
    found = screening_services.start_round(
        by=request.auth, community=place, name=data.name, script=data.script, callers=callers,
        day=data.day or timezone.localdate(),
    )  # fmt: skip
    return Status(201, found)


@router.post("/community/screening-rounds/{round_id}/close", response={200: RoundOut, **ERRORS})
def close_round(request, round_id: Id):
    found = screening_selectors.round_for(request.scope, round_id)
    if not request.scope.allows(Capability.MANAGE_COMMUNITY, found.place):
        raise Http404  # a grid worker sees the round, and does not close it: as on the page
    return screening_services.close_round(by=request.auth, round_=found)


@router.post("/community/screening-calls/{call_id}/number", response={200: HouseholdNumberOut, **ERRORS})
def reveal_screening_number(request, call_id: Id):
    """The household's full number for the caller to dial (hers, or one in a register she keeps); the
    audit log keeps who saw it."""
    calls = ScreeningCall.objects.select_related("round", "household")
    call = calls.filter(pk=call_id, caller=request.auth).first() or get_for(
        request.scope, calls, Capability.MANAGE_COMMUNITY, pk=call_id
    )
    return {"number": screening_services.number_to_call(by=request.auth, call=call)}


# --- requests and standard answers ----------------------------------------------------------------------


class AssignIn(Schema):
    person_id: Id | None = Field(None, description="a staff member of the community")
    volunteer_id: Id | None = Field(None, description="or a volunteer who may work there today")


class StandardAnswerIn(Schema):
    category: RequestCategory
    question: Text = Field(..., min_length=1, max_length=200)
    answer: Text = Field(..., min_length=1, max_length=4000)


@router.post("/community/requests/{request_id}/assign", response={200: RequestOut, **ERRORS})
def assign_request(request, request_id: Id, data: AssignIn):
    taken = get_for(
        request.scope, ResidentRequest.objects.select_related("community"), Capability.MANAGE_COMMUNITY,
        pk=request_id,
    )  # fmt: skip
    person = volunteer = None
    if data.person_id:
        person = possible_callers(taken.community).filter(pk=data.person_id).first()
        if person is None:
            raise ValidationError({"person": _(INVALID_CHOICE)})
    if data.volunteer_id:
        volunteers = who_can_take_part(request.scope, taken.community, timezone.localdate())
        volunteer = volunteers.filter(pk=data.volunteer_id).first()
        if volunteer is None:
            raise ValidationError({"volunteer": _(INVALID_CHOICE)})
    return request_services.assign_request(
        by=request.auth, resident_request=taken, person=person, volunteer=volunteer
    )


class NewStandardAnswerIn(StandardAnswerIn):
    place_id: Id


@router.post("/community/standard-answers", response={201: StandardAnswerOut, **ERRORS})
def add_standard_answer(request, data: NewStandardAnswerIn):
    place = place_for(request, data.place_id, Capability.MANAGE_COMMUNITY)
    fields = data.dict(exclude={"place_id"})
    item = request_services.save_standard_answer(by=request.auth, place=place, **fields)
    return Status(201, item)


@router.put("/community/standard-answers/{answer_id}", response={200: StandardAnswerOut, **ERRORS})
def edit_standard_answer(request, answer_id: Id, data: StandardAnswerIn):
    item = get_for(request.scope, StandardAnswer.objects.all(), Capability.MANAGE_COMMUNITY, pk=answer_id)
    fields = data.dict()
    return request_services.save_standard_answer(by=request.auth, place=item.place, existing=item, **fields)


# --- merchants' staff -----------------------------------------------------------------------------------


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
