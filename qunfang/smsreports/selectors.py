"""Reads of reports by SMS, scope first: a place's registered phones, the keywords its stations write,
the inbound messages of the place and below with a count of each outcome."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.smsreports.capabilities import VIEW_INBOUND
from qunfang.smsreports.models import InboundMessage, Outcome, RegisteredPhone

MOST_SHOWN = 200


def phones(scope: Scope, place: OrgUnit, *, active_only: bool = True) -> QuerySet[RegisteredPhone]:
    """The phones registered at the place and below, in use first."""
    found = RegisteredPhone.objects.visible_to(scope, VIEW_INBOUND).under(place).select_related("place")
    return found.filter(active=True) if active_only else found


def inbound(scope: Scope, place: OrgUnit, *, outcome: str = "") -> QuerySet[InboundMessage]:
    """The messages kept at the place and below, newest first."""
    found = InboundMessage.objects.visible_to(scope, VIEW_INBOUND).under(place).select_related("place")
    return found.filter(outcome=outcome) if outcome else found


def outcome_counts(scope: Scope, place: OrgUnit) -> dict[str, int]:
    """How many inbound messages of the place and below came to each outcome (one grouped count)."""
    rows = inbound(scope, place).order_by().values("outcome").annotate(n=Count("pk"))
    counted = {row["outcome"]: row["n"] for row in rows}
    return {outcome: counted.get(outcome, 0) for outcome in Outcome.values}
