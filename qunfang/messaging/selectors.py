"""Reads of messaging, scope first."""

from django.db.models import Count, QuerySet

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.messaging.models import Campaign, Message, MessageState, Template


def templates(scope: Scope, place: OrgUnit) -> QuerySet[Template]:
    """The templates a campaign of the place may use: its own and those its bureaus above share down.
    The caller has checked that the user may send from the place."""
    if not scope.allows(Capability.SEND_CAMPAIGNS, place):
        return Template.objects.none()
    return Template.objects.filter(place_id__in=[*place.ancestor_ids, place.pk])


def campaigns(scope: Scope, place: OrgUnit) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(scope, Capability.SEND_CAMPAIGNS)
        .filter(place__path__startswith=place.path)
        .select_related("template", "place")
    )


def progress(campaign: Campaign) -> dict[str, int]:
    """How many of the campaign's messages are in each state (from the index on campaign and state)."""
    counts = dict(
        Message.objects.filter(campaign=campaign)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in MessageState.values}


def messages(campaign: Campaign, state: str = "") -> QuerySet[Message]:
    found = Message.objects.filter(campaign=campaign).select_related("veteran").order_by("pk")
    return found.filter(state=state) if state else found
