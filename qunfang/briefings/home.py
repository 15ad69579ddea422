"""What dashboards and briefings put on a place's page (lib/work)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Link


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Capability.VIEW_ACTIVITIES, place):
        return []
    return [
        Link(_("Dashboard"), reverse("briefings:dashboard", args=[place.pk]), primary=True),
        Link(_("Work briefings"), reverse("briefings:briefings", args=[place.pk])),
    ]
