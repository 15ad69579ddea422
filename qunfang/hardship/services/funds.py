"""Writes of the care funds: a fund made at a place, money in (a donation taken in, with the gift it
came from, or budget money with its document), payments to approved cases, and corrections that
reverse a line. The balance changes with each line by one guarded UPDATE that only succeeds while the
fund holds enough, so two payments at once cannot overdraw it; the database refuses a negative
balance besides. A case's paid amount is kept the same way, never above what was approved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit, User
from qunfang.core.writes import service, writes_nothing
from qunfang.donations.models import CashDonation
from qunfang.donations.services import to_fen
from qunfang.hardship.models import (
    CaseState,
    CaseStep,
    Fund,
    FundLine,
    HardshipCase,
    LineKind,
    StepKind,
    yuan,
)
from qunfang.hardship.services.totals import count_payment, count_state


@writes_nothing
def not_future(day: date, field: str = "day") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@service
def create_fund(*, by: User | None, place: OrgUnit, name: str, purpose: str = "") -> Fund:
    if LEVEL_RANK[place.level] > LEVEL_RANK[Level.TOWN]:
        raise ValidationError(_("A care fund belongs to a town, a district or a place above."))
    if not name.strip():
        raise ValidationError({"name": _("Enter the fund's name.")})
    fund = Fund.objects.create(place=place, name=name.strip()[:100], purpose=purpose.strip()[:300])
    audit.record(by=by, action="fund.create", place=place, target=fund)
    return fund


def _change_balance(fund: Fund, fen: int) -> None:
    """Add `fen` (negative: take out) to the balance, in one UPDATE that refuses to go below zero."""
    changed = Fund.objects.filter(pk=fund.pk, balance_fen__gte=-fen).update(
        balance_fen=F("balance_fen") + fen
    )
    if not changed:
        held = Fund.objects.filter(pk=fund.pk).values_list("balance_fen", flat=True).first() or 0
        raise ValidationError({"amount": _("The fund holds only %(amount)s yuan.") % {"amount": yuan(held)}})


def _line(fund: Fund, fen: int, kind: str, by: User | None, **facts) -> FundLine:
    _change_balance(fund, fen)
    return FundLine.objects.create(fund=fund, kind=kind, amount_fen=fen, by=audit.acting_user(by), **facts)


@writes_nothing
def taken_from(donation: CashDonation) -> int:
    """Fen of the gift taken into funds so far, corrections counted."""
    return FundLine.objects.filter(donation=donation).aggregate(fen=Sum("amount_fen"))["fen"] or 0


@service
def take_in_donation(
    *, by: User | None, fund: Fund, donation: CashDonation, day: date, amount=None, note: str = ""
) -> FundLine:
    """A cash gift received at the fund's place or below taken into the fund: the whole of it that is
    not in a fund yet, or `amount` of it."""
    not_future(day)
    donation = (
        CashDonation.objects.select_for_update(of=("self",)).select_related("place").get(pk=donation.pk)
    )
    if not donation.place.path.startswith(fund.place.path):
        raise ValidationError({"donation": _("The gift must be received at the fund's place or below.")})
    if day < donation.day:
        raise ValidationError({"day": _("Money is taken in on or after the day it was given.")})
    left = donation.amount_fen - taken_from(donation)
    fen = left if amount in (None, "") else to_fen(amount)
    if left <= 0:
        raise ValidationError({"donation": _("This gift is in a fund already.")})
    if fen > left:
        raise ValidationError(
            {"amount": _("Only %(amount)s yuan of this gift is not in a fund yet.") % {"amount": yuan(left)}}
        )
    line = _line(fund, fen, LineKind.DONATION, by, day=day, donation=donation, note=note.strip()[:200])
    audit.record(by=by, action="fund.receive", place=fund.place, target=fund,
                 after={"amount": str(yuan(fen)), "receipt": donation.receipt_number})  # fmt: skip
    return line


@service
def take_in_budget(
    *, by: User | None, fund: Fund, amount, day: date, document: str, note: str = ""
) -> FundLine:
    """Budget money into the fund, with the document that granted it."""
    fen = to_fen(amount)
    not_future(day)
    if not document.strip():
        raise ValidationError({"document": _("Enter the document that grants the money.")})
    line = _line(fund, fen, LineKind.BUDGET, by, day=day, document=document.strip()[:100],
                 note=note.strip()[:200])  # fmt: skip
    audit.record(by=by, action="fund.receive", place=fund.place, target=fund,
                 after={"amount": str(yuan(fen)), "document": line.document})  # fmt: skip
    return line


def _took_part(case: HardshipCase, by: User | None, kinds: tuple[str, ...]) -> bool:
    return by is not None and case.steps.filter(by=by, kind__in=kinds).exists()


@service
def pay(*, by: User | None, case: HardshipCase, amount, day: date, note: str = "") -> FundLine:
    """A payment from the case's fund: at most what is approved and not yet paid, and what the fund
    holds. Paid in full, the case waits for its follow-up."""
    fen = to_fen(amount)
    not_future(day)
    case = HardshipCase.objects.select_related("fund__place", "place").get(pk=case.pk)
    if case.state != CaseState.APPROVED:
        raise ValidationError(_("Only an approved case is paid."))
    if _took_part(case, by, (StepKind.OPENED, StepKind.SENT)):
        raise ValidationError(_("You opened or sent up this case: someone else pays it."))
    if day < case.opened_on:
        raise ValidationError({"day": _("A payment is dated on or after the day the case was opened.")})
    left = case.approved_fen - case.paid_fen
    # The case's paid amount first, guarded like the balance: two payments at once cannot pass it.
    changed = HardshipCase.objects.filter(
        pk=case.pk, state=CaseState.APPROVED, paid_fen__lte=F("approved_fen") - fen
    ).update(paid_fen=F("paid_fen") + fen)
    if not changed:
        raise ValidationError(
            {"amount": _("At most %(amount)s yuan of the approved amount is left to pay.")
             % {"amount": yuan(left)}}
        )  # fmt: skip
    line = _line(case.fund, -fen, LineKind.PAYMENT, by, day=day, case=case, note=note.strip()[:200])
    count_payment(case, day, fen, 1)
    case.refresh_from_db(fields=["paid_fen", "approved_fen"])
    CaseStep.objects.create(case=case, kind=StepKind.PAID, place=case.fund.place, amount_fen=fen,
                            day=day, reason=note.strip()[:200], by=audit.acting_user(by))  # fmt: skip
    if case.paid_fen == case.approved_fen:
        HardshipCase.objects.filter(pk=case.pk).update(state=CaseState.PAID)
        count_state(case, CaseState.APPROVED, CaseState.PAID)
    audit.record(by=by, action="payment.record", place=case.fund.place, target=case,
                 after={"amount": str(yuan(fen)), "paid": str(yuan(case.paid_fen))})  # fmt: skip
    return line


@service
def reverse_line(*, by: User | None, line: FundLine, note: str = "") -> FundLine:
    """A mistaken line undone by its reverse, dated today; a payment's case is owed it again."""
    line = (
        FundLine.objects.select_for_update(of=("self",))
        .select_related("fund__place", "case__place")
        .get(pk=line.pk)
    )
    if line.kind == LineKind.CORRECTION or FundLine.objects.filter(reverses=line).exists():
        raise ValidationError(_("This line was corrected already, or is itself a correction."))
    case = line.case
    if case is not None:
        case = HardshipCase.objects.select_for_update(of=("self",)).select_related("place").get(pk=case.pk)
        if case.state == CaseState.CLOSED:
            raise ValidationError(_("The case was closed: its payments are not reversed any more."))
    reverse = _line(line.fund, -line.amount_fen, LineKind.CORRECTION, by, day=timezone.localdate(),
                    reverses=line, donation=line.donation, case=case, note=note.strip()[:200])  # fmt: skip
    if case is not None:
        fen = -line.amount_fen  # what the payment paid (a payment's line is negative)
        HardshipCase.objects.filter(pk=case.pk).update(paid_fen=F("paid_fen") - fen, state=CaseState.APPROVED)
        if case.state == CaseState.PAID:
            count_state(case, CaseState.PAID, CaseState.APPROVED)
        count_payment(case, line.day, -fen, -1)
        CaseStep.objects.create(
            case=case, kind=StepKind.PAYMENT_REVERSED, place=line.fund.place, amount_fen=fen,
            reason=note.strip()[:200], by=audit.acting_user(by),
        )  # fmt: skip
    audit.record(by=by, action="fund.correct", place=line.fund.place, target=line.fund,
                 after={"reversed": str(line.amount), "kind": line.kind})  # fmt: skip
    return reverse
