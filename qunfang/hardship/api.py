"""Hardship help under /api/v1/hardship: cases (listed by state, opened, their attachments, sent up,
approved or returned, paid, followed up), the care funds (made, listed, their ledger, money in from a
donation or the budget, a line reversed) and the eligibility rules (added, ended). Amounts are strings
of yuan, exact to the fen. The same services and scoping as the pages."""

from datetime import date, datetime

from django.http import Http404
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.core.roles import Capability
from qunfang.donations.models import CashDonation
from qunfang.hardship import selectors, services
from qunfang.hardship.capabilities import Hardship
from qunfang.hardship.models import CaseState, EligibilityRule, Fund, FundLine, HardshipCase, RuleKind, yuan
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.registry.models import Status as RollStatus
from qunfang.registry.models import Veteran

router = Router(tags=["hardship"])
VIEW, OPEN, DECIDE, KEEP = Hardship.VIEW, Hardship.OPEN_CASES, Hardship.DECIDE_CASES, Hardship.KEEP_FUNDS
Money = Field(..., max_length=20, description='yuan, at most two decimals: "3000.00"')


def _money(fen: int | None) -> str | None:
    return str(yuan(fen)) if fen is not None else None


class HardshipCaseOut(Schema):
    id: int
    place_id: int
    veteran_id: int
    veteran: str
    fund_id: int
    state: str
    waiting_at_id: int | None
    asked: str
    approved: str | None
    paid: str
    opened_on: date

    @staticmethod
    def resolve_veteran(case: HardshipCase) -> str:
        return case.veteran.name

    @staticmethod
    def resolve_waiting_at_id(case: HardshipCase) -> int | None:
        return case.at_id if case.state == CaseState.SENT else None

    @staticmethod
    def resolve_asked(case: HardshipCase) -> str:
        return _money(case.asked_fen)

    @staticmethod
    def resolve_approved(case: HardshipCase) -> str | None:
        return _money(case.approved_fen)

    @staticmethod
    def resolve_paid(case: HardshipCase) -> str:
        return _money(case.paid_fen)


class HardshipCheckOut(Schema):
    label: str
    passed: bool
    detail: str


class HardshipStepOut(Schema):
    kind: str
    place_id: int
    amount: str | None
    reason: str
    day: date | None
    at: datetime

    @staticmethod
    def resolve_amount(step) -> str | None:
        return _money(step.amount_fen)


class HardshipCaseDetailOut(HardshipCaseOut):
    need: str
    situation: str
    household_size: int
    checks: list[HardshipCheckOut]
    exception_reason: str
    steps: list[HardshipStepOut]

    @staticmethod
    def resolve_steps(case: HardshipCase) -> list:
        return list(selectors.steps(case))


class HardshipCaseIn(Schema):
    place_id: Id
    veteran_id: Id
    fund_id: Id
    need: Text = Field(..., min_length=1, max_length=2000)
    situation: Text = Field("", max_length=2000)
    household_size: int = Field(1, ge=1, le=50)
    household_income: Text | None = Field(None, max_length=20, description="a year's income, in yuan")
    medical_costs: Text | None = Field(None, max_length=20, description="paid by the family in a year")
    asked: Text = Money


class HardshipReasonIn(Schema):
    reason: Text = Field("", max_length=500)


class HardshipApproveIn(Schema):
    amount: Text = Money
    reason: Text = Field("", max_length=500)


class HardshipReturnIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=500)


class HardshipPaymentIn(Schema):
    amount: Text = Money
    day: Day
    note: Text = Field("", max_length=200)


class HardshipFollowUpIn(Schema):
    day: Day
    note: Text = Field(..., min_length=1, max_length=500)


class HardshipCreatedId(Schema):
    id: int


class HardshipFundIn(Schema):
    place_id: Id
    name: Text = Field(..., min_length=1, max_length=100)
    purpose: Text = Field("", max_length=300)


