"""Writes of donations and supplies. Every amount is parsed into whole fen and refused when it is not
a positive amount of at most two decimals; designations must add up to the donation; receipt numbers
follow each other per place and year; a donation is handed over once and is not edited after; stock
moves keep the level on hand in the same statement, which refuses to go below zero (so two deliveries
at once cannot both take the last box). Each write is one transaction with its audit entry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import set_fields
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.donations.models import (
    CashDonation,
    Delivery,
    Designation,
    DonationTotal,
    Donor,
    DonorDay,
    DonorKind,
    Drive,
    HandOver,
    Item,
    MoveKind,
    ReceiptCounter,
    StockLevel,
    StockMove,
    yuan,
)
from qunfang.lib.tallies import Tally

LARGEST_FEN = 10**13  # a hundred billion yuan: anything above is a typing slip
TOTALS = Tally(
    DonationTotal, keys=("place_id", "day", "drive_key", "purpose"), sums=("amount_fen", "donations", "gifts")
)
DONORS = Tally(DonorDay, keys=("place_id", "day", "donor_id", "veteran"), sums=("gifts",))


MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]*)?|-?\.[0-9]+")


@writes_nothing
def to_fen(value, field: str = "amount") -> int:
    """A positive amount of yuan with at most two decimals ("1,000", "30000.5", Decimal) as whole fen."""
    text = str(value if value is not None else "").replace(",", "").replace("，", "").replace("¥", "").strip()
    # Written as a clerk writes money, in ASCII digits: Decimal would also take "1e9" (a billion) and
    # full-width or other scripts' digits, which no receipt carries.
    if isinstance(value, str) and not MONEY_TEXT.fullmatch(text):
        raise ValidationError({field: _("%(value)s is not an amount of money.") % {"value": value}})
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("%(value)s is not an amount of money.") % {"value": value}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(value)s is not an amount of money.") % {"value": value}})
    if amount.adjusted() > 15:  # 1e999999999 would overflow the arithmetic below
        raise ValidationError({field: _("%(value)s yuan cannot be right.") % {"value": value}})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("An amount has at most two decimals (fen).")})
    if amount <= 0:
        raise ValidationError({field: _("An amount must be more than zero.")})
    fen = int(amount * 100)
    if fen >= LARGEST_FEN:
        raise ValidationError({field: _("%(value)s yuan cannot be right.") % {"value": amount}})
    return fen


def _not_future(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"day": _("The date cannot be in the future.")})


@service
def save_donor(*, by: User | None, place: OrgUnit, name: str, kind: str = DonorKind.PERSON, **facts) -> Donor:
    donor = Donor(place=place)
    set_fields(donor, {"name": name, "kind": kind, **facts})
    if not donor.name:
        raise ValidationError({"name": _("Enter the donor's name.")})
    if donor.kind not in DonorKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    donor.is_veteran = bool(donor.is_veteran or donor.veteran_id) and donor.kind == DonorKind.PERSON
    donor.save()
    audit.record(by=by, action="donor.create", place=place, target=donor)
    return donor


@service
def save_drive(
    *, by: User | None, place: OrgUnit, name: str, start: date, end: date | None = None, purpose: str = "",
    target=None, designations: Iterable[str] = (),
) -> Drive:  # fmt: skip
    if not name.strip():
        raise ValidationError({"name": _("Enter the drive's name.")})
    if end and end < start:
        raise ValidationError({"end": _("A drive ends on or after the day it starts.")})
    named = list(dict.fromkeys(d.strip() for d in designations if d.strip()))
    if any(len(d) > 60 for d in named) or len(named) > 20:
        raise ValidationError({"designations": _("At most 20 designations, each of at most 60 characters.")})
    drive = Drive.objects.create(
        place=place, name=name.strip()[:100], start=start, end=end, purpose=purpose.strip()[:300],
        target_fen=to_fen(target, "target") if target not in (None, "") else None,
        designation_choices=named,
    )  # fmt: skip
    audit.record(by=by, action="drive.create", place=place, target=drive)
    return drive


def _parts(fen: int, designations: Iterable[tuple[str, object]], allowed: list[str]) -> list[tuple[str, int]]:
    """The designations as (purpose, fen), each one of those `allowed` (the drive's), and what they
    leave of the gift undesignated (""); none means the whole amount undesignated. More than the gift
    is refused."""
    parts = [(purpose.strip()[:60], to_fen(amount, "designations")) for purpose, amount in designations
             if (purpose or "").strip() or str(amount or "").strip()]  # fmt: skip
    if not parts:
        return [("", fen)]
    purposes = [purpose for purpose, _fen in parts]
    if "" in purposes:
        raise ValidationError({"designations": _("Name the purpose of each designated part.")})
    if len(set(purposes)) != len(purposes):
        raise ValidationError({"designations": _("Each purpose once, with its whole amount.")})
    unknown = [purpose for purpose in purposes if purpose not in allowed]
    if unknown:
        listed = "、".join(allowed) if allowed else _("none")
        raise ValidationError(
            {
                "designations": _("%(purpose)s is not one of the drive's designations (%(allowed)s).")
                % {"purpose": unknown[0], "allowed": listed}
            }
        )
    total = sum(part for _purpose, part in parts)
    if total > fen:
        raise ValidationError(
            {
                "designations": _(
                    "The designations add up to %(parts)s yuan, more than the %(amount)s given."
                )
                % {"parts": yuan(total), "amount": yuan(fen)}
            }
        )
    return parts + ([("", fen - total)] if total < fen else [])


def _next_receipt_number(place: OrgUnit, year: int) -> str:
    counter, _made = ReceiptCounter.objects.get_or_create(place=place, year=year)
    # The lock keeps two clerks from taking the same number; the numbers have no gaps.
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{place.code or place.pk}-{year}-{counter.last:05d}"


def _drive_key(drive: Drive | None) -> int:
    return drive.pk if drive else 0


def _count(donation: CashDonation, parts: Sequence[tuple[str, int]], sign: int) -> None:
    """The gift's parts (in the order of their ids) added to the kept totals, or taken off; the gift
    itself is counted on its first part's row, as the rebuild counts it."""
    day = connection.ops.adapt_datefield_value(donation.day)
    TOTALS.add_up_the_tree(
        donation.place.path,
        [
            (day, _drive_key(donation.drive), purpose, sign * fen, sign, sign if n == 0 else 0)
            for n, (purpose, fen) in enumerate(parts)
        ],
    )


@service
def record_cash(
    *,
    by: User | None,
    place: OrgUnit,
    day: date,
    amount,
    donor: Donor | None = None,
    new_donor: dict | None = None,
    drive: Drive | None = None,
    designations: Iterable[tuple[str, object]] = (),
    receipt_number: str = "",
    note: str = "",
    submission: str | None = None,
) -> CashDonation:
    """A cash donation received at `place`, from `donor` or from a donor made here from `new_donor`
    (name, kind, phone ...), with its receipt number (the paper receipt's, or the next of the place's
    year) and its designations. All or nothing: a refused gift leaves no new donor behind. A form sent
    twice (the same `submission`), even at the same moment, is kept once."""
    if submission:
        earlier = CashDonation.objects.filter(submission=submission).first()
        if earlier and earlier.place_id != place.pk:
            # Keys come from clients: another place's key must neither record nor show its gift.
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    fen = to_fen(amount)
    _not_future(day)
    if drive is not None and not place.path.startswith(drive.place.path):
        raise ValidationError({"drive": _("The drive must be this place's or one above it.")})
    if donor is None and not (new_donor or {}).get("name", "").strip():
        raise ValidationError({"donor": _("Choose a donor, or enter a new donor's name.")})
    parts = _parts(fen, designations, drive.designation_choices if drive else [])
    receipt_number = receipt_number.strip()
    if receipt_number and CashDonation.objects.filter(receipt_number=receipt_number).exists():
        raise ValidationError(
            {"receipt_number": _("Receipt number %(number)s is used already.") % {"number": receipt_number}}
        )
    try:
        with transaction.atomic():  # the new donor and the gift together, or neither
            if donor is None:
                donor = save_donor(by=by, place=place, **new_donor)
            donation = CashDonation.objects.create(
                place=place, donor=donor, drive=drive, day=day, amount_fen=fen,
                receipt_number=receipt_number or _next_receipt_number(place, day.year),
                received_by=audit.acting_user(by), note=note.strip()[:200], submission=submission or None,
            )  # fmt: skip
    except IntegrityError:
        # Another request with the same key won the race: its gift is this one (and no donor is left).
        earlier = submission and CashDonation.objects.filter(submission=submission, place=place).first()
        if earlier:
            return earlier
        raise
    Designation.objects.bulk_create(
        [Designation(donation=donation, purpose=purpose, amount_fen=part) for purpose, part in parts]
    )
    _count(donation, parts, +1)
    DONORS.add_up_the_tree(
        place.path, [(connection.ops.adapt_datefield_value(day), donor.pk, donor.is_veteran, 1)]
    )
    audit.record(by=by, action="donation.create", place=place, target=donation,
                 after={"amount": str(yuan(fen)), "receipt": donation.receipt_number})  # fmt: skip
    return donation


@service
def correct_cash(
    *, by: User | None, donation: CashDonation, amount, designations: Iterable[tuple[str, object]] = (),
    note: str | None = None,
) -> CashDonation:  # fmt: skip
    """A new amount or split for a donation not yet handed over; the kept totals follow."""
    donation = (
        CashDonation.objects.select_for_update(of=("self",))
        .select_related("place", "drive")
        .get(pk=donation.pk)
    )
    if donation.hand_over_id:
        raise ValidationError(_("This donation was handed over: it cannot be changed any more."))
    fen = to_fen(amount)
    # The drive's designations, and those the gift was given with (kept before the drive had a list).
    kept = [d.purpose for d in donation.designations.all() if d.purpose]
    parts = _parts(
        fen, designations, [*(donation.drive.designation_choices if donation.drive else []), *kept]
    )
    old = [(d.purpose, d.amount_fen) for d in donation.designations.order_by("pk")]
    before = {"amount": str(donation.amount)}
    _count(donation, old, -1)
    donation.designations.all().delete()
    donation.amount_fen = fen
    if note is not None:
        donation.note = note.strip()[:200]
    donation.save(update_fields=["amount_fen", "note"])
    Designation.objects.bulk_create(
        [Designation(donation=donation, purpose=purpose, amount_fen=part) for purpose, part in parts]
    )
    _count(donation, parts, +1)
    audit.record(by=by, action="donation.correct", place=donation.place, target=donation, before=before,
                 after={"amount": str(yuan(fen))})  # fmt: skip
    return donation


@service
def hand_over(
    *,
    by: User | None,
    place: OrgUnit,
    donations: Sequence[CashDonation],
    recipient: str,
    day: date,
    signed_by: str,
) -> HandOver:
    """The donations, all collected at `place` and none handed over before, passed to `recipient`."""
    if not donations:
        raise ValidationError(_("Choose the donations to hand over."))
    if not recipient.strip() or not signed_by.strip():
        raise ValidationError(_("Enter the recipient and who signed for the money."))
    _not_future(day)
    locked = list(
        CashDonation.objects.select_for_update().filter(pk__in=[d.pk for d in donations]).order_by("pk")
    )
    if len(locked) != len({d.pk for d in donations}):
        raise ValidationError(_("A donation to hand over is missing."))
    for donation in locked:
        if donation.place_id != place.pk:
            raise ValidationError(
                _("Receipt %(number)s was received elsewhere.") % {"number": donation.receipt_number}
            )
        if donation.hand_over_id:
            raise ValidationError(
                _("Receipt %(number)s was handed over already.") % {"number": donation.receipt_number}
            )
        if donation.day > day:
            raise ValidationError(
                _("Receipt %(number)s is dated after the hand-over.") % {"number": donation.receipt_number}
            )
    sheet = HandOver.objects.create(
        place=place, recipient=recipient.strip()[:100], day=day, signed_by=signed_by.strip()[:50],
        total_fen=sum(d.amount_fen for d in locked), by=audit.acting_user(by),
    )  # fmt: skip
    updated = CashDonation.objects.filter(pk__in=[d.pk for d in locked], hand_over=None).update(
        hand_over=sheet
    )
    if updated != len(locked):  # another hand-over took one meanwhile (the lock makes this theoretical)
        raise ValidationError(_("A donation was handed over meanwhile: try again."))
    audit.record(by=by, action="handover.create", place=place, target=sheet,
                 after={"donations": len(locked), "total": str(sheet.total)})  # fmt: skip
    return sheet


# --- goods ----------------------------------------------------------------------------------------------


@service
def item_named(name: str, unit: str) -> Item:
    """The catalogue's item of that name and unit, added on first use."""
    return _item_named(name, unit)


def _catalogued(item: Item | tuple[str, str]) -> Item:
    """An item, or the (name, unit) a form or request typed: looked up or added inside the caller's
    transaction, so that a refused receipt or delivery leaves no new item behind."""
    return item if isinstance(item, Item) else _item_named(*item)


def _item_named(name: str, unit: str) -> Item:
    if not name.strip() or not unit.strip():
        raise ValidationError({"item": _("Name the item and its unit.")})
    item, made = Item.objects.get_or_create(name=name.strip()[:60], unit=unit.strip()[:10])
    if made:
        audit.record(by=None, action="item.create", place=None, target=item)
    return item


def _quantity(value) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("A quantity is a whole number.")}) from None
    if quantity <= 0:
        raise ValidationError({"quantity": _("A quantity must be more than zero.")})
    if quantity > 10_000_000:
        raise ValidationError({"quantity": _("%(value)s cannot be right.") % {"value": quantity}})
    return quantity


