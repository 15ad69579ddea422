"""Reads of honour plaques, scope first: the households of a place with their plaque, those still to
receive one (veterans on the roll without a plaque), a veteran's plaque history; and the figures of a
place and period, from the kept totals (and, for those still to receive one, a count of now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted
from qunfang.plaques.models import Plaque, PlaqueTotal
from qunfang.registry.models import Status, Veteran

VIEW, RECORD = Capability.VIEW_VETERANS, Capability.MANAGE_VETERANS


def hung(scope: Scope, place: OrgUnit) -> QuerySet[Plaque]:
    """The plaques hanging now at the households of the place and below (each household's latest
    line), latest first."""
    later = Plaque.objects.filter(veteran=OuterRef("veteran"), cancelled="", pk__gt=OuterRef("pk"))
    return (
        Plaque.objects.visible_to(scope, VIEW)
        .under(place)
        .filter(cancelled="")
        .exclude(Exists(later))
        .select_related("veteran", "place")
        .annotate(family_count=Count("veteran__family", distinct=True))
        .order_by("-day", "-pk")
    )


def without_plaque(place: OrgUnit) -> QuerySet[Veteran]:
    """The veterans on the roll at the place and below whose household has no plaque (the caller
    has checked the place is the reader's)."""
    has = Plaque.objects.filter(veteran=OuterRef("pk"), cancelled="")
    return Veteran.objects.under(place).filter(status=Status.ACTIVE).exclude(Exists(has))


def to_hang(scope: Scope, place: OrgUnit) -> QuerySet[Veteran]:
    return (
        without_plaque(place)
        .filter(pk__in=Veteran.objects.visible_to(scope, VIEW).values("pk"))
        .select_related("place")
        .annotate(family_count=Count("family"))
        .order_by("place__path", "name", "pk")
    )


def history(scope: Scope, veteran: Veteran) -> QuerySet[Plaque]:
    return (
        Plaque.objects.visible_to(scope, VIEW)
        .filter(veteran=veteran)
        .select_related("by")
        .order_by("-day", "-pk")
    )


# --- the figures of a place and period ------------------------------------------------------------------


@dataclass
class PlaqueFigures:
    hung_in_period: int = counted(_("First plaques hung in the period at households here or below."))
    replaced_in_period: int = counted(_("Plaques replaced in the period (moved, damaged, lost)."))
    households_with_plaque: int = counted(
        _("Households here or below given their first plaque by the period's end (cancelled left out)."),
        running=True,
    )
    still_to_hang: int = counted(
        _("Veterans on the roll here or below now whose household has no plaque yet."), running=True
    )


def _sums(place: OrgUnit, start: date, end: date) -> dict:
    return PlaqueTotal.objects.filter(place=place, day__range=(start, end)).aggregate(
        first=Sum("first"), replaced=Sum("replaced")
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> PlaqueFigures:
    """The place's plaques in the period from the kept daily totals; those still to hang counted now."""
    if not scope.allows(VIEW, place):
        return PlaqueFigures()
    period, ever = _sums(place, start, end), _sums(place, date.min, end)
    return PlaqueFigures(
        hung_in_period=period["first"] or 0,
        replaced_in_period=period["replaced"] or 0,
        households_with_plaque=ever["first"] or 0,
        still_to_hang=without_plaque(place).count(),
    )
