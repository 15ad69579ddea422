"""What needs put on a person's home (their places' open needs past the day they were needed by), on a
place's page (its links), on the dashboard (its card) and in a briefing (a sentence)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.work import Due, Link
from qunfang.needs import selectors
from qunfang.needs.selectors import RECORD, VIEW


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        if scope.allows(RECORD, place) and (late := selectors.overdue(place, today)):
            found.append(
                Due(
                    _("Needs past their date: %(place)s") % {"place": place.name},
                    reverse("needs:list", args=[place.pk]),
                    count=late,
                    late=True,
                )
            )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW, place):
        return []
    found = [Link(_("Needs"), reverse("needs:list", args=[place.pk]))]
    if scope.allows(RECORD, place):
        found.append(Link(_("Post a need"), reverse("needs:new", args=[place.pk])))
    return found


def briefing_sections(found) -> list[dict]:
    block = getattr(found, "needs", None)
    if block is None or not (block.open_needs or block.arrivals_in_period):
        return []
    text = _(
        "%(arrivals)s deliveries met the posted needs in the period; %(open)s needs are still open, "
        "with %(missing)s items still missing."
    ) % {"arrivals": block.arrivals_in_period, "open": block.open_needs, "missing": block.missing_lines}
    return [{"heading": _("Needs met by gifts"), "text": text}]