class HardshipFundOut(Schema):
    id: int
    place_id: int
    name: str
    balance: str

    @staticmethod
    def resolve_balance(fund: Fund) -> str:
        return _money(fund.balance_fen)


class HardshipLineOut(Schema):
    id: int
    kind: str
    amount: str
    day: date
    donation_id: int | None
    case_id: int | None
    document: str
    reverses_id: int | None

    @staticmethod
    def resolve_amount(line: FundLine) -> str:
        return _money(line.amount_fen)


class HardshipDonationIn(Schema):
    donation_id: Id
    day: Day
    amount: Text | None = Field(None, max_length=20, description="empty: all of the gift not in a fund")
    note: Text = Field("", max_length=200)


class HardshipBudgetIn(Schema):
    amount: Text = Money
    day: Day
    document: Text = Field(..., min_length=1, max_length=100)
    note: Text = Field("", max_length=200)


class HardshipNoteIn(Schema):
    note: Text = Field("", max_length=200)


class HardshipRuleIn(Schema):
    place_id: Id
    kind: RuleKind
    amount: Text | None = Field(None, max_length=20, description="the threshold of the money checks")
    months: int | None = Field(None, ge=1, le=120, description="the exclusion's months")


class HardshipRuleOut(Schema):
    id: int
    place_id: int
    kind: str
    parameter: str
    active: bool


def _case(request, case_id: int, capability=VIEW) -> HardshipCase:
    return get_for(request.scope, selectors.case_query(), capability, pk=case_id)


def _allowed(request, capability, place) -> None:
    if not request.scope.allows(capability, place):
        raise Http404  # as for a case the person cannot see: no hint


@router.get("/hardship/cases", response={200: list[HardshipCaseOut], **ERRORS})
@paginate(Pages)
def list_cases(request, place_id: Id, state: CaseState | None = None):
    return selectors.cases(request.scope, place_for(request, place_id, VIEW), state or "")


@router.get("/hardship/cases/{case_id}", response={200: HardshipCaseDetailOut, **ERRORS})
def case_detail(request, case_id: Id):
    return _case(request, case_id)


@router.post("/hardship/cases", response={201: HardshipCaseDetailOut, **ERRORS})
def open_case(request, data: HardshipCaseIn):
    place = place_for(request, data.place_id, OPEN)
    veteran = get_for(request.scope, Veteran.objects.filter(status=RollStatus.ACTIVE).under(place),
                      Capability.VIEW_VETERANS, pk=data.veteran_id)  # fmt: skip
    fund = selectors.funds_for_cases(place).filter(pk=data.fund_id).first()
    if fund is None:
        raise Http404
    facts = data.dict(exclude={"place_id", "veteran_id", "fund_id"})
    return Status(201, services.open_case(by=request.auth, place=place, veteran=veteran, fund=fund, **facts))


@router.post("/hardship/cases/{case_id}/attachments", response={201: HardshipCreatedId, **ERRORS})
def attach(request, case_id: Id, upload: File[UploadedFile]):
    """A PDF or photo of the case, sent as multipart (`upload`), as the page takes it."""
    case = _case(request, case_id, OPEN)
    return Status(201, services.attach(by=request.auth, case=case, upload=upload))


@router.post("/hardship/cases/{case_id}/send", response={200: HardshipCaseDetailOut, **ERRORS})
def send_up(request, case_id: Id, data: HardshipReasonIn):
    """Sent to the first place that decides it; a case failing a check needs the `reason`."""
    return services.send_up(by=request.auth, case=_case(request, case_id, OPEN), reason=data.reason)


@router.post("/hardship/cases/{case_id}/approve", response={200: HardshipCaseDetailOut, **ERRORS})
def approve(request, case_id: Id, data: HardshipApproveIn):
    case = _case(request, case_id)
    _allowed(request, DECIDE, case.at)
    return services.approve(by=request.auth, case=case, amount=data.amount, reason=data.reason)


