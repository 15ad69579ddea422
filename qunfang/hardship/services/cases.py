"""Writes of hardship cases: opened by a village or town station for a veteran of its roll (the
veteran's own application online is a later seam: `opened_online`), with attachments; sent up with
the eligibility checks as they stand (a failing one only with a reason); decided at each level between
the station and the fund's place, approving an amount or returning with a reason; followed up after
payment, which closes it. Nobody decides a case they opened, sent up or approved at another level."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.writes import service, writes_nothing
from qunfang.donations.services import to_fen
from qunfang.hardship.eligibility import checks_for
from qunfang.hardship.models import (
    Attachment,
    CaseState,
    CaseStep,
    EligibilityRule,
    Fund,
    HardshipCase,
    RuleKind,
    StepKind,
    yuan,
)
from qunfang.hardship.services.funds import not_future
from qunfang.hardship.services.totals import count_state
from qunfang.lib.uploads import delete_upload, is_image, is_pdf, save_upload
from qunfang.registry.models import Status, Veteran

ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".webp")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
LARGEST_HOUSEHOLD = 50
TOOK_PART = gettext_noop("You opened, sent up or approved this case: someone else decides it.")


@writes_nothing
def deciders(case: HardshipCase) -> list[OrgUnit]:
    """The places that decide the case, lowest first: each above the station up to the fund's place
    (the fund's place itself when the station is the fund's)."""
    ancestors = {p.pk: p for p in OrgUnit.objects.filter(pk__in=case.place.ancestor_ids)}
    chain = [ancestors[pk] for pk in reversed(case.place.ancestor_ids) if pk in ancestors]
    found = []
    for place in chain:
        found.append(place)
        if place.pk == case.fund.place_id:
            return found
    return [case.fund.place]


def _money_or_none(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        if Decimal(str(value).replace(",", "").strip()) == 0:
            return 0  # a household without income: to_fen takes only amounts above zero
    except (InvalidOperation, ValueError):
        pass  # to_fen says what is wrong with it
    return to_fen(value, field)


def _facts(need: str, situation: str, household_size, household_income, medical_costs, asked) -> dict:
    if not need.strip():
        raise ValidationError({"need": _("Say what the household needs help with.")})
    try:
        size = int(household_size)
    except (TypeError, ValueError):
        raise ValidationError({"household_size": _("Enter how many people live in the household.")}) from None
    if not 1 <= size <= LARGEST_HOUSEHOLD:
        raise ValidationError({"household_size": _("A household has 1 to 50 people.")})
    return {
        "need": need.strip()[:2000],
        "situation": situation.strip()[:2000],
        "household_size": size,
        "household_income_fen": _money_or_none(household_income, "household_income"),
        "medical_costs_fen": _money_or_none(medical_costs, "medical_costs"),
        "asked_fen": to_fen(asked, "asked"),
    }


@service
def open_case(
    *, by: User | None, place: OrgUnit, veteran: Veteran, fund: Fund, need: str, asked, situation: str = "",
    household_size=1, household_income=None, medical_costs=None, day: date | None = None, upload=None,
) -> HardshipCase:  # fmt: skip
    """A case opened by the station of `place` (a village or a town) for a veteran of its roll, with
    its first attachment when one is given (both, or neither)."""
    day = day or timezone.localdate()
    not_future(day)
    if place.level not in (Level.VILLAGE, Level.TOWN):
        raise ValidationError(_("A case is opened by a village or town station."))
    if not veteran.place.path.startswith(place.path) or veteran.status != Status.ACTIVE:
        raise ValidationError({"veteran": _("The veteran must be on this station's roll.")})
    if not place.path.startswith(fund.place.path):
        raise ValidationError({"fund": _("The fund must be this place's or one above it.")})
    case = HardshipCase.objects.create(
        place=place, at=place, veteran=veteran, fund=fund, opened_on=day, opened_by=audit.acting_user(by),
        **_facts(need, situation, household_size, household_income, medical_costs, asked),
    )  # fmt: skip
    case.checks = checks_for(case)
    case.save(update_fields=["checks"])
    CaseStep.objects.create(case=case, kind=StepKind.OPENED, place=place, amount_fen=case.asked_fen,
                            by=audit.acting_user(by))  # fmt: skip
    count_state(case, None, CaseState.OPEN)
    audit.record(by=by, action="hardship_case.create", place=place, target=case,
                 after={"asked": str(case.asked)})  # fmt: skip
    if upload is not None:
        attach(by=by, case=case, upload=upload)
    return case


def _locked(case: HardshipCase) -> HardshipCase:
    return (
        HardshipCase.objects.select_for_update(of=("self",))
        .select_related("place", "fund__place", "at")
        .get(pk=case.pk)
    )


@service
def attach(*, by: User | None, case: HardshipCase, upload) -> Attachment:
    """A document or photo of the case (a hospital bill, the household's papers)."""
    case = _locked(case)
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed."))
    if not (upload.name or "").lower().endswith(ATTACHMENT_TYPES):
        raise ValidationError({"upload": _("Attach a PDF or a photo.")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"upload": _("A file may be 10 MB at most.")})
    if not (is_pdf(upload) if upload.name.lower().endswith(".pdf") else is_image(upload)):
        raise ValidationError(
            {"upload": _("This file is not the PDF or photo its name says: attach the document itself.")}
        )
    relative = save_upload(upload, "hardship")
    try:  # should the row not be written after all, the file goes with it
        attachment = Attachment.objects.create(case=case, file=relative, name=(upload.name or "")[-200:],
                                               size=upload.size, by=audit.acting_user(by))  # fmt: skip
        audit.record(by=by, action="attachment.add", place=case.place, target=case,
                     after={"name": attachment.name})  # fmt: skip
    except BaseException:
        delete_upload(relative)
        raise
    return attachment


@service
def send_up(*, by: User | None, case: HardshipCase, reason: str = "") -> HardshipCase:
    """The station sends the case to the first place that decides it, with the checks as they stand;
    a case failing a check goes only with the station's reason."""
    case = _locked(case)
    if case.state not in (CaseState.OPEN, CaseState.RETURNED):
        raise ValidationError(_("The case was sent up already."))
    case.checks = checks_for(case)
    reason = reason.strip()[:500]
    if case.failing_checks and not reason:
        raise ValidationError(
            {"reason": _("The case fails a check: say why it should be helped all the same.")}
        )
    old = case.state
    case.state, case.at, case.exception_reason = CaseState.SENT, deciders(case)[0], reason
    case.approved_fen = None
    case.save(update_fields=["state", "at", "checks", "exception_reason", "approved_fen"])
    CaseStep.objects.create(case=case, kind=StepKind.SENT, place=case.place, reason=reason,
                            by=audit.acting_user(by))  # fmt: skip
    count_state(case, old, CaseState.SENT)
    audit.record(by=by, action="hardship_case.submit", place=case.place, target=case,
                 after={"to": case.at.name, "failing": len(case.failing_checks)})  # fmt: skip
    return case


@writes_nothing
def took_part(case: HardshipCase, by: User | None) -> bool:
    """Whether `by` opened or sent up the case, or approved it on this round: then not theirs to decide."""
    return _decided_before(case, by)


def _decided_before(case: HardshipCase, by: User | None) -> bool:
    kinds = (StepKind.OPENED, StepKind.SENT, StepKind.APPROVED)
    since = case.steps.filter(kind=StepKind.SENT).order_by("-pk").values_list("pk", flat=True).first() or 0
    # Opening or sending it ever; approving it on this round (a returned case starts a new one).
    return by is not None and (
        case.steps.filter(by=by, kind__in=kinds[:2]).exists()
        or case.steps.filter(by=by, kind=kinds[2], pk__gt=since).exists()
    )


NOT_YOUR_STEP = gettext_noop(
    "This case waits for the decision of %(place)s: each level decides at its own step."
)


def _check_deciding_here(case: HardshipCase, by: User | None) -> None:
    """Each level decides at its own step: a person decides a case only where they are a member. The
    district's admin sees the town's cases but does not take the town's decision for it."""
    if by is not None and case.at_id not in Scope.for_user(by).place_ids:
        raise ValidationError(_(NOT_YOUR_STEP) % {"place": case.at.name})


@service
def approve(*, by: User | None, case: HardshipCase, amount, reason: str = "") -> HardshipCase:
    """The deciding place approves `amount` (at most what was asked, and what the level below
    approved); the case goes on up, or, approved by the fund's place, waits to be paid."""
    fen = to_fen(amount)
    case = _locked(case)
    if case.state != CaseState.SENT:
        raise ValidationError(_("The case is not waiting for a decision."))
    if _decided_before(case, by):
        raise ValidationError(_(TOOK_PART))
    _check_deciding_here(case, by)
    ceiling = case.approved_fen if case.approved_fen is not None else case.asked_fen
    if fen > ceiling:
        raise ValidationError(
            {
                "amount": _("At most %(amount)s yuan: what was asked or approved below.")
                % {"amount": yuan(ceiling)}
            }
        )
    chain, where = deciders(case), case.at
    later = chain[[place.pk for place in chain].index(where.pk) + 1 :]
    case.approved_fen = fen
    if later:
        case.at = later[0]
    else:
        case.state = CaseState.APPROVED
        count_state(case, CaseState.SENT, CaseState.APPROVED)
    case.save(update_fields=["approved_fen", "at", "state"])
    CaseStep.objects.create(case=case, kind=StepKind.APPROVED, place=where, amount_fen=fen,
                            reason=reason.strip()[:500], by=audit.acting_user(by))  # fmt: skip
    audit.record(by=by, action="hardship_case.approve", place=where, target=case,
                 after={"amount": str(yuan(fen))})  # fmt: skip
    return case


@service
def return_case(*, by: User | None, case: HardshipCase, reason: str) -> HardshipCase:
    """The deciding place sends the case back to the station, always with its reason."""
    case = _locked(case)
    if case.state != CaseState.SENT:
        raise ValidationError(_("The case is not waiting for a decision."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is returned.")})
    if _decided_before(case, by):
        raise ValidationError(_(TOOK_PART))
    _check_deciding_here(case, by)
    where = case.at
    case.state, case.at, case.approved_fen = CaseState.RETURNED, case.place, None
    case.save(update_fields=["state", "at", "approved_fen"])
    CaseStep.objects.create(case=case, kind=StepKind.RETURNED, place=where, reason=reason.strip()[:500],
                            by=audit.acting_user(by))  # fmt: skip
    count_state(case, CaseState.SENT, CaseState.RETURNED)
    audit.record(by=by, action="hardship_case.return", place=where, target=case,
                 after={"reason": reason.strip()[:500]})  # fmt: skip
    return case


@service
def follow_up(*, by: User | None, case: HardshipCase, day: date, note: str) -> HardshipCase:
    """The visit after the help, with its note: the case is closed."""
    case = _locked(case)
    not_future(day)
    if case.state != CaseState.PAID:
        raise ValidationError(_("A case is followed up once it is paid."))
    if not note.strip():
        raise ValidationError({"note": _("Say how the household is doing.")})
    last_paid = case.steps.filter(kind=StepKind.PAID).order_by("-pk").values_list("day", flat=True).first()
    if last_paid and day < last_paid:
        raise ValidationError({"day": _("The follow-up visit comes after the payment.")})
    CaseStep.objects.create(case=case, kind=StepKind.FOLLOWED_UP, place=case.place, day=day,
                            reason=note.strip()[:500], by=audit.acting_user(by))  # fmt: skip
    case.state = CaseState.CLOSED
    case.save(update_fields=["state"])
    count_state(case, CaseState.PAID, CaseState.CLOSED)
    audit.record(by=by, action="hardship_case.visit", place=case.place, target=case,
                 after={"day": day.isoformat()})  # fmt: skip
    return case


@service
def add_rule(*, by: User | None, place: OrgUnit, kind: str, amount=None, months=None) -> EligibilityRule:
    """A check for the cases of the place and below: a money kind with its threshold, or the
    exclusion with its months."""
    if kind not in RuleKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    rule = EligibilityRule(place=place, kind=kind, by=audit.acting_user(by))
    if kind == RuleKind.NOT_HELPED_WITHIN:
        try:
            rule.months = int(months)
        except (TypeError, ValueError):
            raise ValidationError({"months": _("Enter the months, from 1 to 120.")}) from None
        if not 1 <= rule.months <= 120:
            raise ValidationError({"months": _("Enter the months, from 1 to 120.")})
    else:
        rule.amount_fen = to_fen(amount)
    rule.save()
    audit.record(by=by, action="eligibility_rule.create", place=place, target=rule)
    return rule


@service
def end_rule(*, by: User | None, rule: EligibilityRule) -> EligibilityRule:
    """The rule no longer applies to cases sent up from now on."""
    if not rule.active:
        raise ValidationError(_("The rule is no longer in force already."))
    rule.active = False
    rule.save(update_fields=["active"])
    audit.record(by=by, action="eligibility_rule.close", place=rule.place, target=rule)
    return rule
