"""Reads of needs, scope first where a user asks: a place's needs with their lines (requested, promised,
delivered, still missing read from the line itself), one need with its commitments and deliveries, the
public lists (open needs only, no donor but those who agreed to be named), and the figures from the
kept totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope, under
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted
from qunfang.needs.models import Commitment, Fulfilment, Need, NeedLine, NeedStatus, NeedTotal
from qunfang.needs.services import STATE_DAY

VIEW, RECORD = Capability.VIEW_DONATIONS, Capability.RECORD_DONATIONS  # needs are the donations' work

LINES = Prefetch("lines", queryset=NeedLine.objects.select_related("item").order_by("pk"))


def needs(scope: Scope, place: OrgUnit, *, status: str = "") -> QuerySet[Need]:
    """The needs of the place and below, open ones first."""
    found = Need.objects.visible_to(scope, VIEW).under(place).select_related("place").prefetch_related(LINES)
    if status:
        found = found.filter(status=status)
    return found.order_by("status", "by_date", "-posted_on", "-pk")  # "closed" < "met" < "open": see below


def need_list(scope: Scope, place: OrgUnit, status: str = "") -> list[Need]:
    """The place's needs for its page: open first (by the day they are needed by), then met and closed."""
    order = {NeedStatus.OPEN: 0, NeedStatus.MET: 1, NeedStatus.CLOSED: 2}
    found = list(needs(scope, place, status=status)[:200])
    return sorted(found, key=lambda n: (order[n.status], n.by_date or date.max, -n.pk))


def commitments(need: Need) -> QuerySet[Commitment]:
    return Commitment.objects.filter(line__need=need).select_related("line__item", "drive").order_by("pk")


def fulfilments(need: Need) -> QuerySet[Fulfilment]:
    return (
        Fulfilment.objects.filter(line__need=need)
        .select_related("line__item", "commitment", "delivery__place")
        .order_by("day", "pk")
    )


def share_key(kind: str, pk: int) -> str:
    """The key of a public page ("place" or "need"), signed: the public addresses are the links a place
    gives out, not ids anyone could count through to read every place's needs."""
    return signing.Signer(salt=f"qunfang.needs.public.{kind}").sign(str(pk)).replace(":", "-")


def shared_id(kind: str, key: str) -> int | None:
    """The id a public key names, or None for a key not signed by us."""
    try:
        return int(signing.Signer(salt=f"qunfang.needs.public.{kind}").unsign(key.replace("-", ":", 1)))
    except (signing.BadSignature, ValueError):
        return None


def public_needs(place: OrgUnit) -> list[Need]:
    """The open needs of the place and below, for anyone: two queries (the needs, their lines)."""
    return list(
        Need.objects.filter(under(place), status=NeedStatus.OPEN)
        .select_related("place")
        .prefetch_related(LINES)
        .order_by("by_date", "-posted_on", "-pk")[:100]
    )


def public_need(need_id: int | None) -> Need | None:
    """An open or met need for anyone (a closed one is the place's business); None if there is none."""
    return (
        Need.objects.filter(pk=need_id, status__in=[NeedStatus.OPEN, NeedStatus.MET])
        .select_related("place")
        .prefetch_related(
            LINES,
            Prefetch(
                "lines__commitments",
                queryset=Commitment.objects.filter(named_publicly=True, withdrawn_on=None).order_by("pk"),
                to_attr="named",
            ),
        )
        .first()
    )


def overdue(place: OrgUnit, today: date) -> int:
    """The place's own open needs past the day they were needed by."""
    return Need.objects.filter(place=place, status=NeedStatus.OPEN, by_date__lt=today).count()


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class NeedFigures:
    open_needs: int = counted(
        _("Needs of this place and below still open now (not met, not closed)."), running=True
    )
    missing_lines: int = counted(
        _("Lines of those open needs of which less has arrived than was asked."), running=True
    )
    delivered_in_period: int = counted(
        _("Quantity that arrived for the needs in the period, each line in its own unit, added up.")
    )
    arrivals_in_period: int = counted(_("Deliveries of a need's line that arrived in the period."))


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> NeedFigures:
    """The place's figures from the kept totals: the standing row and the period's days."""
    if not scope.allows(VIEW, place):
        return NeedFigures()
    rows = NeedTotal.objects.filter(place=place)
    standing = rows.filter(day=STATE_DAY).first()
    period = rows.filter(day__range=(start, end)).aggregate(
        delivered=Sum("delivered"), arrivals=Sum("arrivals")
    )
    return NeedFigures(
        open_needs=standing.open_needs if standing else 0,
        missing_lines=standing.missing_lines if standing else 0,
        delivered_in_period=period["delivered"] or 0,
        arrivals_in_period=period["arrivals"] or 0,
    )
