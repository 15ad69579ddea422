"""Writes of needs. A need is posted with its lines (items of the donations' catalogue, whole
quantities); a commitment may take no more than what nobody has promised or brought yet; a delivery
brings no more than its commitment still owes, or (without one) than is still free, so a line is never
over-delivered; the goods enter the place's stock through the donations' services (received from the
donor, or delivered from a place above). Each line is locked while its quantities change. Each write
is one transaction with its audit entry, and keeps the totals up the tree (lib/tallies)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.donations import services as donations
from qunfang.donations.models import Delivery, Donor, Drive, Item, MoveKind, StockMove
from qunfang.lib.tallies import Tally
from qunfang.needs.models import Commitment, Fulfilment, Need, NeedLine, NeedStatus, NeedTotal

LARGEST_QUANTITY = 10_000_000  # ten million bottles or suits: anything above is a typing slip
MOST_LINES = 20
STATE_DAY = date(1, 1, 1)  # the kept row of a place's standing counts (open needs, lines missing)
TOTALS = Tally(
    NeedTotal, keys=("place_id", "day"), sums=("open_needs", "missing_lines", "delivered", "arrivals")
)


@writes_nothing
def whole_quantity(value, field: str = "quantity") -> int:
    """A quantity in the line's unit: a whole number above zero, at most ten million."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError({field: _("A quantity is a whole number above zero.")})
    if len(text) > 9 or int(text) > LARGEST_QUANTITY:
        raise ValidationError({field: _("%(value)s cannot be right.") % {"value": text[:12]}})
    if int(text) <= 0:
        raise ValidationError({field: _("A quantity is a whole number above zero.")})
    return int(text)


def _not_future(day: date, field: str = "day") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _state(need: Need) -> tuple[int, int]:
    """What the need adds to its place's standing counts: open or not, and its lines missing something."""
    if need.status != NeedStatus.OPEN:
        return 0, 0
    return 1, NeedLine.objects.filter(need=need, delivered__lt=F("quantity")).count()


def _count_change(
    need: Need, before: tuple[int, int], day=None, delivered: int = 0, arrivals: int = 0
) -> None:
    """The need's change of standing counts, and what arrived on `day`, added up the tree."""
    after = _state(need)
    rows = [(STATE_DAY, after[0] - before[0], after[1] - before[1], 0, 0)]
    if delivered:
        rows.append((day, 0, 0, delivered, arrivals))
    adapt = connection.ops.adapt_datefield_value
    TOTALS.add_up_the_tree(need.place.path, [(adapt(d), *sums) for d, *sums in rows])


@service
def post_need(
    *,
    by: User | None,
    place: OrgUnit,
    title: str,
    lines: Sequence[tuple[Item | tuple[str, str], object]],
    why: str = "",
    by_date: date | None = None,
    posted_on: date | None = None,
    submission: str | None = None,
) -> Need:
    """A need of `place` with its lines, each an item (or the name and unit typed) and a quantity."""
    if submission:
        earlier = Need.objects.filter(submission=submission).first()
        if earlier and earlier.place_id != place.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    posted_on = posted_on or timezone.localdate()
    _not_future(posted_on, "posted_on")
    if not title.strip():
        raise ValidationError({"title": _("Say what is needed.")})
    if by_date and by_date < posted_on:
        raise ValidationError({"by_date": _("A need is needed by a day on or after it is posted.")})
    if not lines:
        raise ValidationError({"lines": _("Add at least one item with its quantity.")})
    if len(lines) > MOST_LINES:
        raise ValidationError({"lines": _("At most 20 items in one need.")})
    counted = [(item, whole_quantity(quantity)) for item, quantity in lines]
    try:
        with transaction.atomic():  # the need, its lines and new catalogue items together, or none
            need = Need.objects.create(
                place=place,
                title=title.strip()[:100],
                why=why.strip()[:300],
                by_date=by_date,
                posted_on=posted_on,
                by=audit.acting_user(by),
                submission=submission or None,
            )
            items = [item if isinstance(item, Item) else donations.item_named(*item) for item, _q in counted]
            if len({item.pk for item in items}) != len(items):
                raise ValidationError({"lines": _("Each item once, with its whole quantity.")})
            NeedLine.objects.bulk_create(
                [
                    NeedLine(need=need, item=item, quantity=q)
                    for item, (_i, q) in zip(items, counted, strict=True)
                ]
            )
    except IntegrityError:
        earlier = submission and Need.objects.filter(submission=submission, place=place).first()
        if earlier:  # the same form sent twice at once: the other request's need is this one
            return earlier
        raise
    _count_change(need, (0, 0))
    audit.record(
        by=by,
        action="need.post",
        place=place,
        target=need,
        after={"lines": [[str(i), q] for i, (_x, q) in zip(items, counted, strict=True)]},
    )
    return need


