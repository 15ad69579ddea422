"""The bureau's eligibility checks read against a case: which pass and which fail, each with the
figures it compared, in the reader's language. The rules are data (models.EligibilityRule); this is
the one place that knows what each kind means."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qunfang.hardship.models import EligibilityRule, FundLine, HardshipCase, LineKind, RuleKind, yuan
from qunfang.lib.numbers import grouped


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def rules_for(case: HardshipCase) -> QuerySet[EligibilityRule]:
    """The rules in force at the case's place and at every place above it."""
    places = [*case.place.ancestor_ids, case.place_id]
    return EligibilityRule.objects.filter(place_id__in=places, active=True).order_by("pk")


def _helped_recently(case: HardshipCase, months: int) -> date | None:
    """The day of the latest payment (not reversed) from the case's fund to the same veteran for another
    case within `months` before the case was opened, or None."""
    since = months_before(case.opened_on, months)
    line = (
        FundLine.objects.filter(
            fund_id=case.fund_id, kind=LineKind.PAYMENT, case__veteran_id=case.veteran_id, day__gte=since,
            reversed_by__isnull=True,
        )
        .exclude(case_id=case.pk)
        .order_by("-day")
        .first()
    )  # fmt: skip
    return line.day if line else None


def check(rule: EligibilityRule, case: HardshipCase) -> dict:
    """One rule read against the case: {"rule", "label", "passed", "detail"}."""
    label = f"{rule.get_kind_display()} {grouped(rule.parameter)}"
    if rule.kind == RuleKind.MEDICAL_COSTS_OVER:
        costs = case.medical_costs_fen
        passed = costs is not None and costs > rule.amount_fen
        detail = (
            _("Medical costs paid by the family: %(amount)s yuan.") % {"amount": grouped(yuan(costs))}
            if costs is not None
            else _("The medical costs paid by the family are not given.")
        )
    elif rule.kind == RuleKind.INCOME_PER_HEAD_UNDER:
        income = case.household_income_fen
        per_head = income // max(case.household_size, 1) if income is not None else None
        passed = per_head is not None and per_head < rule.amount_fen
        detail = (
            _("Income per head: %(amount)s yuan a year.") % {"amount": grouped(yuan(per_head))}
            if per_head is not None
            else _("The household's income is not given.")
        )
    else:
        helped = _helped_recently(case, rule.months or 0)
        passed = helped is None
        detail = (
            _("Helped from this fund on %(day)s.") % {"day": helped.isoformat()}
            if helped
            else _("Not helped from this fund in that time.")
        )
    return {"rule": rule.pk, "label": label, "passed": passed, "detail": detail}


def checks_for(case: HardshipCase) -> list[dict]:
    return [check(rule, case) for rule in rules_for(case)]
