"""Messaging under /api/v1: templates, campaigns (create, count the audience, start, progress, retry the
failed) and a campaign's messages, phones masked."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core.access import place_for
from qunfang.core.once import answer_shown_once
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Moment, Pages, Text
from qunfang.messaging import selectors, services
from qunfang.messaging.models import (
    AudienceKind,
    CallOutcome,
    Campaign,
    CampaignStatus,
    Channel,
    Message,
    MessageState,
)

router = Router(tags=["messaging"])


def _campaign(request, campaign_id: int) -> Campaign:
    return selectors.campaign_for(request.scope, campaign_id)


class TemplateIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=80)
    channel: Channel
    body: Text = Field(..., min_length=1, max_length=1000)
    provider_code: Text = Field("", max_length=40)
    approved: bool = False


class TemplateOut(Schema):
    id: int
    place_id: int
    name: str
    channel: Channel
    body: str
    provider_code: str
    approved: bool
    characters: int
    segments: int

    @staticmethod
    def resolve_characters(template) -> int:
        return services.sms_length(template.body).characters

    @staticmethod
    def resolve_segments(template) -> int:
        return services.sms_length(template.body).segments


class Audience(Schema):
    kind: Literal["veterans", "team", "not_reported"] = "veterans"
    places: list[Id] = Field(
        [], max_length=500, description="veterans: only these places under the campaign's"
    )
    category: Text = Field("", max_length=30, description="veterans: of this category")
    tag: Text = Field("", max_length=30, description="veterans: with this tag")
    team: Id | None = Field(None, description="team: its active volunteers")
    data_set: Id | None = Field(None, description="not_reported: the places that have not sent this report")
    day: date | None = Field(None, description="not_reported: for this day (default today)")
    callers: list[Id] = Field([], max_length=200, description="phone calls: who makes them")

    def filters(self) -> dict:
        return {**self.dict(), "day": self.day.isoformat() if self.day else ""}


class CampaignIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=100)
    template_id: Id
    audience: Audience = Audience()


class Progress(Schema):
    queued: int
    sending: int
    sent: int
    delivered: int
    failed: int


class CampaignOut(Schema):
    id: int
    place_id: int
    name: str
    template_id: int
    audience: dict
    status: CampaignStatus
    recipients: int
    started_at: datetime | None
    finished_at: datetime | None
    send_at: datetime | None
    problem: str
    progress: Progress

    @staticmethod
    def resolve_progress(campaign) -> dict:
        return selectors.progress(campaign)


class CountOut(Schema):
    recipients: int
    sample: str


class MessageOut(Schema):
    id: int
    veteran_id: int | None
    volunteer_id: int | None
    station_id: int | None
    name: str
    phone: str = Field(..., description="masked")
    text: str
    state: MessageState
    provider_id: str
    error: str
    attempts: int
    caller_id: int | None
    outcome: str
    note: str

    @staticmethod
    def resolve_name(message: Message) -> str:
        return message.recipient.name

    @staticmethod
    def resolve_phone(message: Message) -> str:
        return selectors.masked_phone(message)


@router.get("/messaging/templates", response={200: list[TemplateOut], **ERRORS})
def list_templates(request, place_id: Id):
    return selectors.templates(request.scope, place_for(request, place_id, Capability.SEND_CAMPAIGNS))


@router.post("/messaging/templates", response={201: TemplateOut, **ERRORS})
def create_template(request, data: TemplateIn):
    place = place_for(request, data.place_id, Capability.SEND_CAMPAIGNS)
    fields = data.dict(exclude={"place_id"})
    return Status(201, services.save_template(by=request.auth, place=place, **fields))


@router.get("/messaging/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(Pages)
def list_campaigns(request, place_id: Id):
    return selectors.campaigns(request.scope, place_for(request, place_id, Capability.SEND_CAMPAIGNS))


@router.post("/messaging/campaigns/count", response={200: CountOut, **ERRORS})
def count_audience(request, data: CampaignIn):
    """How many would receive the campaign, and the message the first of them would get."""
    place = place_for(request, data.place_id, Capability.SEND_CAMPAIGNS)
    template = selectors.templates(request.scope, place).filter(pk=data.template_id).first()
    if template is None:
        raise ValidationError(_("No such template here."))
    found = services.preview(place, data.audience.filters(), template)
    return {"recipients": found.count, "sample": found.sample}


@router.post("/messaging/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request, data: CampaignIn):
    place = place_for(request, data.place_id, Capability.SEND_CAMPAIGNS)
    template = selectors.templates(request.scope, place).filter(pk=data.template_id).first()
    if template is None:
        raise ValidationError(_("No such template here."))
    campaign = services.create_campaign(
        by=request.auth, place=place, name=data.name, template=template, filters=data.audience.filters()
    )
    return Status(201, campaign)


@router.get("/messaging/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request, campaign_id: Id):
    return _campaign(request, campaign_id)


@router.post("/messaging/campaigns/{campaign_id}/start", response={200: CampaignOut, **ERRORS})
def start_campaign(request, campaign_id: Id):
    """Freeze the recipients and send; refused (422) before anything is written if it cannot go."""
    return services.start_campaign(by=request.auth, campaign=_campaign(request, campaign_id))


class ScheduleIn(Schema):
    send_at: Moment


@router.post("/messaging/campaigns/{campaign_id}/schedule", response={200: CampaignOut, **ERRORS})
def schedule_campaign(request, campaign_id: Id, data: ScheduleIn):
    """Start the campaign by itself at a time in the next 30 days; checked now as it would be then."""
    return services.schedule_campaign(
        by=request.auth, campaign=_campaign(request, campaign_id), at=data.send_at
    )


@router.post("/messaging/campaigns/{campaign_id}/unschedule", response={200: CampaignOut, **ERRORS})
def unschedule_campaign(request, campaign_id: Id):
    return services.unschedule_campaign(by=request.auth, campaign=_campaign(request, campaign_id))


@router.post("/messaging/campaigns/{campaign_id}/retry", response={200: CampaignOut, **ERRORS})
def retry_failed(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    services.retry_failed(by=request.auth, campaign=campaign)
    return _campaign(request, campaign_id)


@router.get("/messaging/campaigns/{campaign_id}/messages", response={200: list[MessageOut], **ERRORS})
@paginate(Pages)
def list_messages(request, campaign_id: Id, state: Query[MessageState | None] = None):
    return selectors.messages(_campaign(request, campaign_id), state or "")


class CallerProgress(Schema):
    caller_id: int = Field(..., alias="caller")
    name: str
    calls: int
    left: int
    reached: int
    no_answer: int
    wrong_number: int
    follow_up: int


@router.get("/messaging/campaigns/{campaign_id}/callers", response={200: list[CallerProgress], **ERRORS})
def caller_progress(request, campaign_id: Id):
    """A phone campaign's progress per caller."""
    return selectors.calls_by_caller(_campaign(request, campaign_id))