def _move(place: OrgUnit, item: Item, quantity: int, kind: str, by: User | None, **facts) -> StockMove:
    """One line of the ledger and the level on hand changed in the same transaction. Taking out is one
    UPDATE that only succeeds while enough is on hand: concurrent deliveries cannot overdraw."""
    if quantity > 0:
        StockLevel.objects.get_or_create(place=place, item=item)
    changed = StockLevel.objects.filter(place=place, item=item, on_hand__gte=-quantity).update(
        on_hand=F("on_hand") + quantity
    )
    if not changed:
        level = (
            StockLevel.objects.filter(place=place, item=item).values_list("on_hand", flat=True).first() or 0
        )
        raise ValidationError(
            {"quantity": _("Only %(count)s %(unit)s of %(item)s on hand.")
             % {"count": level, "unit": item.unit, "item": item.name}}
        )  # fmt: skip
    return StockMove.objects.create(
        place=place, item=item, quantity=quantity, kind=kind, by=audit.acting_user(by), **facts
    )


@service
def receive_goods(
    *, by: User | None, place: OrgUnit, item: Item | tuple[str, str], quantity, day: date,
    donor: Donor | None = None, drive: Drive | None = None, note: str = "",
) -> StockMove:  # fmt: skip
    _not_future(day)
    item = _catalogued(item)
    move = _move(place, item, _quantity(quantity), MoveKind.RECEIVED, by, day=day, donor=donor, drive=drive,
                 note=note.strip()[:200])  # fmt: skip
    audit.record(
        by=by,
        action="stock.receive",
        place=place,
        target=move,
        after={"item": str(item), "quantity": move.quantity},
    )
    return move


