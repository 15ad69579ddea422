"""Reads of hardship help, scope first: a place's cases by state, a case with its steps, what waits for
a person (decisions, payments, follow-ups), the funds and their ledgers, the rules in force; and the
figures of a place and period, read from the kept totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.hardship.capabilities import Hardship
from qunfang.hardship.models import (
    CaseCount,
    CaseState,
    EligibilityRule,
    Fund,
    FundLine,
    HardshipCase,
    HelpedDay,
    yuan,
)
from qunfang.lib.figures import counted

OPEN_STATES = (CaseState.OPEN, CaseState.RETURNED, CaseState.SENT)


def cases(scope: Scope, place: OrgUnit, state: str = "") -> QuerySet[HardshipCase]:
    found = (
        HardshipCase.objects.visible_to(scope, Hardship.VIEW)
        .under(place)
        .select_related("veteran", "place", "at", "fund")
        .order_by("-opened_on", "-pk")
    )
    return found.filter(state=state) if state else found


def counts_by_state(place: OrgUnit) -> dict[str, int]:
    """How many cases opened at the place or below are in each state now (kept totals)."""
    return dict(CaseCount.objects.filter(place=place).values_list("state", "cases"))


def case_query() -> QuerySet[HardshipCase]:
    """The cases as a case's page reads one (through get_for), with what it shows."""
    return HardshipCase.objects.select_related("veteran", "place", "at", "fund__place", "opened_by")


def steps(case: HardshipCase):
    return case.steps.select_related("place", "by").order_by("pk")


def _places_with(scope: Scope, capability: str) -> list[OrgUnit]:
    return [place for place in scope.own_places if scope.allows(capability, place)]


def waiting_for(scope: Scope) -> QuerySet[HardshipCase]:
    """Cases sent up to one of the person's own places, for a decision there."""
    places = _places_with(scope, Hardship.DECIDE_CASES)
    return (
        HardshipCase.objects.filter(state=CaseState.SENT, at__in=places)
        .select_related("veteran", "at", "place")
        .order_by("pk")
    )


def payments_due(scope: Scope) -> QuerySet[HardshipCase]:
    """Approved cases of the funds the person keeps, not yet paid in full."""
    places = _places_with(scope, Hardship.KEEP_FUNDS)
    return (
        HardshipCase.objects.filter(state=CaseState.APPROVED, fund__place__in=places)
        .select_related("veteran", "fund", "place")
        .order_by("pk")
    )


def follow_ups_due(scope: Scope) -> QuerySet[HardshipCase]:
    """Paid cases of the person's stations (and below), waiting for their follow-up visit."""
    condition = Q()
    for place in _places_with(scope, Hardship.OPEN_CASES):
        condition |= Q(place__path__startswith=place.path)
    if not condition:
        return HardshipCase.objects.none()
    return (
        HardshipCase.objects.filter(condition, state=CaseState.PAID)
        .select_related("veteran", "place")
        .order_by("pk")
    )


def funds_for_cases(place: OrgUnit) -> QuerySet[Fund]:
    """The funds a case opened at the place may draw on: those of the place and above it."""
    return Fund.objects.filter(place_id__in=[*place.ancestor_ids, place.pk]).select_related("place")


def funds(scope: Scope, place: OrgUnit) -> QuerySet[Fund]:
    return (
        Fund.objects.visible_to(scope, Hardship.VIEW)
        .under(place)
        .select_related("place")
        .order_by("place__path", "name")
    )


def lines(fund: Fund) -> QuerySet[FundLine]:
    return (
        fund.lines.select_related("donation__donor", "case__veteran", "reverses")
        .annotate(reversed_count=Count("reversed_by"))
        .order_by("-day", "-pk")
    )


def rules_in_force(place: OrgUnit) -> QuerySet[EligibilityRule]:
    """The rules the place's cases are checked against: its own and those of the places above."""
    return (
        EligibilityRule.objects.filter(place_id__in=[*place.ancestor_ids, place.pk])
        .select_related("place")
        .order_by("-active", "place__path", "pk")
    )


def of_veteran(scope: Scope, veteran) -> QuerySet[HardshipCase]:
    return (
        HardshipCase.objects.visible_to(scope, Hardship.VIEW)
        .filter(veteran=veteran)
        .select_related("fund", "place")
        .order_by("-opened_on", "-pk")
    )


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class HardshipFigures:
    people_helped_in_period: int = counted(
        _("Veterans paid from a care fund on a day in the period, for cases opened here or below "
          "(a reversed payment not counted; someone paid twice is one person).")
    )  # fmt: skip
    yuan_paid_in_period: str = counted(
        _("Yuan paid from care funds in the period to those cases, less reversed payments."), default="0"
    )
    payments_in_period: int = counted(_("Payments made in the period to those cases, less reversed ones."))
    cases_open: int = counted(
        _("Cases opened here or below now being prepared, returned or waiting for a decision."), running=True
    )
    cases_approved: int = counted(
        _("Of those cases, the ones approved and not yet paid in full."), running=True
    )
    cases_paid: int = counted(
        _("Cases paid in full, waiting for their follow-up visit or closed after it."), running=True
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> HardshipFigures:
    """The place's hardship help in the period, from the kept totals: a few indexed rows."""
    if not scope.allows(Hardship.VIEW, place):
        return HardshipFigures()
    paid = HelpedDay.objects.filter(place=place, day__range=(start, end)).aggregate(
        fen=Sum("paid_fen"),
        payments=Sum("payments"),
        people=Count("veteran_id", distinct=True, filter=Q(paid_fen__gt=0)),
    )
    states = counts_by_state(place)
    return HardshipFigures(
        people_helped_in_period=paid["people"] or 0,
        yuan_paid_in_period=str(yuan(paid["fen"])),
        payments_in_period=paid["payments"] or 0,
        cases_open=sum(states.get(state, 0) for state in OPEN_STATES),
        cases_approved=states.get(CaseState.APPROVED, 0),
        cases_paid=states.get(CaseState.PAID, 0) + states.get(CaseState.CLOSED, 0),
    )
