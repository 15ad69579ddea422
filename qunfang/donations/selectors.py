"""Reads of donations and supplies, scope first where a user asks: drive totals by purpose and by child
place from the kept totals (never summing the donations), what is collected but not yet handed over,
donors' histories, stock on hand and the ledger behind it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.donations.models import (
    CashDonation,
    Delivery,
    DonationTotal,
    Donor,
    Drive,
    HandOver,
    StockLevel,
    StockMove,
    yuan,
)


def _key(drive: Drive | None) -> int:
    return drive.pk if drive else 0


def totals_by_purpose(place: OrgUnit, drive: Drive | None) -> list[dict]:
    """The place's (and everything under it) gifts to the drive, per purpose ("" undesignated)."""
    rows = (
        DonationTotal.objects.filter(place=place, drive_key=_key(drive))
        .exclude(amount_fen=0, donations=0)
        .order_by("-amount_fen", "purpose")
    )
    return [{"purpose": r.purpose, "amount": yuan(r.amount_fen), "donations": r.donations} for r in rows]


def totals_by_purpose_in_all(place: OrgUnit) -> list[dict]:
    """The place's (and everything under it) gifts of every drive and none, per purpose: the kept
    totals of each drive added up."""
    rows = (
        DonationTotal.objects.filter(place=place)
        .values("purpose")
        .annotate(fen=Sum("amount_fen"))
        .filter(fen__gt=0)
        .order_by("-fen", "purpose")
    )
    return [{"purpose": r["purpose"], "amount": yuan(r["fen"])} for r in rows]


def drive_total(place: OrgUnit, drive: Drive | None) -> Decimal:
    fen = DonationTotal.objects.filter(place=place, drive_key=_key(drive)).aggregate(fen=Sum("amount_fen"))[
        "fen"
    ]
    return yuan(fen)


def totals_by_child(place: OrgUnit, drive: Drive | None) -> list[dict]:
    """Each child place's total for the drive, from the kept totals: one indexed read."""
    rows = (
        DonationTotal.objects.filter(place__parent=place, drive_key=_key(drive))
        .values("place")
        .annotate(fen=Sum("amount_fen"))
        .filter(fen__gt=0)
        .order_by("-fen")
    )
    places = OrgUnit.objects.in_bulk([row["place"] for row in rows])
    return [{"place": places[row["place"]], "amount": yuan(row["fen"])} for row in rows]


def cash_sum(donations: QuerySet[CashDonation]) -> Decimal:
    return yuan(donations.aggregate(fen=Sum("amount_fen"))["fen"])


def drives(scope: Scope, place: OrgUnit) -> QuerySet[Drive]:
    """Drives of the place and those above it the user can see (a town collects for the district's)."""
    above = [*place.ancestor_ids, place.pk]
    return Drive.objects.filter(place_id__in=above).order_by("-start", "pk")


def cash(scope: Scope, place: OrgUnit, *, drive: Drive | None = None, waiting: bool = False) -> QuerySet:
    found = (
        CashDonation.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place__path__startswith=place.path)
        .select_related("donor", "drive", "place", "hand_over")
        .prefetch_related("designations")
        .order_by("-day", "-pk")
    )
    if drive is not None:
        found = found.filter(drive=drive)
    return found.filter(hand_over=None) if waiting else found


def not_handed_over(place: OrgUnit) -> dict:
    """What the place itself collected and has not passed on: always in view."""
    waiting = CashDonation.objects.filter(place=place, hand_over=None)
    counted = waiting.aggregate(fen=Sum("amount_fen"), donations=Count("pk"))
    return {"amount": yuan(counted["fen"]), "donations": counted["donations"]}


def hand_overs(scope: Scope, place: OrgUnit) -> QuerySet[HandOver]:
    return (
        HandOver.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place__path__startswith=place.path)
        .annotate(count=Count("donations"))
        .order_by("-day", "-pk")
    )


def donors(scope: Scope, place: OrgUnit, name: str = "") -> QuerySet[Donor]:
    found = (
        Donor.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place__path__startswith=place.path)
        .annotate(given_fen=Sum("cash__amount_fen"), gifts=Count("cash", distinct=True))
        .order_by("name")
    )
    return found.filter(name__icontains=name) if name else found


def stock(scope: Scope, place: OrgUnit) -> QuerySet[StockLevel]:
    return (
        StockLevel.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place=place)
        .select_related("item")
        .order_by("item__name")
    )


def moves(scope: Scope, place: OrgUnit) -> QuerySet[StockMove]:
    return (
        StockMove.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place=place)
        .select_related("item", "donor", "delivery__to_place", "reverses")
        .order_by("-day", "-pk")
    )


def deliveries(scope: Scope, place: OrgUnit) -> QuerySet[Delivery]:
    return (
        Delivery.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .filter(place__path__startswith=place.path)
        .select_related("to_place", "to_team", "place")
        .prefetch_related("moves__item")
        .order_by("-day", "-pk")
    )