def _locked(line: NeedLine) -> NeedLine:
    return NeedLine.objects.select_for_update().select_related("need__place", "item").get(pk=line.pk)


def _must_be_open(need: Need) -> None:
    if need.status != NeedStatus.OPEN:
        raise ValidationError(_("This need is no longer open."))


@service
def commit(
    *,
    by: User | None,
    line: NeedLine,
    donor_name: str,
    quantity,
    named_publicly: bool = False,
    drive: Drive | None = None,
    donor: Donor | None = None,
    made_on: date | None = None,
    submission: str | None = None,
) -> Commitment:
    """A donor's promise of `quantity` of the line; refused beyond what nobody has promised or brought."""
    if submission:
        earlier = Commitment.objects.filter(submission=submission).select_related("line").first()
        if earlier and earlier.line_id != line.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    count = whole_quantity(quantity)
    made_on = made_on or timezone.localdate()
    _not_future(made_on)
    name = (donor_name or (donor.name if donor else "")).strip()[:100]
    if not name:
        raise ValidationError({"donor_name": _("Enter the donor's name.")})
    line = _locked(line)
    _must_be_open(line.need)
    if drive is not None and not line.need.place.path.startswith(drive.place.path):
        raise ValidationError({"drive": _("The drive must be this place's or one above it.")})
    if count > line.free:
        raise ValidationError(
            {
                "quantity": _(
                    "Only %(free)s %(unit)s of %(item)s are still needed beyond what is promised: "
                    "a commitment of %(count)s is more than the need."
                )
                % {"free": line.free, "unit": line.item.unit, "item": line.item.name, "count": count}
            }
        )
    promise = Commitment.objects.create(
        line=line,
        donor_name=name,
        named_publicly=bool(named_publicly),
        drive=drive,
        donor=donor,
        quantity=count,
        made_on=made_on,
        by=audit.acting_user(by),
        submission=submission or None,
    )
    NeedLine.objects.filter(pk=line.pk).update(committed=F("committed") + count)
    audit.record(
        by=by,
        action="need.commit",
        place=line.need.place,
        target=promise,
        after={"line": line.pk, "quantity": count},
    )
    return promise


@service
def withdraw(*, by: User | None, commitment: Commitment) -> Commitment:
    """A promise taken back: what it has not delivered is free again for others."""
    line = _locked(commitment.line)
    promise = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if promise.withdrawn_on:
        raise ValidationError(_("This commitment was withdrawn already."))
    if promise.delivered >= promise.quantity:
        raise ValidationError(_("This commitment is delivered in full: there is nothing to withdraw."))
    owed = promise.owed
    promise.withdrawn_on = timezone.localdate()
    promise.save(update_fields=["withdrawn_on"])
    NeedLine.objects.filter(pk=line.pk).update(committed=F("committed") - owed)
    audit.record(by=by, action="need.withdraw", place=line.need.place, target=promise, after={"freed": owed})
    return promise


