"""Donations under /api/v1/donations: cash gifts in and out (amounts as strings of yuan, exact) and their
correction, drives (started, listed, their totals by purpose and by child place), donors, hand-overs,
stock on hand and its ledger, goods received, taken out and delivered, a ledger line reversed. The same
services and scoping as the pages."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.donations import selectors, services
from qunfang.donations.models import (
    CashDonation,
    Donor,
    DonorKind,
    Drive,
    MoveKind,
    StockLevel,
    StockMove,
    yuan,
)
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.mobilization.models import Team

router = Router(tags=["donations"])


class DesignationIO(Schema):
    purpose: Text = Field(..., max_length=60)
    amount: Text = Field(..., max_length=20, description='yuan, at most two decimals: "30000.00"')


class CashOut(Schema):
    id: int
    place_id: int
    donor_id: int
    donor: str
    drive_id: int | None
    day: date
    amount: str
    receipt_number: str
    handed_over: bool
    designations: list[DesignationIO]

    @staticmethod
    def resolve_amount(gift: CashDonation) -> str:
        return str(gift.amount)

    @staticmethod
    def resolve_donor(gift: CashDonation) -> str:
        return gift.donor.name

    @staticmethod
    def resolve_handed_over(gift: CashDonation) -> bool:
        return gift.hand_over_id is not None

    @staticmethod
    def resolve_designations(gift: CashDonation) -> list[dict]:
        return [{"purpose": d.purpose, "amount": str(d.amount)} for d in gift.designations.all()]


class CashIn(Schema):
    place_id: Id
    donor_id: Id | None = None
    donor_name: Text = Field("", max_length=100)
    donor_kind: DonorKind = DonorKind.PERSON
    donor_phone: Text = Field("", max_length=20, description="a new donor's phone")
    drive_id: Id | None = None
    day: Day
    amount: Text = Field(..., max_length=20)
    designations: list[DesignationIO] = Field(default_factory=list, max_length=20)
    receipt_number: Text = Field("", max_length=40)
    note: Text = Field("", max_length=200)
    submission: Text | None = Field(None, max_length=64, description="a key per form: sent twice, kept once")


class PurposeTotalOut(Schema):
    purpose: str
    amount: str
    donations: int


class PlaceTotalOut(Schema):
    place_id: int
    name: str
    amount: str


class DriveTotalsOut(Schema):
    drive_id: int
    place_id: int
    total: str
    by_purpose: list[PurposeTotalOut]
    by_child: list[PlaceTotalOut]


class HandOverIn(Schema):
    place_id: Id
    donation_ids: list[Id] = Field(..., min_length=1, max_length=5000)
    recipient: Text = Field(..., min_length=1, max_length=100)
    day: Day
    signed_by: Text = Field(..., min_length=1, max_length=50)


class HandOverOut(Schema):
    id: int
    recipient: str
    day: date
    total: str

    @staticmethod
    def resolve_total(sheet) -> str:
        return str(sheet.total)


class StockOut(Schema):
    item: str
    unit: str
    on_hand: int

    @staticmethod
    def resolve_item(level: StockLevel) -> str:
        return level.item.name

    @staticmethod
    def resolve_unit(level: StockLevel) -> str:
        return level.item.unit


class GoodsIn(Schema):
    place_id: Id
    item: Text = Field(..., min_length=1, max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    quantity: int = Field(..., ge=1, le=10_000_000)
    day: Day
    donor_id: Id | None = None
    note: Text = Field("", max_length=200)


class DeliveryLineIn(Schema):
    item: Text = Field(..., min_length=1, max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    quantity: int = Field(..., ge=1, le=10_000_000)


class DeliveryIn(Schema):
    place_id: Id
    to_place_id: Id | None = Field(None, description="one of to_place_id, to_team_id and to_person")
    to_team_id: Id | None = None
    to_person: Text = Field("", max_length=100)
    lines: list[DeliveryLineIn] = Field(..., min_length=1, max_length=50)
    day: Day
    delivered_by: Text = Field(..., min_length=1, max_length=50)
    received_by: Text = Field(..., min_length=1, max_length=50)
    note: Text = Field("", max_length=200)


class CreatedId(Schema):
    id: int


@router.get("/donations/cash", response={200: list[CashOut], **ERRORS})
@paginate(Pages)
def list_cash(request, place_id: Id, waiting: bool = False):
    return selectors.cash(
        request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS), waiting=waiting
    )


@router.post("/donations/cash", response={201: CashOut, **ERRORS})
def record_cash(request, data: CashIn):
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    donor = None
    if data.donor_id:
        donor = get_for(request.scope, Donor.objects.all(), Capability.VIEW_DONATIONS, pk=data.donor_id)
    drive = None
    if data.drive_id:  # a drive this place may not give to is refused, never dropped
        drive = selectors.drives(request.scope, place).filter(pk=data.drive_id).first()
        if drive is None:
            raise Http404
    new_donor = {"name": data.donor_name, "kind": data.donor_kind, "phone": data.donor_phone}
    gift = services.record_cash(
        by=request.auth, place=place, donor=donor, new_donor=new_donor, day=data.day, amount=data.amount,
        drive=drive,
        designations=[(d.purpose, d.amount) for d in data.designations], receipt_number=data.receipt_number,
        note=data.note, submission=data.submission,
    )  # fmt: skip
    return Status(201, gift)


@router.get("/donations/drives/{drive_id}/totals", response={200: DriveTotalsOut, **ERRORS})
def drive_totals(request, drive_id: Id, place_id: Id | None = None):
    drive = get_for(
        request.scope, Drive.objects.select_related("place"), Capability.VIEW_DONATIONS, pk=drive_id
    )
    place = place_for(request, place_id, Capability.VIEW_DONATIONS) if place_id else drive.place
    return {
        "drive_id": drive.pk,
        "place_id": place.pk,
        "total": str(selectors.drive_total(place, drive)),
        "by_purpose": [{**r, "amount": str(r["amount"])} for r in selectors.totals_by_purpose(place, drive)],
        "by_child": [
            {"place_id": r["place"].pk, "name": r["place"].name, "amount": str(r["amount"])}
            for r in selectors.totals_by_child(place, drive)
        ],
    }


@router.post("/donations/handovers", response={201: HandOverOut, **ERRORS})
def hand_over(request, data: HandOverIn):
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    donations = list(CashDonation.objects.filter(pk__in=data.donation_ids, place=place))
    if len(donations) != len(set(data.donation_ids)):
        donations = []  # one of them is not this place's: nothing is handed over
    sheet = services.hand_over(
        by=request.auth, place=place, donations=donations, recipient=data.recipient, day=data.day,
        signed_by=data.signed_by,
    )  # fmt: skip
    return Status(201, sheet)


@router.get("/donations/stock", response={200: list[StockOut], **ERRORS})
def stock(request, place_id: Id):
    return selectors.stock(request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS))


@router.post("/donations/goods", response={201: CreatedId, **ERRORS})
def receive_goods(request, data: GoodsIn):
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    donor = None
    if data.donor_id:
        donor = get_for(request.scope, Donor.objects.all(), Capability.VIEW_DONATIONS, pk=data.donor_id)
    move = services.receive_goods(
        by=request.auth, place=place, item=(data.item, data.unit), quantity=data.quantity,
        day=data.day, donor=donor, note=data.note,
    )  # fmt: skip
    return Status(201, move)


@router.post("/donations/deliveries", response={201: CreatedId, **ERRORS})
def deliver(request, data: DeliveryIn):
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    to_place = to_team = None
    if data.to_place_id:
        to_place = place_for(request, data.to_place_id, Capability.VIEW_PLACES)
    if data.to_team_id:  # a front-line team under the place, as the page offers
        teams = Team.objects.visible_to(request.scope, Capability.VIEW_ACTIVITIES)
        to_team = teams.under(place).filter(pk=data.to_team_id).first()
        if to_team is None:
            raise Http404
    delivery = services.deliver(
        by=request.auth, place=place, lines=[((line.item, line.unit), line.quantity)
                                             for line in data.lines],
        day=data.day, delivered_by=data.delivered_by, received_by=data.received_by, to_place=to_place,
        to_team=to_team, to_person=data.to_person, note=data.note,
    )  # fmt: skip
    return Status(201, delivery)


# --- drives, donors, the ledger and corrections: the rest of what the pages write and list ---------------


class DriveIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=100)
    purpose: Text = Field("", max_length=300)
    designations: list[Text] = Field(
        default_factory=list, max_length=20, description="purposes a gift may carry"
    )
    start: Day
    end: Day | None = None
    target: Text = Field("", max_length=20, description='yuan, at most two decimals; "" for none')


class DriveOut(Schema):
    id: int
    place_id: int
    name: str
    purpose: str
    designations: list[str] = Field(..., alias="designation_choices")
    start: date
    end: date | None
    target: str | None

    @staticmethod
    def resolve_target(drive: Drive) -> str | None:
        return str(drive.target) if drive.target is not None else None


class DonorOut(Schema):
    id: int
    place_id: int
    kind: DonorKind
    name: str
    is_veteran: bool
    contact: str
    phone: str = Field(..., description="masked")
    address: str
    given: str
    gifts: int

    @staticmethod
    def resolve_phone(donor: Donor) -> str:
        return str(donor.phone or "")

    @staticmethod
    def resolve_given(donor: Donor) -> str:
        return str(yuan(donor.given_fen))


class CorrectCashIn(Schema):
    amount: Text = Field(..., max_length=20, description='yuan, at most two decimals: "30000.00"')
    designations: list[DesignationIO] = Field(default_factory=list, max_length=20)


class MoveOut(Schema):
    id: int
    item: str
    unit: str
    quantity: int
    kind: MoveKind
    day: date
    donor_id: int | None
    delivery_id: int | None
    reverses_id: int | None
    note: str

    @staticmethod
    def resolve_item(move: StockMove) -> str:
        return move.item.name

    @staticmethod
    def resolve_unit(move: StockMove) -> str:
        return move.item.unit


class TakeOutIn(Schema):
    place_id: Id
    item: Text = Field(..., min_length=1, max_length=60)
    unit: Text = Field(..., min_length=1, max_length=10)
    quantity: int = Field(..., ge=1, le=10_000_000)
    kind: Literal["used", "written_off"]
    day: Day
    note: Text = Field("", max_length=200)


class DeliveryOut(Schema):
    id: int
    place_id: int
    to_place_id: int | None
    to_team_id: int | None
    to_person: str
    day: date
    delivered_by: str
    received_by: str
    note: str
    lines: list[DeliveryLineIn]

    @staticmethod
    def resolve_lines(delivery) -> list[dict]:
        out = [m for m in delivery.moves.all() if m.place_id == delivery.place_id]  # not the receiving side's
        return [{"item": m.item.name, "unit": m.item.unit, "quantity": -m.quantity} for m in out]


class MoveCorrectionIn(Schema):
    note: Text = Field("", max_length=200)


@router.get("/donations/drives", response={200: list[DriveOut], **ERRORS})
@paginate(Pages)
def list_drives(request, place_id: Id):
    """The drives a place collects for: its own and those of the places above it."""
    return selectors.drives(request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS))


@router.post("/donations/drives", response={201: DriveOut, **ERRORS})
def start_drive(request, data: DriveIn):
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    drive = services.save_drive(by=request.auth, place=place, **data.dict(exclude={"place_id"}))
    return Status(201, drive)


@router.get("/donations/donors", response={200: list[DonorOut], **ERRORS})
@paginate(Pages)
def list_donors(request, place_id: Id, q: Text = ""):
    """The donors kept at the place and below, with what each gave; `q` finds them by name."""
    return selectors.donors(
        request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS), q.strip()[:50]
    )


@router.post("/donations/cash/{donation_id}/correction", response={200: CashOut, **ERRORS})
def correct_cash(request, donation_id: Id, data: CorrectCashIn):
    """A new amount or split for a gift not yet handed over (refused with 422 once it is)."""
    gift = get_for(request.scope, CashDonation.objects.all(), Capability.RECORD_DONATIONS, pk=donation_id)
    services.correct_cash(
        by=request.auth, donation=gift, amount=data.amount,
        designations=[(d.purpose, d.amount) for d in data.designations],
    )  # fmt: skip
    return CashDonation.objects.select_related("donor").get(pk=gift.pk)


@router.get("/donations/stock-moves", response={200: list[MoveOut], **ERRORS})
@paginate(Pages)
def list_moves(request, place_id: Id):
    """The place's stock ledger, newest first."""
    return selectors.moves(request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS))


