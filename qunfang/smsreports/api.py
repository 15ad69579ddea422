"""Reports by SMS under /api/v1/sms: a place's registered phones (register, retire), its keywords (set
the aliases), its inbound messages and their counts by outcome; and the providers' inbound callbacks,
public but for the secret in their address (a wrong one is 404, said no more about)."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text
from qunfang.smsreports import inbound, keywords, selectors, services
from qunfang.smsreports.capabilities import MANAGE_PHONES, SET_KEYWORDS, VIEW_INBOUND
from qunfang.smsreports.models import InboundMessage, Outcome, RegisteredPhone

router = Router(tags=["sms reports"])


class SmsPhoneOut(Schema):
    id: int
    place_id: int
    phone: str  # masked
    holder: str
    active: bool

    @staticmethod
    def resolve_phone(row: RegisteredPhone) -> str:
        return str(row.phone)


class SmsPhoneIn(Schema):
    place_id: Id
    phone: Text = Field(..., min_length=1, max_length=40)
    holder: Text = Field("", max_length=50)


class SmsKeywordOut(Schema):
    target: str
    label: str
    word: str
    aliases: list[str]
    set_at_id: int | None


class SmsKeywordsIn(Schema):
    place_id: Id
    aliases: dict[Text, Text] = Field(..., description="target: the aliases, space-separated")


class SmsInboundOut(Schema):
    id: int
    provider: str
    place_id: int | None
    phone: str  # masked
    text: str
    sent_at: datetime | None
    received_at: datetime
    outcome: Outcome
    reason: str
    report_id: int | None
    activity_id: int | None
    reply: str

    @staticmethod
    def resolve_phone(row: InboundMessage) -> str:
        return str(row.phone or "")


class SmsOutcomeCountsOut(Schema):
    counts: dict[str, int]


class AliyunAnswer(Schema):
    code: int
    msg: str


class TencentAnswer(Schema):
    result: int
    errmsg: str


@router.get("/sms/phones", response={200: list[SmsPhoneOut], **ERRORS})
@paginate(Pages)
def list_phones(request, place_id: Id):
    return selectors.phones(request.scope, place_for(request, place_id, VIEW_INBOUND))


@router.post("/sms/phones", response={201: SmsPhoneOut, **ERRORS})
def register_phone(request, data: SmsPhoneIn):
    place = place_for(request, data.place_id, MANAGE_PHONES)
    row = services.register_phone(by=request.auth, place=place, phone=data.phone, holder=data.holder)
    return Status(201, row)


@router.post("/sms/phones/{phone_id}/retire", response={200: SmsPhoneOut, **ERRORS})
def retire_phone(request, phone_id: Id):
    row = get_for(request.scope, RegisteredPhone.objects.all(), MANAGE_PHONES, pk=phone_id)
    return services.retire_phone(by=request.auth, phone=row)


def _keywords(place) -> list[SmsKeywordOut]:
    return [
        SmsKeywordOut(
            target=e.target,
            label=str(e.label),
            word=e.word,
            aliases=e.aliases,
            set_at_id=e.set_at.pk if e.set_at else None,
        )
        for e in keywords.vocabulary(place, below=True).entries
    ]


@router.get("/sms/keywords", response={200: list[SmsKeywordOut], **ERRORS})
def list_keywords(request, place_id: Id):
    return _keywords(place_for(request, place_id, VIEW_INBOUND))


@router.post("/sms/keywords", response={200: list[SmsKeywordOut], **ERRORS})
def set_keywords(request, data: SmsKeywordsIn):
    place = place_for(request, data.place_id, SET_KEYWORDS)
    services.set_aliases(by=request.auth, place=place, aliases=dict(data.aliases))
    return _keywords(place)


@router.get("/sms/inbound", response={200: list[SmsInboundOut], **ERRORS})
@paginate(Pages)
def list_inbound(request, place_id: Id, outcome: Outcome | None = None):
    return selectors.inbound(request.scope, place_for(request, place_id, VIEW_INBOUND), outcome=outcome or "")


@router.get("/sms/inbound/counts", response={200: SmsOutcomeCountsOut, **ERRORS})
def inbound_counts(request, place_id: Id):
    """How many inbound messages of the place and below came to each outcome."""
    return {"counts": selectors.outcome_counts(request.scope, place_for(request, place_id, VIEW_INBOUND))}


# The providers' bodies are read here, not by the API's parser: a text with a control character is a
# station's message to keep (cleaned), not a request to refuse.
ALIYUN_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            name: {"type": "string"}
                            for name in ("phone_number", "send_time", "content", "sign_name", "dest_code")
                        }
                        | {"sequence_id": {"type": "integer"}},
                    },
                }
            }
        }
    }
}
TENCENT_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        name: {"type": "string"}
                        for name in ("mobile", "nationcode", "text", "sign", "extend")
                    }
                    | {"time": {"type": "integer"}},
                }
            }
        }
    }
}


def _take(messages) -> None:
    for message in messages:
        services.take_message(message)


@router.post(
    "/sms/inbound/aliyun/{token}",
    auth=None,
    response={200: AliyunAnswer, **ERRORS},
    openapi_extra=ALIYUN_BODY,
)
def aliyun_inbound(request, token: str):
    """Aliyun's push of uplink messages (SmsUp)."""
    if not inbound.token_is_right(token):
        raise Http404
    messages, _skipped = inbound.aliyun_messages(inbound.body_of(request.body))
    _take(messages)
    return {"code": 0, "msg": "成功"}


@router.post(
    "/sms/inbound/tencent/{token}",
    auth=None,
    response={200: TencentAnswer, **ERRORS},
    openapi_extra=TENCENT_BODY,
)
def tencent_inbound(request, token: str):
    """Tencent's push of replies (回复短信)."""
    if not inbound.token_is_right(token):
        raise Http404
    messages, _skipped = inbound.tencent_messages(inbound.body_of(request.body))
    _take(messages)
    return {"result": 0, "errmsg": "OK"}