@router.get("/messaging/campaigns/{campaign_id}/my-calls", response={200: list[MessageOut], **ERRORS})
@paginate(Pages)
def my_calls(request, campaign_id: Id, state: Query[MessageState | None] = None):
    """The calls of a phone campaign given to the caller (404 if none)."""
    return selectors.my_calls(request.auth, campaign_id, state or "")[1]


class CallIn(Schema):
    outcome: CallOutcome
    note: Text = Field("", max_length=300)


@router.post("/messaging/calls/{message_id}", response={200: MessageOut, **ERRORS})
def record_call(request, message_id: Id, data: CallIn):
    """Mark how a call went: only its caller may."""
    message = get_object_or_404(Message, pk=message_id, caller=request.auth)
    services.record_call(by=request.auth, message=message, outcome=data.outcome, note=data.note)
    return Message.objects.select_related(*services.RECIPIENT_RELATIONS).get(pk=message.pk)


class NumberOut(Schema):
    number: str


@router.post("/messaging/calls/{message_id}/number", response={200: NumberOut, **ERRORS})
def reveal_call_number(request, message_id: Id):
    """The full number of a call given to the caller, to dial it; the audit log keeps who saw it."""
    answer_shown_once(request)  # the answer holds a secret: not kept for a retry (core/once.py)
    message = get_object_or_404(
        Message.objects.select_related(*services.RECIPIENT_RELATIONS), pk=message_id, caller=request.auth
    )
    return {"number": services.number_to_call(by=request.auth, message=message)}


# --- campaigns sent through another platform -------------------------------------------------------------


class OutsideCampaignIn(Schema):
    place_id: Id
    day: Day
    channel: Literal["sms", "wecom", "email", "phone"]
    audience: AudienceKind
    platform: Text = Field(..., max_length=60)
    sent: int = Field(..., ge=1, le=10_000_000)
    note: Text = Field("", max_length=200)
    submission: Text | None = Field(None, max_length=64, description="a key per form: sent twice, kept once")


class OutsideCampaignOut(Schema):
    id: int
    place_id: int
    day: date
    channel: str
    audience: str
    platform: str
    sent: int
    note: str
    has_receipt: bool

    @staticmethod
    def resolve_has_receipt(record) -> bool:
        return bool(record.receipt)


@router.get("/messaging/outside-campaigns", response={200: list[OutsideCampaignOut], **ERRORS})
@paginate(Pages)
def list_outside_campaigns(request, place_id: Id):
    return selectors.outside_campaigns(request.scope, place_for(request, place_id, Capability.SEND_CAMPAIGNS))


@router.post("/messaging/outside-campaigns", response={201: OutsideCampaignOut, **ERRORS})
def record_outside_campaign(request, data: OutsideCampaignIn):
    """A campaign sent through another platform (with its receipt file: the multipart twin below)."""
    facts = data.dict(exclude={"place_id"})
    record = services.record_outside_campaign(
        by=request.auth, place=place_for(request, data.place_id, Capability.SEND_CAMPAIGNS), **facts
    )
    return Status(201, record)


@router.post("/messaging/outside-campaigns/with-receipt", response={201: OutsideCampaignOut, **ERRORS})
def record_outside_campaign_with_receipt(
    request, data: Form[OutsideCampaignIn], receipt: File[UploadedFile] = None
):
    """The same, sent as multipart with the platform's receipt file (`receipt`), as the page takes it:
    a PDF, a photo, a spreadsheet or text, within the page's size limit."""
    facts = data.dict(exclude={"place_id"})
    place = place_for(request, data.place_id, Capability.SEND_CAMPAIGNS)
    record = services.record_outside_campaign(by=request.auth, place=place, receipt=receipt, **facts)
    return Status(201, record)
