"""Reads of the community register, scope first: a grid worker's reads stop at her grid."""

from django.db.models import Count, Q, QuerySet

from qunfang.community.models import Building, Household, Resident, ResidentStatus
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability


def buildings(scope: Scope, place: OrgUnit) -> QuerySet[Building]:
    """The buildings of the place (a community or a grid) the user may see, with their households and
    residents counted."""
    return (
        Building.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .filter(place__path__startswith=place.path)
        .select_related("place")
        .annotate(
            household_count=Count("households", distinct=True),
            resident_count=Count("households__residents", distinct=True),
        )
        .order_by("place__path", "number")
    )


def summary(scope: Scope, place: OrgUnit) -> dict[str, int]:
    """How many buildings, households and residents, and residents in each status."""
    residents = Resident.objects.visible_to(scope, Capability.VIEW_COMMUNITY).filter(
        place__path__startswith=place.path
    )
    counts = residents.aggregate(
        residents=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in ResidentStatus.values},
    )
    households = Household.objects.visible_to(scope, Capability.VIEW_COMMUNITY).filter(
        place__path__startswith=place.path
    )
    return {
        "buildings": buildings(scope, place).count(),
        "households": households.count(),
        **counts,
    }


def households(scope: Scope, building: Building) -> QuerySet[Household]:
    return (
        Household.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .filter(building=building)
        .annotate(resident_count=Count("residents"))
        .order_by("unit", "room")
    )


def residents(scope: Scope, place: OrgUnit, status: str = "") -> QuerySet[Resident]:
    found = (
        Resident.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .filter(place__path__startswith=place.path)
        .select_related("household__building")
        .order_by("household__building__number", "household__unit", "household__room", "pk")
    )
    return found.filter(status=status) if status else found
