"""What plaques put on a person's home (households still to receive theirs), on a place's page (its
links), on a veteran's page (their household's plaque) and in a briefing (the period's plaques)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.work import Due, Link
from qunfang.plaques import selectors, services
from qunfang.plaques.selectors import RECORD, VIEW


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        if scope.allows(RECORD, place) and (waiting := selectors.without_plaque(place).count()):
            found.append(
                Due(
                    _("Honour plaques to hang: %(place)s") % {"place": place.name},
                    reverse("plaques:to_hang", args=[place.pk]),
                    count=waiting,
                )
            )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW, place):
        return []
    return [
        Link(_("Honour plaques"), reverse("plaques:list", args=[place.pk])),
        Link(_("Plaques still to hang"), reverse("plaques:to_hang", args=[place.pk])),
    ]


def person_sections(request, veteran) -> list:
    if not request.scope.allows(VIEW, veteran.place):
        return []
    context = {"veteran": veteran, "plaque": services.current_plaque(veteran)}
    return [render_to_string("plaques/_person.html", context, request=request)]


def briefing_sections(found) -> list[dict]:
    block = found.plaques
    if block is None or not (block.hung_in_period or block.replaced_in_period):
        return []
    text = _(
        "%(hung)s veterans' households received their honour plaque in the period and %(replaced)s plaques "
        "were replaced; %(with)s households have theirs, %(left)s are still to receive one."
    ) % {
        "hung": block.hung_in_period,
        "replaced": block.replaced_in_period,
        "with": block.households_with_plaque,
        "left": block.still_to_hang,
    }
    return [{"heading": _("Honour plaques"), "text": text}]
