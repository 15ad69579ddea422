"""Donations under /api/v1/donations: cash gifts in and out (amounts as strings of yuan, exact), a
drive's totals by purpose and by child place, hand-overs, stock on hand, goods received and delivered.
The same services and scoping as the pages."""

from datetime import date

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.donations import selectors, services
from qunfang.donations.models import CashDonation, Donor, DonorKind, Drive, StockLevel
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text

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
    to_place_id: Id
    lines: list[DeliveryLineIn] = Field(..., min_length=1, max_length=50)
    day: Day
    delivered_by: Text = Field(..., min_length=1, max_length=50)
    received_by: Text = Field(..., min_length=1, max_length=50)


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
    new_donor = {"name": data.donor_name, "kind": data.donor_kind}
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
    to_place = place_for(request, data.to_place_id, Capability.VIEW_PLACES)
    delivery = services.deliver(
        by=request.auth, place=place, lines=[((line.item, line.unit), line.quantity)
                                             for line in data.lines],
        day=data.day, delivered_by=data.delivered_by, received_by=data.received_by, to_place=to_place,
    )  # fmt: skip
    return Status(201, delivery)
