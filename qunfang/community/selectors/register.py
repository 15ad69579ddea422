"""Reads of the community register, scope first: a grid worker's reads stop at her grid."""

from django.db.models import Count, Q, QuerySet

from qunfang.community.models import Building, Household, Resident, ResidentStatus
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.personal import ID_NUMBER, PHONE, index_of
from qunfang.core.roles import Capability


def buildings(scope: Scope, place: OrgUnit) -> QuerySet[Building]:
    """The buildings of the place (a community or a grid) the user may see, with their households and
    residents counted."""
    return (
        Building.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .select_related("place")
        .annotate(
            household_count=Count("households", distinct=True),
            resident_count=Count("households__residents", distinct=True),
        )
        .order_by("place__path", "number")
    )


def summary(scope: Scope, place: OrgUnit) -> dict[str, int]:
    """How many buildings, households and residents, and residents in each status."""
    residents = Resident.objects.visible_to(scope, Capability.VIEW_COMMUNITY).under(place)
    counts = residents.aggregate(
        residents=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in ResidentStatus.values},
    )
    households = Household.objects.visible_to(scope, Capability.VIEW_COMMUNITY).under(place)
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


def residents(scope: Scope, place: OrgUnit, status: str = "", search: str = "") -> QuerySet[Resident]:
    """The residents under the place; `search`: a full ID number or mobile (found by its keyed hash,
    the resident's or the household's phone), else part of a name or of a building's number."""
    found = (
        Resident.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .select_related("household__building")
        .order_by("household__building__number", "household__unit", "household__room", "pk")
    )
    if status:
        found = found.filter(status=status)
    search = search.strip()[:50]
    if not search:
        return found
    id_index, phone_index = index_of(ID_NUMBER, search), index_of(PHONE, search)
    if id_index:
        return found.filter(id_number_index=id_index)
    if phone_index:
        return found.filter(Q(phone_index=phone_index) | Q(household__phone_index=phone_index))
    return found.filter(Q(name__icontains=search) | Q(household__building__number__icontains=search))


def _shown(value, full: bool) -> str:
    return (value.reveal() if full else str(value)) if value else ""


def export_rows(scope: Scope, place: OrgUnit, *, reveal: bool):
    """The register in the import's columns (so an export imports again), one row a resident. Full ID
    numbers and phones only where the user may reveal them, masks elsewhere."""
    reveal_paths = tuple(scope.paths(Capability.REVEAL_PERSONAL_DATA)) if reveal else ()
    found = residents(scope, place).select_related("household__building__place", "place")
    for r in found.iterator(chunk_size=2000):
        full = bool(reveal_paths) and r.place.path.startswith(reveal_paths)
        household, building = r.household, r.household.building
        grid = building.place.name if building.place.level == "grid" else ""
        special = r.status != ResidentStatus.NORMAL
        yield [
            building.number, household.unit, household.room, _shown(household.phone, full), r.name,
            _shown(r.id_number, full), _shown(r.phone, full), r.get_status_display() if special else "",
            str(r.status_since or "") if special else "", grid, r.travel,
        ]  # fmt: skip
