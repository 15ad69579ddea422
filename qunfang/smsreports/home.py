"""What reports by SMS put on a place's page: its link (a station's phones, a bureau's inbound messages)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.work import Link
from qunfang.smsreports.capabilities import VIEW_INBOUND


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW_INBOUND, place):
        return []
    return [
        Link(_("Reports by SMS"), reverse("smsreports:phones", args=[place.pk])),
        Link(_("Inbound messages"), reverse("smsreports:inbound", args=[place.pk])),
    ]
