"""Reads of messaging, scope first."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope, get_for, under
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted
from qunfang.messaging.models import (
    AudienceKind,
    CallOutcome,
    Campaign,
    Channel,
    Message,
    MessageState,
    OutsideCampaign,
    Template,
)
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
        .under(place)
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
        User.objects.filter(under(place, via="memberships__place"), is_active=True)
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


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class MessageFigures:
    sms_to_veterans_sent: int = counted(
        _(
            "SMS to veterans that went out in the period: messages of the SMS campaigns started in it that "
            "the provider accepted (sent or delivered), and those recorded as sent through another "
            "platform on a day in it; by this place and the stations below."
        )
    )
    sms_to_veterans_delivered: int = counted(
        _("Of the SMS to veterans, those the provider reported delivered.")
    )
    sms_to_veterans_elsewhere: int = counted(
        _("Of the SMS to veterans, those sent through another platform (their receipts kept).")
    )
    sms_to_veterans_by_this_place: int = counted(_("Of the SMS to veterans, those this place itself sent."))
    calls_to_veterans_reached: int = counted(
        _("Phone calls of campaigns started in the period in which the veteran was reached.")
    )
    by_channel_and_audience: list = counted(
        _(
            "Every channel and audience apart: messages sent (or calls reached), delivered, and of them sent "
            "through another platform. Test messages (the console) are left out."
        ),
        default=[],
    )
    campaigns_started: int = counted(_("Campaigns started in the period here or below."))


def _audience_of_message():
    return Case(
        When(veteran__isnull=False, then=Value(AudienceKind.VETERANS)),
        When(volunteer__isnull=False, then=Value(AudienceKind.VOLUNTEERS)),
        default=Value(AudienceKind.STATIONS),
        output_field=CharField(),
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> MessageFigures:
    """What went out in the period, channel by channel and audience by audience, from the campaigns
    started in it (their messages' states) and the campaigns recorded as sent elsewhere."""
    found = MessageFigures()
    if not scope.allows(Capability.VIEW_ACTIVITIES, place):
        return found
    started = Campaign.objects.filter(under(place), started_at__date__range=(start, end)).exclude(
        template__channel=Channel.CONSOLE
    )
    found.campaigns_started = started.count()
    kept = (
        Message.objects.filter(campaign__in=started.values("pk"))
        .annotate(
            audience=_audience_of_message(),
            own=Case(
                When(campaign__place=place, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values("campaign__template__channel", "audience", "own")
        .annotate(
            sent=Count("pk", filter=Q(state__in=[MessageState.SENT, MessageState.DELIVERED])),
            delivered=Count("pk", filter=Q(state=MessageState.DELIVERED)),
            reached=Count("pk", filter=Q(outcome=CallOutcome.REACHED)),
        )
    )
    rows: dict[tuple[str, str], dict] = {}
    for row in kept:
        channel = row["campaign__template__channel"]
        key = (channel, row["audience"])
        sent = row["reached"] if channel == Channel.PHONE else row["sent"]
        line = rows.setdefault(key, {"channel": key[0], "audience": key[1], "sent": 0, "delivered": 0,
                                     "elsewhere": 0, "by_this_place": 0})  # fmt: skip
        line["sent"] += sent
        line["delivered"] += row["delivered"]
        line["by_this_place"] += sent if row["own"] else 0
    outside = (
        OutsideCampaign.objects.filter(under(place), day__range=(start, end))
        .annotate(
            own=Case(When(place=place, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .values("channel", "audience", "own")
        .annotate(sent=Sum("sent"))
    )
    for row in outside:
        key = (row["channel"], row["audience"])
        line = rows.setdefault(key, {"channel": key[0], "audience": key[1], "sent": 0, "delivered": 0,
                                     "elsewhere": 0, "by_this_place": 0})  # fmt: skip
        line["sent"] += row["sent"]
        line["elsewhere"] += row["sent"]
        line["by_this_place"] += row["sent"] if row["own"] else 0
    found.by_channel_and_audience = sorted(rows.values(), key=lambda r: (r["channel"], r["audience"]))
    sms = rows.get((Channel.SMS, AudienceKind.VETERANS), {})
    found.sms_to_veterans_sent = sms.get("sent", 0)
    found.sms_to_veterans_delivered = sms.get("delivered", 0)
    found.sms_to_veterans_elsewhere = sms.get("elsewhere", 0)
    found.sms_to_veterans_by_this_place = sms.get("by_this_place", 0)
    found.calls_to_veterans_reached = rows.get((Channel.PHONE, AudienceKind.VETERANS), {}).get("sent", 0)
    return found


def outside_campaigns(scope: Scope, place: OrgUnit) -> QuerySet[OutsideCampaign]:
    return (
        OutsideCampaign.objects.visible_to(scope, Capability.SEND_CAMPAIGNS)
        .under(place)
        .select_related("place")
    )