def _checked_lines(need: Need, lines, commitment: Commitment | None) -> list[Arrival]:
    """The lines with their quantities, each locked and within what may still arrive."""
    wanted = [(line, whole_quantity(q)) for line, q in lines if str(q or "").strip() not in ("", "0")]
    if not wanted:
        raise ValidationError({"lines": _("Enter the quantity that arrived of at least one item.")})
    if len({line.pk for line, _q in wanted}) != len(wanted):
        raise ValidationError({"lines": _("Each item once, with its whole quantity.")})
    found = []
    for line, count in sorted(wanted, key=lambda pair: pair[0].pk):  # one locking order: no deadlock
        line = _locked(line)
        if line.need_id != need.pk:
            raise ValidationError({"lines": _("An item is not one of this need's.")})
        if commitment is not None:
            if line.pk != commitment.line_id:
                raise ValidationError({"lines": _("A commitment's delivery brings only the item promised.")})
            if count > commitment.owed:
                raise ValidationError(
                    {
                        "quantity": _(
                            "%(donor)s promised %(owed)s %(unit)s more: "
                            "a delivery of %(count)s is more than that."
                        )
                        % {
                            "donor": commitment.donor_name,
                            "owed": commitment.owed,
                            "unit": line.item.unit,
                            "count": count,
                        }
                    }
                )
        elif count > line.free:
            raise ValidationError(
                {
                    "quantity": _(
                        "Only %(free)s %(unit)s of %(item)s are still missing beyond what donors promised: "
                        "record a promised delivery against its commitment."
                    )
                    % {"free": line.free, "unit": line.item.unit, "item": line.item.name}
                }
            )
        found.append(Arrival(line, count, commitment))
    return found


@dataclass
class Arrival:
    """What arrived of one line, against a commitment or not, and the donations' record of it."""

    line: NeedLine
    count: int
    commitment: Commitment | None = None
    delivery: Delivery | None = None
    received: StockMove | None = None


def _apply(need: Need, arrivals: list[Arrival], day: date, by) -> list[Fulfilment]:
    """The fulfilments written and the kept quantities moved; the need met when nothing is missing."""
    before = _state(need)
    made = []
    for a in arrivals:
        made.append(
            Fulfilment.objects.create(
                line=a.line,
                commitment=a.commitment,
                quantity=a.count,
                day=day,
                delivery=a.delivery,
                received=a.received,
                by=audit.acting_user(by),
            )
        )
        NeedLine.objects.filter(pk=a.line.pk).update(
            delivered=F("delivered") + a.count,
            delivered_uncommitted=F("delivered_uncommitted") + (0 if a.commitment else a.count),
        )
        if a.commitment is not None:
            Commitment.objects.filter(pk=a.commitment.pk).update(delivered=F("delivered") + a.count)
    if not NeedLine.objects.filter(need=need, delivered__lt=F("quantity")).exists():
        need.status = NeedStatus.MET
        need.closed_on = day
        need.save(update_fields=["status", "closed_on"])
    _count_change(need, before, day, sum(a.count for a in arrivals), len(arrivals))
    return made


def _open_need(need: Need) -> Need:
    need = Need.objects.select_for_update().select_related("place").get(pk=need.pk)
    _must_be_open(need)
    return need


@service
def record_delivery(
    *,
    by: User | None,
    need: Need,
    lines: Sequence[tuple[NeedLine, object]],
    day: date,
    delivered_by: str,
    received_by: str,
    commitment: Commitment | None = None,
    from_place: OrgUnit | None = None,
) -> list[Fulfilment]:
    """Goods that arrived for the need: delivered from `from_place`'s stock (a place above, through the
    donations' delivery), or else taken into the place's stock from the donor; for a commitment, only
    what it still owes. All lines or none."""
    need = _open_need(need)
    _not_future(day)
    if day < need.posted_on:
        raise ValidationError({"day": _("A delivery for a need comes on or after the day it was posted.")})
    if commitment is not None:
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.withdrawn_on:
            raise ValidationError({"commitment": _("This commitment was withdrawn.")})
    if not delivered_by.strip() or not received_by.strip():
        raise ValidationError(_("Enter who delivered and who received the goods."))
    arrivals = _checked_lines(need, lines, commitment)
    if from_place is not None:
        delivery = donations.deliver(
            by=by,
            place=from_place,
            lines=[(a.line.item, a.count) for a in arrivals],
            day=day,
            delivered_by=delivered_by,
            received_by=received_by,
            to_place=need.place,
            note=need.title[:200],
        )
        for a in arrivals:
            a.delivery = delivery
    else:
        for a in arrivals:
            a.received = donations.receive_goods(
                by=by,
                place=need.place,
                item=a.line.item,
                quantity=a.count,
                day=day,
                donor=commitment.donor if commitment else None,
                drive=commitment.drive if commitment else None,
                note=f"{delivered_by.strip()[:50]} → {received_by.strip()[:50]}",
            )
    made = _apply(need, arrivals, day, by)
    audit.record(
        by=by,
        action="need.deliver",
        place=need.place,
        target=need,
        after={"lines": [[a.line.pk, a.count] for a in arrivals]},
    )
    return made


