"""Reads of messaging, scope first."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qunfang.core.access import Scope, get_for
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.messaging.models import CallOutcome, Campaign, Message, MessageState, Template
from qunfang.messaging.services import RECIPIENT_RELATIONS


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


def campaign_for(scope: Scope, campaign_id: int) -> Campaign:
    """The campaign, if the user may send from its place (404 otherwise): pages and API alike."""
    return get_for(
        scope, Campaign.objects.select_related("template", "place"), Capability.SEND_CAMPAIGNS, pk=campaign_id
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


def messages(campaign: Campaign, state: str = "", search: str = "") -> QuerySet[Message]:
    """The campaign's messages, of one state and to a recipient whose name holds `search` if given."""
    found = Message.objects.filter(campaign=campaign).select_related(*RECIPIENT_RELATIONS, "caller")
    if state:
        found = found.filter(state=state)
    if search:
        found = found.filter(
            Q(veteran__name__contains=search)
            | Q(volunteer__name__contains=search)
            | Q(station__name__contains=search)
        )
    return found.order_by("pk")


def masked_phone(message: Message) -> str:
    """The recipient's number as anyone may see it: a person's masked, a station's as it is (public)."""
    if message.station_id:
        return message.station.phone
    person = message.veteran or message.volunteer
    return str(person.phone or "")


def possible_callers(place: OrgUnit) -> QuerySet[User]:
    """Who may make a phone campaign's calls: active staff and grid workers of the place or below."""
    return (
        User.objects.filter(is_active=True, memberships__place__path__startswith=place.path)
        .distinct()
        .order_by("username")
    )


def calls_by_caller(campaign: Campaign) -> list[dict]:
    """Each caller's progress: their calls, how many have each outcome, how many are left to make."""
    counted = (
        Message.objects.filter(campaign=campaign, caller__isnull=False)
        .values("caller", "caller__username", "caller__full_name")
        .annotate(
            calls=Count("pk"),
            left=Count("pk", filter=Q(state=MessageState.QUEUED)),
            **{outcome: Count("pk", filter=Q(outcome=outcome)) for outcome in CallOutcome.values},
        )
        .order_by("caller__username")
    )
    return [{**row, "name": row["caller__full_name"] or row["caller__username"]} for row in counted]


def my_calls(user: User, campaign_id: int, state: str = "") -> tuple[Campaign, QuerySet[Message]]:
    """A caller's share of a phone campaign: only the calls given to them (404 if none)."""
    mine = Message.objects.filter(campaign_id=campaign_id, caller=user).select_related(*RECIPIENT_RELATIONS)
    first = mine.select_related("campaign__template", "campaign__place").first()
    if first is None:
        raise Http404
    return first.campaign, (mine.filter(state=state) if state else mine).order_by("pk")


def my_campaigns(user: User) -> QuerySet[Campaign]:
    """The campaigns with calls given to the user, each with its calls and how many are left."""
    return (
        Campaign.objects.filter(messages__caller=user)
        .annotate(
            calls=Count("messages", filter=Q(messages__caller=user)),
            left=Count("messages", filter=Q(messages__caller=user, messages__state=MessageState.QUEUED)),
        )
        .select_related("place")
        .order_by("-created_at")
    )