@service
def take_out(
    *, by: User | None, place: OrgUnit, item: Item, quantity, kind: str, day: date, note: str = ""
) -> StockMove:
    """Used at the place, or written off (spoilt, lost)."""
    if kind not in (MoveKind.USED, MoveKind.WRITTEN_OFF):
        raise ValidationError({"kind": _("Goods leave the stock as used or written off here.")})
    _not_future(day)
    move = _move(place, item, -_quantity(quantity), kind, by, day=day, note=note.strip()[:200])
    audit.record(
        by=by,
        action=f"stock.{kind}",
        place=place,
        target=move,
        after={"item": str(item), "quantity": move.quantity},
    )
    return move


@service
def deliver(
    *,
    by: User | None,
    place: OrgUnit,
    lines: Sequence[tuple[Item | tuple[str, str], object]],
    day: date,
    delivered_by: str,
    received_by: str,
    to_place: OrgUnit | None = None,
    to_team=None,
    to_person: str = "",
    note: str = "",
) -> Delivery:
    """Goods from the place's stock to a community (where they enter its stock), a front-line team or a
    person; all lines or none: one line beyond what is on hand refuses the whole delivery."""
    to_person = to_person.strip()[:100]
    if [to_place is not None, to_team is not None, bool(to_person)].count(True) != 1:
        raise ValidationError({"to_place": _("Deliver to one place, team or person.")})
    if to_place is not None and to_place.pk == place.pk:
        raise ValidationError({"to_place": _("A delivery goes to another place.")})
    if not delivered_by.strip() or not received_by.strip():
        raise ValidationError(_("Enter who delivered and who received the goods."))
    if not lines:
        raise ValidationError({"lines": _("Add at least one item to deliver.")})
    lines = [(_catalogued(item), quantity) for item, quantity in lines]
    items = [item.pk for item, _quantity_ in lines]
    if len(set(items)) != len(items):
        raise ValidationError({"lines": _("Each item once, with its whole quantity.")})
    _not_future(day)
    delivery = Delivery.objects.create(
        place=place, to_place=to_place, to_team=to_team, to_person=to_person, day=day,
        delivered_by=delivered_by.strip()[:50], received_by=received_by.strip()[:50], note=note.strip()[:200],
        by=audit.acting_user(by),
    )  # fmt: skip
    for item, quantity in lines:
        count = _quantity(quantity)
        _move(place, item, -count, MoveKind.DELIVERED, by, day=day, delivery=delivery)
        if to_place is not None:
            _move(to_place, item, count, MoveKind.RECEIVED, by, day=day, delivery=delivery)
    audit.record(by=by, action="stock.deliver", place=place, target=delivery,
                 after={"lines": [[str(item), str(q)] for item, q in lines]})  # fmt: skip
    return delivery


