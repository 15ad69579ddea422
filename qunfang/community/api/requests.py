"""Residents' requests under /api/v1/community: taken down, given to a staff member or a volunteer,
answered; the standard answers written and edited. The same scoping and services as the pages
(views/requests.py)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.community.models import (
    Household,
    RequestCategory,
    RequestChannel,
    ResidentRequest,
    StandardAnswer,
)
from qunfang.community.selectors import requests as request_selectors
from qunfang.community.selectors.screening import possible_callers
from qunfang.community.services import requests as request_services
from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, INVALID_CHOICE, Id, Pages, Text
from qunfang.mobilization.selectors import who_can_take_part

router = Router(tags=["community"])


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
