"""What hardship help puts elsewhere: a person's work due (cases waiting for their decision, payments
due, follow-ups due: lib/work), its links at a place, its card on a veteran's page (lib/person) and
its sentence in a briefing (briefings/writing)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.hardship import selectors
from qunfang.hardship.capabilities import Hardship
from qunfang.hardship.models import CaseState, yuan
from qunfang.lib.numbers import grouped
from qunfang.lib.work import Due, Link, Named

NAMED_AT_MOST = 5


def _named(cases) -> tuple[Named, ...]:
    return tuple(
        Named(f"{case.veteran.name} · {grouped(case.asked)}", reverse("hardship:case", args=[case.pk]))
        for case in cases[:NAMED_AT_MOST]
    )


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for title, cases, state in (
        (_("Hardship cases waiting for your decision"), selectors.waiting_for(scope), CaseState.SENT),
        (_("Hardship cases to pay"), selectors.payments_due(scope), CaseState.APPROVED),
        (_("Hardship cases to follow up"), selectors.follow_ups_due(scope), CaseState.PAID),
    ):
        listed = list(cases[: NAMED_AT_MOST + 1])
        if listed:
            count = cases.count() if len(listed) > NAMED_AT_MOST else len(listed)
            home = scope.own_places[0]  # the cases are at or below it
            url = reverse("hardship:cases", args=[home.pk]) + f"?state={state}"
            found.append(Due(title, url, count=count, named=_named(listed)))
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Hardship.VIEW, place):
        return []
    found = [Link(_("Hardship cases"), reverse("hardship:cases", args=[place.pk]))]
    if scope.allows(Hardship.KEEP_FUNDS, place):
        found.append(Link(_("Care funds"), reverse("hardship:funds", args=[place.pk])))
    return found


def person_sections(request, veteran) -> list:
    """The veteran's cases and what was paid to them, where the reader may see hardship help."""
    scope = request.scope
    if not scope.allows(Hardship.VIEW, veteran.place):
        return []
    cases = list(selectors.of_veteran(scope, veteran))
    may_open = scope.allows(Hardship.OPEN_CASES, veteran.place)
    if not cases and not may_open:
        return []
    station = _station_of(scope, veteran.place)
    return [
        render_to_string(
            "hardship/_person.html",
            {
                "veteran": veteran,
                "cases": cases,
                "paid": yuan(sum(case.paid_fen for case in cases)),
                "station": station if may_open else None,
            },
            request=request,
        )
    ]


def _station_of(scope: Scope, place: OrgUnit) -> OrgUnit | None:
    """Where the reader opens a case for a veteran of `place`: the village or town station it is
    under, the lowest one the reader works at or above."""
    from qunfang.core.models import Level

    chain = [place] if place.level in (Level.VILLAGE, Level.TOWN) else []
    chain += list(
        OrgUnit.objects.filter(pk__in=place.ancestor_ids, level__in=(Level.VILLAGE, Level.TOWN)).order_by(
            "-path"
        )
    )
    return next((station for station in chain if scope.allows(Hardship.OPEN_CASES, station)), None)


def briefing_sections(found) -> list[dict]:
    """A sentence of what was paid in the period, and one of the cases under way now."""
    block = found.hardship
    if block is None:
        return []
    parts = []
    if block.payments_in_period:
        parts.append(
            _("%(people)s veterans were helped from the care funds in the period, %(amount)s yuan in all.")
            % {"people": block.people_helped_in_period, "amount": grouped(block.yuan_paid_in_period)}
        )
    if block.cases_open or block.cases_approved:
        parts.append(
            _("%(open)s hardship cases are under way and %(approved)s approved cases wait to be paid.")
            % {"open": block.cases_open, "approved": block.cases_approved}
        )
    if not parts:
        return []
    return [{"heading": pgettext("briefing section", "Hardship help"), "text": "".join(parts)}]