@router.post("/donations/stock-moves/{move_id}/correction", response={201: MoveOut, **ERRORS})
def correct_move(request, move_id: Id, data: MoveCorrectionIn):
    """A mistaken ledger line undone by its reverse (the new line is the answer)."""
    move = get_for(
        request.scope,
        StockMove.objects.select_related("place", "item"),
        Capability.RECORD_DONATIONS,
        pk=move_id,
    )
    return Status(201, services.correct_move(by=request.auth, move=move, note=data.note))


@router.post("/donations/take-outs", response={201: MoveOut, **ERRORS})
def take_out(request, data: TakeOutIn):
    """Goods used at the place or written off, from its stock."""
    place = place_for(request, data.place_id, Capability.RECORD_DONATIONS)
    level = selectors.stock(request.scope, place).filter(item__name=data.item, item__unit=data.unit).first()
    if level is None:
        raise ValidationError({"item": _("There is none of this item in stock here.")})
    move = services.take_out(
        by=request.auth, place=place, item=level.item, quantity=data.quantity, kind=data.kind, day=data.day,
        note=data.note,
    )  # fmt: skip
    return Status(201, move)


@router.get("/donations/deliveries", response={200: list[DeliveryOut], **ERRORS})
@paginate(Pages)
def list_deliveries(request, place_id: Id):
    """Deliveries from the place and the places below it, newest first."""
    return selectors.deliveries(request.scope, place_for(request, place_id, Capability.VIEW_DONATIONS))
