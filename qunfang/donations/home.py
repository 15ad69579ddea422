"""What donations put on a person's home and on a place's page (lib/work): the gifts a place has taken
in and not yet handed over, with their amount."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.donations import selectors
from qunfang.lib.numbers import grouped
from qunfang.lib.work import Due, Link


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        if not scope.allows(Capability.RECORD_DONATIONS, place):
            continue
        waiting = selectors.not_handed_over(place)
        if waiting["donations"]:
            found.append(
                Due(
                    _("Gifts not yet handed over: %(place)s") % {"place": place.name},
                    reverse("donations:overview", args=[place.pk]),
                    count=waiting["donations"],
                    detail=_("%(amount)s yuan") % {"amount": grouped(waiting["amount"])},
                )
            )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Capability.VIEW_DONATIONS, place):
        return []
    found = [Link(_("Donations"), reverse("donations:overview", args=[place.pk]))]
    if scope.allows(Capability.RECORD_DONATIONS, place):
        found.append(Link(_("Record a gift"), reverse("donations:cash_new", args=[place.pk])))
    return found