@service
def correct_move(*, by: User | None, move: StockMove, note: str = "") -> StockMove:
    """A mistaken line undone by its reverse; shown as such. Deliveries are not undone line by line."""
    move = StockMove.objects.select_for_update().get(pk=move.pk)
    if move.kind == MoveKind.CORRECTION or StockMove.objects.filter(reverses=move).exists():
        raise ValidationError(_("This line was corrected already, or is itself a correction."))
    if move.delivery_id:
        raise ValidationError(_("A delivery's lines are not undone one by one."))
    try:
        reverse = _move(
            move.place, move.item, -move.quantity, MoveKind.CORRECTION, by,
            day=timezone.localdate(), reverses=move, note=note.strip()[:200],
        )  # fmt: skip
    except IntegrityError:
        raise ValidationError(_("This line was corrected already.")) from None
    audit.record(by=by, action="stock.correct", place=move.place, target=reverse)
    return reverse


# --- the kept totals ------------------------------------------------------------------------------------


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its donation totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)
    DONORS.move(place.pk, old_path, new_path)


def _own_sums_sql() -> str:
    """Each place's own gifts per day, drive and purpose, from the donations and their designations;
    a gift counted on its first designation's row."""
    gifts, parts = CashDonation._meta.db_table, Designation._meta.db_table
    return (
        f"SELECT d.place_id, d.day, COALESCE(d.drive_id, 0), p.purpose, SUM(p.amount_fen), COUNT(*),"
        f" SUM(CASE WHEN p.id = (SELECT MIN(f.id) FROM {parts} f WHERE f.donation_id = d.id)"
        " THEN 1 ELSE 0 END)"
        f" FROM {parts} p JOIN {gifts} d ON d.id = p.donation_id"
        " GROUP BY d.place_id, d.day, COALESCE(d.drive_id, 0), p.purpose"
    )


@writes_nothing
def _own_donors_sql() -> str:
    """Each place's own donors per day, with their gifts of the day."""
    gifts, donors = CashDonation._meta.db_table, Donor._meta.db_table
    return (
        f"SELECT d.place_id, d.day, d.donor_id, p.is_veteran, COUNT(*) FROM {gifts} d"
        f" JOIN {donors} p ON p.id = d.donor_id GROUP BY d.place_id, d.day, d.donor_id, p.is_veteran"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept totals (sums and donors) differ from the donations summed up the tree."""
    return TOTALS.count_disagreements(_own_sums_sql()) + DONORS.count_disagreements(_own_donors_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the donations (after a restore, or to check)."""
    rebuilt = TOTALS.rebuild(_own_sums_sql()) + DONORS.rebuild(_own_donors_sql())
    # A repair from the command line: the audit log says when the kept sums were made again.
    audit.record(
        by=None,
        action="donations.rebuild_totals",
        place=None,
        target=DonationTotal,
        after={"rows": rebuilt},
    )
    return rebuilt
