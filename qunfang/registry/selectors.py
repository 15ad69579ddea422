"""Reads of the veterans roll, scope first."""

import itertools
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from qunfang.core.access import Scope, under
from qunfang.core.models import Level, OrgUnit
from qunfang.core.personal import ID_NUMBER, PHONE, index_of
from qunfang.core.roles import Capability
from qunfang.registry import roll
from qunfang.registry.models import FamilyMember, Move, RollExport, RollImport, Tag, Veteran


def find_index(text: str) -> tuple[str, str] | None:
    """If the search text is an ID number or a mobile, the (field, blind index) to look it up by."""
    for field, kind in (("id_number_index", ID_NUMBER), ("phone_index", PHONE)):
        index = index_of(kind, text)
        if index:
            return field, index
    return None


def veterans(
    scope: Scope,
    *,
    search: str = "",
    status: str = "",
    category: str = "",
    place: OrgUnit | None = None,
    tag: Tag | None = None,
    tag_name: str = "",
) -> QuerySet[Veteran]:
    """Veterans the user may see. A search that is an ID number or a mobile is an exact lookup through
    the blind index; anything else matches names. `place` narrows to its subtree."""
    # The same scope again as the list of its places: the database then counts and searches a district
    # from the veterans' own place index instead of reading the whole roll to join each row's place.
    places = OrgUnit.objects.visible_to(scope, Capability.VIEW_VETERANS)
    found = (
        Veteran.objects.visible_to(scope, Capability.VIEW_VETERANS)
        .filter(place__in=places)
        .select_related("place")
    )
    if search:
        lookup = find_index(search)
        if lookup:
            # One person, or the few who share a phone: left unsorted, since sorting them would cost a
            # quarter of the lookup's time (Django building the ORDER BY), for nothing.
            found = found.filter(**{lookup[0]: lookup[1]}).order_by()
        else:
            found = found.filter(name__icontains=search)
    if status:
        found = found.filter(status=status)
    if category:
        found = found.filter(category=category)
    if place is not None:
        found = found.under(place).filter(place__in=OrgUnit.objects.under(place))
    if tag is not None:
        found = found.filter(tags=tag)
    if tag_name:
        found = found.filter(
            pk__in=Veteran.tags.through.objects.filter(tag__name=tag_name).values("veteran_id")
        )
    return found


def veterans_for_filters(scope: Scope, filters: dict) -> QuerySet[Veteran]:
    """The veterans a list's filters find, the filters as kept (the API's names: q, status, category,
    place_id, tag; the page's tag_id): a place or tag outside the user's places finds nobody."""
    place = None
    if filters.get("place_id"):
        place = (
            OrgUnit.objects.visible_to(scope, Capability.VIEW_VETERANS).filter(pk=filters["place_id"]).first()
        )
        if place is None:
            return Veteran.objects.none()
    tag = None
    if filters.get("tag_id"):  # the page's filter: one place's tag
        tag = visible_tags(scope).filter(pk=filters["tag_id"]).first()
        if tag is None:
            return Veteran.objects.none()
    return veterans(
        scope,
        search=str(filters.get("q", "")).strip(),
        status=filters.get("status") or "",
        category=filters.get("category") or "",
        place=place,
        tag=tag,
        tag_name=str(filters.get("tag", "")).strip(),
    )


def visible_tags(scope: Scope) -> QuerySet[Tag]:
    """The tags of the user's places, of the places above them and of those below: the tags a user may
    meet on the veterans they see, and nobody else's."""
    paths = scope.paths(Capability.VIEW_VETERANS)
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    below = Q()
    for path in paths:
        below |= under(path)
    if not paths:
        return Tag.objects.none()
    return Tag.objects.filter(Q(place_id__in=above) | below).select_related("place")


def filter_places(scope: Scope) -> QuerySet[OrgUnit]:
    """The places offered in the roll's place filter: towns and above, and villages while they are few
    enough for one list (a province's thousands are reached from the place pages instead)."""
    visible = OrgUnit.objects.visible_to(scope, Capability.VIEW_VETERANS).order_by("path")
    upper = visible.exclude(level__in=[Level.VILLAGE, Level.GRID])
    with_villages = visible.exclude(level=Level.GRID)
    return with_villages if with_villages.count() <= 400 else upper


def family_of(veteran: Veteran) -> QuerySet[FamilyMember]:
    return veteran.family.all()


def moves_of(veteran: Veteran) -> QuerySet[Move]:
    return veteran.moves.select_related("from_place", "to_place", "moved_by")


EXPORT_CHUNK = 2000


def export_rows(scope: Scope, found: QuerySet[Veteran], *, reveal: bool) -> Iterator[list[Any]]:
    """Rows of the export, read a few thousand at a time (a province's millions never all at once):
    the veterans as values, their places and tags looked up once per chunk. Full values only at
    places where the user may reveal them."""
    reveal_paths = tuple(scope.paths(Capability.REVEAL_PERSONAL_DATA)) if reveal else ()
    rows = (
        found.select_related(None)
        .prefetch_related(None)
        .order_by("place__path", "name", "pk")
        .values_list(*roll.EXPORT_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    writer = roll.ExportRows()
    places: dict[int, tuple[tuple[str, str], bool]] = {}  # id -> (town and village, revealed there)
    while chunk := list(itertools.islice(rows, EXPORT_CHUNK)):
        missing = {values[1] for values in chunk} - places.keys()
        for place in OrgUnit.objects.filter(pk__in=missing).select_related("parent"):
            places[place.pk] = (
                roll.town_and_village(place),
                bool(reveal_paths) and place.path.startswith(reveal_paths),
            )
        tags: dict[int, list[str]] = {}
        through = Veteran.tags.through.objects.filter(veteran_id__in=[values[0] for values in chunk])
        for veteran_id, name in through.order_by("tag__name", "tag__place__path").values_list(
            "veteran_id", "tag__name"
        ):
            tags.setdefault(veteran_id, []).append(name)
        for values in chunk:
            place, revealed = places[values[1]]
            yield writer.row(values, place, tags.get(values[0], []), reveal=revealed)


def top_place(scope: Scope) -> OrgUnit | None:
    """The top-most of the user's places where they see veterans: where an export of all of them is."""
    paths = scope.paths(Capability.VIEW_VETERANS)
    return (
        OrgUnit.objects.visible_to(scope, Capability.VIEW_VETERANS).filter(path=paths[0]).first()
        if paths
        else None
    )


def exports_of(scope: Scope, job_id: int) -> RollExport | None:
    """The user's own export: a file of personal data is for the person who asked for it alone."""
    return (
        RollExport.objects.visible_to(scope, Capability.VIEW_VETERANS)
        .select_related("place")
        .filter(pk=job_id, created_by=scope.user)
        .first()
    )


def imports_at(scope: Scope, place: OrgUnit) -> QuerySet[RollImport]:
    return RollImport.objects.visible_to(scope, Capability.MANAGE_VETERANS).filter(place=place)[:10]
