"""Reads of residents' requests, scope first, and the standard answers a place's staff may reuse."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qunfang.community.models import RequestStatus, ResidentRequest, StandardAnswer
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability


def requests(
    scope: Scope, place: OrgUnit, status: str = "", mine: User | None = None
) -> QuerySet[ResidentRequest]:
    found = (
        ResidentRequest.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .select_related("household__building", "assigned_to", "volunteer")
        .order_by("status", "-created_at")
    )
    if status in RequestStatus.values:
        found = found.filter(status=status)
    elif status == "not_done":
        found = found.exclude(status=RequestStatus.DONE)
    if mine is not None:
        found = found.filter(assigned_to=mine)
    return found


def standard_answers(place: OrgUnit, category: str = "") -> QuerySet[StandardAnswer]:
    """The answers kept at the place, at any place above it (shared down the tree) and, for a grid, at
    its community."""
    found = StandardAnswer.objects.filter(Q(place_id__in=place.ancestor_ids) | Q(place=place))
    return found.filter(category=category) if category else found
