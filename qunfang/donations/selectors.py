"""Reads of donations and supplies, scope first where a user asks: drive totals by purpose and by child
place from the kept totals (never summing the donations), what is collected but not yet handed over,
donors' histories, stock on hand and the ledger behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope, under
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.donations.models import (
    CashDonation,
    Delivery,
    DonationTotal,
    Donor,
    DonorDay,
    Drive,
    HandOver,
    StockLevel,
    StockMove,
    yuan,
)
from qunfang.lib.figures import counted


def _key(drive: Drive | None) -> int:
    return drive.pk if drive else 0


def totals_by_purpose(place: OrgUnit, drive: Drive | None) -> list[dict]:
    """The place's (and everything under it) gifts to the drive, per purpose ("" undesignated)."""
    rows = (
        DonationTotal.objects.filter(place=place, drive_key=_key(drive))
        .values("purpose")
        .annotate(fen=Sum("amount_fen"), count=Sum("donations"))
        .exclude(fen=0, count=0)
        .order_by("-fen", "purpose")
    )
    return [{"purpose": r["purpose"], "amount": yuan(r["fen"]), "donations": r["count"]} for r in rows]


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
        .under(place)
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
        .under(place)
        .annotate(count=Count("donations"))
        .order_by("-day", "-pk")
    )


def donors(scope: Scope, place: OrgUnit, name: str = "") -> QuerySet[Donor]:
    found = (
        Donor.objects.visible_to(scope, Capability.VIEW_DONATIONS)
        .under(place)
        .select_related("place")
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
        .under(place)
        .select_related("to_place", "to_team", "place")
        .prefetch_related("moves__item")
        .order_by("-day", "-pk")
    )


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class DonationFigures:
    gifts_in_period: int = counted(
        _("Cash gifts dated in the period, received here or below (a corrected gift once).")
    )
    yuan_in_period: str = counted(_("Yuan of the cash gifts dated in the period, as corrected."), default="0")
    donors_in_period: int = counted(_("Distinct donors of those gifts: someone who gave twice is one donor."))
    veteran_donors_in_period: int = counted(
        _("Of those donors, the veterans (linked to the roll or marked as veterans).")
    )
    by_purpose_in_period: list = counted(
        _("Yuan of the period's gifts by what the donors designated them for."), default=[]
    )
    yuan_running: str = counted(
        _("Yuan of every cash gift received here or below, from the first one to the period's end."),
        default="0",
        running=True,
    )
    gifts_running: int = counted(
        _("Cash gifts received here or below from the first one to the period's end."), running=True
    )
    running_since: date | None = counted(_("The day of the first gift."), default=None, running=True)
    handovers_in_period: list = counted(
        _(
            "Hand-overs dated in the period: the recipient, the gifts, their distinct donors and veterans, "
            "the yuan."
        ),
        default=[],
    )
    stock_on_hand: list = counted(_("Goods held at this place now, by item."), default=[], running=True)


def _given(place: OrgUnit, start: date | None, end: date) -> tuple[dict, list[dict]]:
    """Fen and gifts (and the day of the first) of the place and below, in the period (or, without a
    start, ever until its end), from the kept daily totals; and the fen by purpose."""
    parts = gifts = DonationTotal.objects.filter(place=place, day__range=(start or date.min, end))
    sums = gifts.aggregate(fen=Sum("amount_fen"), count=Sum("gifts"), since=Min("day", filter=~Q(gifts=0)))
    return sums, by_purpose(parts)


def by_purpose(parts: QuerySet) -> list[dict]:
    """Yuan by purpose, largest first, of rows with `purpose` and `amount_fen` (kept totals or
    designations)."""
    return [
        {"purpose": r["purpose"], "yuan": str(yuan(r["fen"]))}
        for r in parts.values("purpose")
        .annotate(fen=Sum("amount_fen"))
        .filter(fen__gt=0)
        .order_by("-fen", "purpose")
    ]


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> DonationFigures:
    """The place's giving in the period, from the kept daily totals (one indexed read whatever the
    scale); the distinct donors from the kept donors of each day (a distinct count cannot be kept as
    a sum)."""
    if not scope.allows(Capability.VIEW_DONATIONS, place):
        return DonationFigures()
    return donation_figures(
        scope,
        place,
        start,
        end,
        _given(place, start, end),
        _given(place, None, end),
        period_donors(place=place, start=start, end=end),
    )


def period_donors(*, place: OrgUnit, start: date, end: date) -> dict[str, int]:
    """The distinct donors of the place's gifts dated in the period, and the veterans among them, from
    the kept donors of each day (the caller has checked the place is the reader's)."""
    # the kept donors of each day: one index range, however many gifts there were
    return DonorDay.objects.filter(place=place, day__range=(start, end), gifts__gt=0).aggregate(
        donors=Count("donor_id", distinct=True),
        veterans=Count("donor_id", distinct=True, filter=Q(veteran=True)),
    )  # both in one pass over the period's rows


def donation_figures(
    scope: Scope, place: OrgUnit, start: date, end: date, period, running, donors: dict
) -> DonationFigures:
    """The figures from the period's and the running sums (each `(sums, by purpose)` as _given answers)
    and the period's distinct donors (`donors`, `veterans`); with the period's hand-overs and the
    stock on hand."""
    found = DonationFigures()
    (sums, found.by_purpose_in_period), (ever, _purposes) = period, running
    found.gifts_in_period, found.yuan_in_period = sums["count"] or 0, str(yuan(sums["fen"]))
    found.yuan_running, found.gifts_running = str(yuan(ever["fen"])), ever["count"] or 0
    found.running_since = ever["since"] if found.gifts_running else None
    found.donors_in_period, found.veteran_donors_in_period = donors["donors"], donors["veterans"]
    sheets = (
        HandOver.objects.filter(under(place), day__range=(start, end))
        .annotate(
            gifts=Count("donations"),
            donors=Count("donations__donor", distinct=True),
            veterans=Count("donations__donor", distinct=True, filter=Q(donations__donor__is_veteran=True)),
        )
        .order_by("day", "pk")
    )
    found.handovers_in_period = [
        {
            "recipient": s.recipient,
            "day": s.day.isoformat(),
            "gifts": s.gifts,
            "donors": s.donors,
            "veteran_donors": s.veterans,
            "yuan": str(yuan(s.total_fen)),
        }
        for s in sheets
    ]
    found.stock_on_hand = [
        {"item": level.item.name, "unit": level.item.unit, "on_hand": level.on_hand}
        for level in stock(scope, place).filter(on_hand__gt=0)[:20]
    ]
    return found