@router.post("/hardship/cases/{case_id}/return", response={200: HardshipCaseDetailOut, **ERRORS})
def return_case(request, case_id: Id, data: HardshipReturnIn):
    case = _case(request, case_id)
    _allowed(request, DECIDE, case.at)
    return services.return_case(by=request.auth, case=case, reason=data.reason)


@router.post("/hardship/cases/{case_id}/payments", response={201: HardshipLineOut, **ERRORS})
def pay(request, case_id: Id, data: HardshipPaymentIn):
    case = _case(request, case_id)
    _allowed(request, KEEP, case.fund.place)
    return Status(201, services.pay(by=request.auth, case=case, amount=data.amount, day=data.day,
                                    note=data.note))  # fmt: skip


@router.post("/hardship/cases/{case_id}/follow-up", response={200: HardshipCaseDetailOut, **ERRORS})
def follow_up(request, case_id: Id, data: HardshipFollowUpIn):
    case = _case(request, case_id, OPEN)
    return services.follow_up(by=request.auth, case=case, day=data.day, note=data.note)


@router.get("/hardship/funds", response={200: list[HardshipFundOut], **ERRORS})
def list_funds(request, place_id: Id):
    return list(selectors.funds(request.scope, place_for(request, place_id, VIEW)))


@router.post("/hardship/funds", response={201: HardshipFundOut, **ERRORS})
def create_fund(request, data: HardshipFundIn):
    place = place_for(request, data.place_id, KEEP)
    return Status(
        201, services.create_fund(by=request.auth, place=place, name=data.name, purpose=data.purpose)
    )


def _fund(request, fund_id: int, capability=VIEW) -> Fund:
    return get_for(request.scope, Fund.objects.select_related("place"), capability, pk=fund_id)


@router.get("/hardship/funds/{fund_id}/lines", response={200: list[HardshipLineOut], **ERRORS})
@paginate(Pages)
def fund_lines(request, fund_id: Id):
    return selectors.lines(_fund(request, fund_id))


@router.post("/hardship/funds/{fund_id}/donations", response={201: HardshipLineOut, **ERRORS})
def take_in_donation(request, fund_id: Id, data: HardshipDonationIn):
    fund = _fund(request, fund_id, KEEP)
    donation = get_for(
        request.scope, CashDonation.objects.all(), Capability.VIEW_DONATIONS, pk=data.donation_id
    )
    return Status(201, services.take_in_donation(by=request.auth, fund=fund, donation=donation, day=data.day,
                                                 amount=data.amount, note=data.note))  # fmt: skip


@router.post("/hardship/funds/{fund_id}/budget", response={201: HardshipLineOut, **ERRORS})
def take_in_budget(request, fund_id: Id, data: HardshipBudgetIn):
    fund = _fund(request, fund_id, KEEP)
    return Status(201, services.take_in_budget(by=request.auth, fund=fund, **data.dict()))


@router.post("/hardship/fund-lines/{line_id}/reverse", response={201: HardshipLineOut, **ERRORS})
def reverse_line(request, line_id: Id, data: HardshipNoteIn):
    line = get_for(request.scope, FundLine.objects.select_related("fund"), KEEP, pk=line_id)
    return Status(201, services.reverse_line(by=request.auth, line=line, note=data.note))


@router.get("/hardship/rules", response={200: list[HardshipRuleOut], **ERRORS})
def list_rules(request, place_id: Id):
    return list(selectors.rules_in_force(place_for(request, place_id, VIEW)))


@router.post("/hardship/rules", response={201: HardshipRuleOut, **ERRORS})
def add_rule(request, data: HardshipRuleIn):
    place = place_for(request, data.place_id, KEEP)
    return Status(201, services.add_rule(by=request.auth, place=place, kind=data.kind, amount=data.amount,
                                         months=data.months))  # fmt: skip


@router.post("/hardship/rules/{rule_id}/end", response={200: HardshipRuleOut, **ERRORS})
def end_rule(request, rule_id: Id):
    rule = get_for(request.scope, EligibilityRule.objects.select_related("place"), KEEP, pk=rule_id)
    return services.end_rule(by=request.auth, rule=rule)
