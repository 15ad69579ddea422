"""What maps puts on a place's page: importing boundaries and positions (a bureau's admin), and a
station's own position."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Link
from qunfang.maps.selectors import MANAGE


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    found = []
    if scope.allows(MANAGE, place) and place.level not in ("grid", "village"):
        found.append(Link(_("Import boundaries"), reverse("maps:shapes", args=[place.pk])))
        found.append(Link(_("Import stations' positions"), reverse("maps:positions", args=[place.pk])))
    if place.has_station and scope.allows(Capability.EDIT_STATION, place):
        found.append(Link(_("Position on the map"), reverse("maps:position", args=[place.pk])))
    return found
