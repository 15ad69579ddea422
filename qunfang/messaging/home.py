"""What messaging puts on a person's home, on a place's page and in the menu (lib/work): a caller's
campaign calls left to make, and for those who send, the campaigns going out now."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Due, Link
from qunfang.messaging import selectors
from qunfang.messaging.models import Campaign, CampaignStatus, Channel, Message


def _has_calls(scope: Scope) -> bool:
    """Whether any campaign call was ever given to the user: most never had one, and then neither the
    work nor the menu need count them."""
    return scope.remember("messaging:has-calls", Message.objects.filter(caller=scope.user).exists)


def work_for(scope: Scope, today: date) -> list[Due]:
    calls = selectors.my_campaigns(scope.user).filter(left__gt=0)[:10] if _has_calls(scope) else []
    found = [
        Due(
            _("Campaign calls to make: %(campaign)s") % {"campaign": campaign.name},
            reverse("messaging:calls", args=[campaign.pk]),
            count=campaign.left,
        )
        for campaign in calls
    ]
    going = (
        Campaign.objects.visible_to(scope, Capability.SEND_CAMPAIGNS)
        .filter(status__in=[CampaignStatus.SENDING, CampaignStatus.SCHEDULED])
        .order_by("-pk")[:10]
    )
    found += [
        Due(
            _("Campaign %(status)s: %(campaign)s")
            % {"status": campaign.get_status_display(), "campaign": campaign.name},
            reverse("messaging:campaign", args=[campaign.pk]),
            count=campaign.recipients,
        )
        for campaign in going
    ]
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Capability.SEND_CAMPAIGNS, place):
        return []
    return [Link(_("Campaigns"), reverse("messaging:campaigns", args=[place.pk]))]


def menu(scope: Scope) -> list[Link]:
    if not _has_calls(scope):
        return []
    return [Link(_("My campaign calls"), reverse("messaging:my_campaigns"), personal=True)]


def audit_labels() -> dict[str, str]:
    """The audit log names a campaign's audience by its kind (core/audit_words)."""
    return {
        "not_reported": _("stations not yet reported"),
        **{code: str(label) for code, label in Channel.choices},
    }
