"""Reads of phone screening, scope first: rounds, progress per grid and per caller, a caller's calls."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qunfang.community.models import AT_RISK, ScreeningCall, ScreeningOutcome, ScreeningRound
from qunfang.core.access import Scope, under
from qunfang.core.models import Membership, OrgUnit, User
from qunfang.core.roles import Capability

_COUNTS = {
    "calls": Count("pk"),
    "waiting": Count("pk", filter=Q(outcome="")),
    "reached": Count("pk", filter=Q(outcome=ScreeningOutcome.REACHED)),
    "at_risk": Count("pk", filter=Q(outcome__in=AT_RISK)),
    "no_answer": Count("pk", filter=Q(outcome=ScreeningOutcome.NO_ANSWER)),
    "no_phone": Count("pk", filter=Q(outcome=ScreeningOutcome.NO_PHONE)),
}


def visible_rounds(scope: Scope) -> QuerySet[ScreeningRound]:
    """Rounds of the communities the user sees, and rounds with calls in her grid (a grid worker's)."""
    calls = ScreeningCall.objects.visible_to(scope, Capability.VIEW_COMMUNITY).values("round_id")
    kept = ScreeningRound.objects.visible_to(scope, Capability.VIEW_COMMUNITY).values("pk")
    return ScreeningRound.objects.filter(Q(pk__in=kept) | Q(pk__in=calls)).select_related("community")


def round_for(scope: Scope, round_id: int) -> ScreeningRound:
    """A round the user sees (404 otherwise): her community's, or one with calls in her grid. A grid
    worker sees the round's figures for her grid only: every figure is read through the calls' scope."""
    try:
        found = visible_rounds(scope).filter(pk=round_id).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise Http404
    return found


def rounds(scope: Scope, place: OrgUnit) -> QuerySet[ScreeningRound]:
    community = place.parent if place.level == "grid" else place
    return visible_rounds(scope).filter(under(community, via="community"))


def visible_calls(scope: Scope, round_: ScreeningRound) -> QuerySet[ScreeningCall]:
    return ScreeningCall.objects.visible_to(scope, Capability.VIEW_COMMUNITY).filter(round=round_)


def progress_by_grid(scope: Scope, round_: ScreeningRound) -> list[dict]:
    return list(
        visible_calls(scope, round_)
        .values("place_id", "place__name")
        .annotate(**_COUNTS)
        .order_by("place__sort_name")
    )


def progress_by_caller(scope: Scope, round_: ScreeningRound) -> list[dict]:
    rows = (
        visible_calls(scope, round_)
        .values("caller_id", "caller__username", "caller__full_name")
        .annotate(**_COUNTS)
        .order_by("caller__username")
    )
    return [{**row, "name": row["caller__full_name"] or row["caller__username"] or "—"} for row in rows]


def totals(scope: Scope, round_: ScreeningRound) -> dict:
    counted = visible_calls(scope, round_).aggregate(households=Count("household", distinct=True), **_COUNTS)
    return counted


def calls_to_make(scope: Scope, round_: ScreeningRound, show: str = "") -> QuerySet[ScreeningCall]:
    """The round's calls the user sees, in the order a caller works through them."""
    return filter_calls(visible_calls(scope, round_), show)


SHOWS = ("waiting", "done", "at_risk", "all")


def filter_calls(calls: QuerySet[ScreeningCall], show: str) -> QuerySet[ScreeningCall]:
    """waiting: due today or before and not made (households without a phone wait for a visit);
    done: with an outcome; at_risk: symptoms, travel or a need; anything else: all."""
    calls = calls.select_related("household__building", "place").order_by(
        "day", "household__building__number", "household__unit", "household__room"
    )
    if show == "waiting":
        return calls.filter(
            Q(outcome="") | Q(outcome=ScreeningOutcome.NO_PHONE), day__lte=timezone.localdate()
        )
    if show == "done":
        return calls.exclude(outcome="").exclude(outcome=ScreeningOutcome.NO_PHONE)
    if show == "at_risk":
        return calls.filter(outcome__in=AT_RISK)
    return calls


def possible_callers(community: OrgUnit, roles: list[str] | None = None) -> QuerySet[User]:
    """Staff of the community and its grids, and of the places above it who may keep its register
    (the bureau's staff sent down to help); `roles` to widen or narrow who counts."""
    places = [*community.ancestor_ids, community.pk]
    members = Membership.objects.filter(
        under(community) | Q(place_id__in=places),
        role__in=roles or CALLER_ROLES,
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by("username")


CALLER_ROLES = ["bureau_admin", "station_staff", "grid_worker", "volunteer"]
GUARD_ROLES = [*CALLER_ROLES, "checkpoint_guard"]
