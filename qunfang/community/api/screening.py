"""Phone screening under /api/v1/community: a round started, its progress and closed; a caller's calls
with their outcomes, and a household's number revealed to its caller (audited). The same scoping and
services as the pages (views/screening.py)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import (
    ScreeningCall,
    ScreeningOutcome,
)
from qunfang.community.selectors import screening as screening_selectors
from qunfang.community.selectors.screening import possible_callers
from qunfang.community.services import screening as screening_services
from qunfang.core.access import get_for, place_for
from qunfang.core.once import answer_shown_once
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, INVALID_CHOICE, Day, Id, Pages, Text

router = Router(tags=["community"])


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
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    calls = ScreeningCall.objects.select_related("round", "household")
    call = calls.filter(pk=call_id, caller=request.auth).first() or get_for(
        request.scope, calls, Capability.MANAGE_COMMUNITY, pk=call_id
    )
    return {"number": screening_services.number_to_call(by=request.auth, call=call)}
