"""What the veterans registry puts on a place's page and in the menu (lib/work)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Link
from qunfang.registry.models import Veteran


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Capability.VIEW_VETERANS, place):
        return []
    found = [Link(_("Veterans here"), f"{reverse('registry:veterans')}?place={place.pk}")]
    if scope.allows(Capability.MANAGE_VETERANS, place):
        found += [
            Link(_("Add a veteran"), reverse("registry:veteran_new", args=[place.pk])),
            Link(_("Import a roll"), reverse("registry:roll_upload", args=[place.pk])),
        ]
    return found


def menu(scope: Scope) -> list[Link]:
    """The roll for those who have veterans to see (a grid without any gets no entry to an empty list)."""
    if not Veteran.objects.visible_to(scope, Capability.VIEW_VETERANS).exists():
        return []
    return [Link(_("Veterans"), reverse("registry:veterans"))]
