"""Needs under /api/v1/needs: a place's needs with their lines (asked, promised, delivered, missing),
one need, posting, committing, withdrawing a commitment, recording a delivery, counting a donations'
delivery against a need, closing. The same services and scoping as the pages."""

from datetime import date

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.donations.models import Delivery
from qunfang.donations.selectors import drives
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.needs import selectors, services
from qunfang.needs.models import Commitment, Need, NeedLine, NeedStatus
from qunfang.needs.selectors import RECORD, VIEW

router = Router(tags=["needs"])


class NeedLineOut(Schema):
    id: int
    item: str
    unit: str
    quantity: int
    committed: int
    delivered: int
    missing: int

    @staticmethod
    def resolve_item(line: NeedLine) -> str:
        return line.item.name

    @staticmethod
    def resolve_unit(line: NeedLine) -> str:
        return line.item.unit


class NeedOut(Schema):
    id: int
    place_id: int
    title: str
    why: str
    by_date: date | None
    posted_on: date
    status: NeedStatus
    lines: list[NeedLineOut]

    @staticmethod
    def resolve_lines(need: Need) -> list[NeedLine]:
        return list(need.lines.all())


class NeedLineIn(Schema):
    item: Text = Field(..., min_length=1, max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    quantity: int = Field(..., ge=1, le=services.LARGEST_QUANTITY)


class NeedIn(Schema):
    place_id: Id
    title: Text = Field(..., min_length=1, max_length=100)
    why: Text = Field("", max_length=300)
    by_date: Day | None = None
    lines: list[NeedLineIn] = Field(..., min_length=1, max_length=services.MOST_LINES)


class NeedCommitIn(Schema):
    line_id: Id
    donor_name: Text = Field(..., min_length=1, max_length=100)
    named_publicly: bool = False
    drive_id: Id | None = None
    quantity: int = Field(..., ge=1, le=services.LARGEST_QUANTITY)


class NeedCommitmentOut(Schema):
    id: int
    line_id: int
    donor_name: str
    named_publicly: bool
    drive_id: int | None
    quantity: int
    delivered: int
    withdrawn_on: date | None


class NeedDeliveryLineIn(Schema):
    line_id: Id
    quantity: int = Field(..., ge=1, le=services.LARGEST_QUANTITY)


class NeedDeliveryIn(Schema):
    lines: list[NeedDeliveryLineIn] = Field(..., min_length=1, max_length=services.MOST_LINES)
    commitment_id: Id | None = None
    from_place_id: Id | None = Field(None, description="a place above whose stock the goods came from")
    day: Day
    delivered_by: Text = Field(..., min_length=1, max_length=50)
    received_by: Text = Field(..., min_length=1, max_length=50)


class NeedCountDeliveryIn(Schema):
    delivery_id: Id
    commitment_ids: list[Id] = Field(default_factory=list, max_length=services.MOST_LINES)


class NeedFulfilmentOut(Schema):
    id: int
    line_id: int
    commitment_id: int | None
    quantity: int
    day: date


def _need(request, need_id: int, capability) -> Need:
    return get_for(
        request.scope,
        Need.objects.select_related("place").prefetch_related(selectors.LINES),
        capability,
        pk=need_id,
    )


def _fresh(need: Need) -> Need:
    return Need.objects.prefetch_related(selectors.LINES).get(pk=need.pk)


@router.get("/needs", response={200: list[NeedOut], **ERRORS})
@paginate(Pages)
def list_needs(request, place_id: Id, status: NeedStatus | None = None):
    return selectors.needs(request.scope, place_for(request, place_id, VIEW), status=status or "")


@router.get("/needs/{need_id}", response={200: NeedOut, **ERRORS})
def get_need(request, need_id: Id):
    return _need(request, need_id, VIEW)


@router.post("/needs", response={201: NeedOut, **ERRORS})
def post_need(request, data: NeedIn):
    place = place_for(request, data.place_id, RECORD)
    need = services.post_need(
        by=request.auth,
        place=place,
        title=data.title,
        why=data.why,
        by_date=data.by_date,
        lines=[((line.item, line.unit), line.quantity) for line in data.lines],
    )
    return Status(201, _fresh(need))


@router.get("/needs/{need_id}/commitments", response={200: list[NeedCommitmentOut], **ERRORS})
def list_commitments(request, need_id: Id):
    return list(selectors.commitments(_need(request, need_id, VIEW)))


@router.post("/needs/{need_id}/commitments", response={201: NeedCommitmentOut, **ERRORS})
def commit(request, need_id: Id, data: NeedCommitIn):
    need = _need(request, need_id, RECORD)
    line = need.lines.filter(pk=data.line_id).first()
    if line is None:
        raise Http404
    drive = None
    if data.drive_id:  # a drive the place may not give to is refused, never dropped
        drive = drives(request.scope, need.place).filter(pk=data.drive_id).first()
        if drive is None:
            raise Http404
    promise = services.commit(
        by=request.auth,
        line=line,
        donor_name=data.donor_name,
        quantity=data.quantity,
        named_publicly=data.named_publicly,
        drive=drive,
    )
    return Status(201, promise)


@router.post("/needs/commitments/{commitment_id}/withdraw", response={200: NeedCommitmentOut, **ERRORS})
def withdraw(request, commitment_id: Id):
    promise = get_for(request.scope, Commitment.objects.all(), RECORD, pk=commitment_id)
    return services.withdraw(by=request.auth, commitment=promise)


@router.post("/needs/{need_id}/deliveries", response={201: list[NeedFulfilmentOut], **ERRORS})
def record_delivery(request, need_id: Id, data: NeedDeliveryIn):
    need = _need(request, need_id, RECORD)
    lines = {line.pk: line for line in need.lines.all()}
    if any(line.line_id not in lines for line in data.lines):
        raise Http404
    promise = None
    if data.commitment_id:
        promise = Commitment.objects.filter(pk=data.commitment_id, line__need=need).first()
        if promise is None:
            raise Http404
    source = None
    if data.from_place_id:
        source = place_for(request, data.from_place_id, RECORD)
        if source.pk not in need.place.ancestor_ids:
            raise Http404
    made = services.record_delivery(
        by=request.auth,
        need=need,
        lines=[(lines[line.line_id], line.quantity) for line in data.lines],
        day=data.day,
        delivered_by=data.delivered_by,
        received_by=data.received_by,
        commitment=promise,
        from_place=source,
    )
    return Status(201, made)


@router.post("/needs/{need_id}/donation-deliveries", response={201: list[NeedFulfilmentOut], **ERRORS})
def count_delivery(request, need_id: Id, data: NeedCountDeliveryIn):
    """A delivery recorded in the donations, to the need's place, counted against the need's lines."""
    need = _need(request, need_id, RECORD)
    delivery = get_for(request.scope, Delivery.objects.all(), RECORD, pk=data.delivery_id)
    promises = list(Commitment.objects.filter(pk__in=data.commitment_ids, line__need=need))
    if len(promises) != len(set(data.commitment_ids)):
        raise Http404
    made = services.fulfil_with_delivery(by=request.auth, need=need, delivery=delivery, commitments=promises)
    return Status(201, made)


@router.post("/needs/{need_id}/close", response={200: NeedOut, **ERRORS})
def close_need(request, need_id: Id):
    need = services.close_need(by=request.auth, need=_need(request, need_id, RECORD))
    return _fresh(need)