@service
def fulfil_with_delivery(
    *, by: User | None, need: Need, delivery: Delivery, commitments: Sequence[Commitment] = ()
) -> list[Fulfilment]:
    """A delivery already recorded in the donations (to the need's place) counted against the need's
    lines: each item first against the given commitment of its line (up to what it owes), the rest up to
    what nobody promised; what is more stays in the place's stock, said by the fulfilments' quantities."""
    need = _open_need(need)
    if delivery.to_place_id != need.place_id:
        raise ValidationError({"delivery": _("This delivery went to another place.")})
    if Fulfilment.objects.filter(delivery=delivery, line__need=need).exists():
        raise ValidationError({"delivery": _("This delivery is counted for this need already.")})
    moves = delivery.moves.filter(place=need.place, kind=MoveKind.RECEIVED)
    arrived = {move.item_id: move.quantity for move in moves}
    promised = {
        c.line_id: c
        for c in Commitment.objects.select_for_update().filter(pk__in=[c.pk for c in commitments])
        if not c.withdrawn_on
    }
    arrivals = []
    for line in need.lines.order_by("pk"):
        line, left = _locked(line), arrived.get(line.item_id, 0)
        promise = promised.get(line.pk)
        if promise is not None and min(left, promise.owed) > 0:
            arrivals.append(Arrival(line, min(left, promise.owed), promise, delivery))
            left -= min(left, promise.owed)
        if min(left, line.free) > 0:
            arrivals.append(Arrival(line, min(left, line.free), None, delivery))
    if not arrivals:
        raise ValidationError({"delivery": _("Nothing this delivery brought is still missing.")})
    made = _apply(need, arrivals, delivery.day, by)
    audit.record(
        by=by,
        action="need.deliver",
        place=need.place,
        target=need,
        after={"delivery": delivery.pk, "lines": [[a.line.pk, a.count] for a in arrivals]},
    )
    return made


@service
def close_need(*, by: User | None, need: Need, day: date | None = None) -> Need:
    """An open need closed by its place (met otherwise, or no longer needed); promises stand as they are."""
    need = _open_need(need)
    before = _state(need)
    need.status, need.closed_on = NeedStatus.CLOSED, day or timezone.localdate()
    need.save(update_fields=["status", "closed_on"])
    _count_change(need, before)
    audit.record(by=by, action="need.close", place=need.place, target=need)
    return need


# --- the kept totals ------------------------------------------------------------------------------------


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its need totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)


@writes_nothing
def _own_sums_sql() -> str:
    """Each place's own standing counts (on the state day) and deliveries per day, from the raw rows."""
    needs, lines, arrived = Need._meta.db_table, NeedLine._meta.db_table, Fulfilment._meta.db_table
    # PostgreSQL wants the literal typed to join the dates of the union; SQLite keeps dates as text.
    state_day = "DATE '0001-01-01'" if connection.vendor == "postgresql" else "'0001-01-01'"
    return (
        f"SELECT n.place_id, {state_day}, SUM(CASE WHEN n.status = 'open' THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN n.status = 'open' THEN (SELECT COUNT(*) FROM {lines} l WHERE l.need_id = n.id"
        "  AND l.delivered < l.quantity) ELSE 0 END), 0, 0"
        f" FROM {needs} n GROUP BY n.place_id"
        f" UNION ALL SELECT n.place_id, f.day, 0, 0, SUM(f.quantity), COUNT(*)"
        f" FROM {arrived} f JOIN {lines} l ON l.id = f.line_id JOIN {needs} n ON n.id = l.need_id"
        " GROUP BY n.place_id, f.day"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept need totals differ from the raw rows summed up the tree."""
    return TOTALS.count_disagreements(_own_sums_sql())


@service
def rebuild_totals() -> int:
    """The kept need totals thrown away and made again from the raw rows."""
    rebuilt = TOTALS.rebuild(_own_sums_sql())
    audit.record(
        by=None, action="needs.rebuild_totals", place=None, target=NeedTotal, after={"rows": rebuilt}
    )
    return rebuilt
