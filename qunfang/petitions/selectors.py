"""Reads of petitions, scope first: a place's petitions by state with the late ones first, a petition
with its history, what is late for a place's work list (the town sees its stations' late steps, the
district those late by its days more), the month's screenings and the stations yet to sign; and the
figures of a place and period from the kept totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope
from qunfang.core.models import Level, OrgUnit
from qunfang.lib.figures import counted
from qunfang.petitions.capabilities import HANDLE_PETITIONS, VIEW_PETITIONS
from qunfang.petitions.models import WAITING_STATES, Petition, PetitionTotal, Screening, State
from qunfang.petitions.services import deadlines_for, month_of

LEVELS_ABOVE_TOWN = (Level.PROVINCE, Level.CITY, Level.DISTRICT)
STATION_LEVELS = (Level.TOWN, Level.VILLAGE)


def petitions(scope: Scope, place: OrgUnit, *, state: str = "", today: date) -> QuerySet[Petition]:
    """The petitions of the place and below: those with a step due first, the late ones (earliest
    deadline) at the top; then the done ones, latest first."""
    found = (
        Petition.objects.visible_to(scope, VIEW_PETITIONS)
        .under(place)
        .select_related("place", "owner")
        .prefetch_related("veterans")
        .annotate(
            done=Case(When(step_due=None, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("done", "step_due", "-found_on", "-pk")
    )
    if state == "late":
        return found.filter(step_due__lt=today)
    return found.filter(state=state) if state in State.values else found


def counts_by_state(scope: Scope, place: OrgUnit, today: date) -> dict[str, int]:
    """How many of the place's petitions are in each state now, and how many are late."""
    rows = Petition.objects.visible_to(scope, VIEW_PETITIONS).under(place)
    found = {state: 0 for state in State.values}
    for row in rows.values("state").annotate(n=Count("pk")).order_by():
        found[row["state"]] = row["n"]
    found["late"] = rows.filter(step_due__lt=today).count()
    return found


def late_for(place: OrgUnit, today: date) -> QuerySet[Petition]:
    """The late petitions a place's work list shows: a station's own (and a town's, its villages'),
    and for a district or above only those late by its `escalate_after_days` more (the caller has
    checked the place is the reader's)."""
    found = Petition.objects.under(place).filter(state__in=WAITING_STATES, step_due__lt=today)
    if place.level in LEVELS_ABOVE_TOWN:
        found = found.filter(step_due__lt=today - timedelta(days=deadlines_for(place)["escalate_after_days"]))
    return found


def due_soon(place: OrgUnit, today: date, days: int = 7) -> QuerySet[Petition]:
    """The place's own petitions whose step falls due within the days coming, not yet late."""
    return Petition.objects.filter(
        place=place, state__in=WAITING_STATES, step_due__range=(today, today + timedelta(days=days))
    )


def of_veteran(scope: Scope, veteran) -> QuerySet[Petition]:
    return (
        Petition.objects.visible_to(scope, VIEW_PETITIONS)
        .filter(veterans=veteran)
        .select_related("place")
        .order_by("-found_on", "-pk")
    )


# --- screenings ------------------------------------------------------------------------------------------


def stations_under(place: OrgUnit) -> QuerySet[OrgUnit]:
    """The stations a screening is asked of: towns' and villages' stations, the place's own included."""
    return (
        OrgUnit.objects.filter(Q(path__startswith=place.path), level__in=STATION_LEVELS)
        .exclude(station_kind="")
        .order_by("path")
    )


def screenings(scope: Scope, place: OrgUnit, month: date) -> QuerySet[Screening]:
    return (
        Screening.objects.visible_to(scope, VIEW_PETITIONS)
        .under(place)
        .filter(month=month_of(month))
        .select_related("place", "signed_by", "countersigned_by", "countersigned_as")
        .order_by("place__path")
    )


def not_signed(place: OrgUnit, month: date) -> QuerySet[OrgUnit]:
    """The stations at or under the place without a screening signed for the month."""
    signed = Screening.objects.under(place).filter(month=month_of(month)).values("place_id")
    return stations_under(place).exclude(pk__in=signed)


def to_countersign(place: OrgUnit, month: date) -> QuerySet[Screening]:
    """The month's screenings of stations strictly below the place that wait for a countersignature."""
    return (
        Screening.objects.under(place)
        .exclude(place=place)
        .filter(month=month_of(month), countersigned_at=None)
        .select_related("place", "signed_by")
        .order_by("place__path")
    )


# --- the figures of a place and period ------------------------------------------------------------------


@dataclass
class PetitionFigures:
    found_in_period: int = counted(
        _("Petitions found in the period here or below (withdrawn ones left out).")
    )
    resolved_in_period: int = counted(_("Petitions resolved in the period here or below."))
    resolved_on_time_in_period: int = counted(
        _("Of those resolved in the period, the ones resolved by their deadline.")
    )
    revisited_in_period: int = counted(_("Petitions whose petitioners were visited again in the period."))
    open_at_end: int = counted(
        _("Petitions found by the period's end and not resolved by then, here or below."), running=True
    )


def _sums(place: OrgUnit, start: date, end: date) -> dict:
    return PetitionTotal.objects.filter(place=place, day__range=(start, end)).aggregate(
        found=Sum("found"),
        resolved=Sum("resolved"),
        on_time=Sum("resolved_on_time"),
        revisited=Sum("revisited"),
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> PetitionFigures:
    """The place's petitions in the period, from the kept daily totals: two indexed reads."""
    if not scope.allows(VIEW_PETITIONS, place):
        return PetitionFigures()
    period, ever = _sums(place, start, end), _sums(place, date.min, end)
    return PetitionFigures(
        found_in_period=period["found"] or 0,
        resolved_in_period=period["resolved"] or 0,
        resolved_on_time_in_period=period["on_time"] or 0,
        revisited_in_period=period["revisited"] or 0,
        open_at_end=(ever["found"] or 0) - (ever["resolved"] or 0),
    )


def screenings_signed(place: OrgUnit, month: date) -> bool:
    """Whether the place's own screening of the month is signed."""
    return Screening.objects.filter(place=place, month=month_of(month)).exists()


def possible_owners(place: OrgUnit) -> QuerySet:
    """Who may own a petition of the place: the active users who handle petitions there or above."""
    from qunfang.core.models import Membership, User
    from qunfang.core.roles import Role, role_capabilities

    roles = [role for role in Role.values if HANDLE_PETITIONS in role_capabilities(role)]
    members = Membership.objects.filter(place_id__in=[*place.ancestor_ids, place.pk], role__in=roles)
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by("username")
