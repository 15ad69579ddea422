"""Every write of maps: a file's shapes or positions matched to the places under the importing place
(the plan: what a dry run shows, written by nothing), then imported all or nothing; one place's shape or
one station's position set by hand. Each in one transaction with its audit entry."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import Level, OrgUnit
from qunfang.core.writes import service, writes_nothing
from qunfang.maps import geometry as geo
from qunfang.maps.geometry import Feature
from qunfang.maps.models import PlaceShape, StationPosition

MOST_LISTED = 300  # a dry run lists this many of each kind of mismatch, and counts the rest


@dataclass
class Plan:
    """What an import would do: the places matched (place, geometry), the places under the importing
    place still without one, the features naming no place of ours, and the features that are wrong."""

    matched: list[tuple[OrgUnit, dict]] = field(default_factory=list)
    without: list[OrgUnit] = field(default_factory=list)
    without_count: int = 0
    unmatched: list[str] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)

    @property
    def may_import(self) -> bool:
        return bool(self.matched) and not self.bad

    def as_json(self) -> dict:
        return {
            "matched": [{"place_id": p.pk, "code": p.code or "", "name": p.name} for p, _g in self.matched],
            "places_without": [
                {"place_id": p.pk, "code": p.code or "", "name": p.name} for p in self.without
            ],
            "places_without_count": self.without_count,
            "features_without_place": self.unmatched,
            "bad_features": [{"feature": label, "problem": problem} for label, problem in self.bad],
            "may_import": self.may_import,
        }


@writes_nothing
def plan(*, place: OrgUnit, features: list[Feature], positions: bool = False) -> Plan:
    """Match each feature to a place under `place` (itself included) by its `code` property (the
    division code), else its `name` among the places under `place`; a place of another district is no
    match. For positions, a matched place must be a station."""
    found = Plan()
    below = OrgUnit.objects.under(place).exclude(level=Level.GRID)
    codes = {f.code for f in features if f.code}
    names = {f.name for f in features if f.name and not f.code}
    # A division code may come short (DataV's adcode has 6 digits for a district, 9 for a town).
    padded = {c: c.ljust(12, "0") if c.isdigit() else c for c in codes}
    kept = {p.code: p for p in below.filter(code__in={*codes, *padded.values()})} if codes else {}
    by_code = {c: kept.get(c) or kept.get(padded[c]) for c in codes}
    named = list(below.filter(name__in=names)) if names else []
    by_name = {p.name: p for p in named}
    twice = {name for name, n in Counter(p.name for p in named).items() if n > 1}
    taken: dict[int, str] = {}
    for feature in features:
        if feature.problem:
            found.bad.append((feature.label, feature.problem))
            continue
        if feature.code:
            match = by_code.get(feature.code)
        elif feature.name in twice:
            found.bad.append(
                (feature.label, _("several places under this place have this name: give its code"))
            )
            continue
        else:
            match = by_name.get(feature.name)
        if match is None:
            found.unmatched.append(feature.label)
        elif match.pk in taken:
            found.bad.append((feature.label, _("a second feature for %(place)s") % {"place": match.name}))
        elif positions and not match.has_station:
            found.bad.append((feature.label, _("%(place)s has no station") % {"place": match.name}))
        else:
            taken[match.pk] = feature.label
            found.matched.append((match, feature.geometry))
    model = StationPosition if positions else PlaceShape
    having = model.objects.under(place).values("place_id")
    missing = below.exclude(pk__in=having).exclude(pk__in=list(taken))
    if positions:
        missing = missing.exclude(station_kind="")
    found.without_count = missing.count()
    found.without = list(missing.order_by("path")[:MOST_LISTED])
    found.unmatched = found.unmatched[:MOST_LISTED]
    return found


def _refuse_unless_whole(found: Plan) -> None:
    if found.bad:
        raise ValidationError(
            _(
                "%(count)s features are wrong (see the list); nothing was imported. "
                "Mend the file and try again."
            )
            % {"count": len(found.bad)}
        )
    if not found.matched:
        raise ValidationError(
            _("No feature of the file names a place under this place; nothing was imported.")
        )


@service
def import_shapes(*, by, place: OrgUnit, features: list[Feature], drawn_for_demo: bool = False) -> Plan:
    """Every matched place's shape, replacing the one it had; refused whole when any feature is wrong."""
    found = plan(place=place, features=features)
    _refuse_unless_whole(found)
    for match, geometry in found.matched:
        _keep_shape(by=by, place=match, geometry=geometry, drawn_for_demo=drawn_for_demo)
    audit.record(
        by=by,
        action="place_shape.import",
        place=place,
        target=PlaceShape,
        after={
            "places": len(found.matched),
            "unmatched": len(found.unmatched),
            "drawn_for_demo": drawn_for_demo,
        },
    )
    return found


def _keep_shape(*, by, place: OrgUnit, geometry: dict, drawn_for_demo: bool) -> PlaceShape:
    west, south, east, north = geo.bounding_box(geometry)
    shape, _made = PlaceShape.objects.update_or_create(
        place=place,
        defaults={
            "geometry": geometry,
            "display": geo.for_display(geometry),
            "points": geo.point_count(geometry),
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "drawn_for_demo": drawn_for_demo,
            "by": by if getattr(by, "pk", None) else None,
        },
    )
    return shape


@service
def save_shape(*, by, place: OrgUnit, geometry: dict) -> PlaceShape:
    """One place's shape, from a GeoJSON geometry (checked here as an import checks it)."""
    try:
        checked = geo.checked_geometry(geometry, geo.AREAS)
        if geo.point_count(checked) > 200_000:
            raise geo.GeoError(_("a shape of more than 200,000 points"))
    except geo.GeoError as error:
        raise ValidationError({"geometry": str(error)}) from error
    shape = _keep_shape(by=by, place=place, geometry=checked, drawn_for_demo=False)
    audit.record(by=by, action="place_shape.save", place=place, target=shape, after={"points": shape.points})
    return shape


@service
def import_positions(*, by, place: OrgUnit, features: list[Feature], drawn_for_demo: bool = False) -> Plan:
    """Every matched station's position; refused whole when any row or feature is wrong."""
    found = plan(place=place, features=features, positions=True)
    _refuse_unless_whole(found)
    for match, point in found.matched:
        lon, lat = point["coordinates"]
        _keep_position(by=by, place=match, lon=lon, lat=lat, drawn_for_demo=drawn_for_demo)
    audit.record(
        by=by,
        action="station_position.import",
        place=place,
        target=StationPosition,
        after={"stations": len(found.matched), "unmatched": len(found.unmatched)},
    )
    return found


def _keep_position(*, by, place: OrgUnit, lon: float, lat: float, drawn_for_demo: bool) -> StationPosition:
    position, _made = StationPosition.objects.update_or_create(
        place=place,
        defaults={
            "lon": lon,
            "lat": lat,
            "drawn_for_demo": drawn_for_demo,
            "by": by if getattr(by, "pk", None) else None,
        },
    )
    return position


@service
def save_position(*, by, place: OrgUnit, lon: float, lat: float) -> StationPosition:
    """A station's position, set on its page (WGS-84 degrees)."""
    if not place.has_station:
        raise ValidationError(_("%(place)s has no station.") % {"place": place.name})
    try:
        lon, lat = geo.lonlat(float(lon), float(lat))
    except (geo.GeoError, TypeError, ValueError) as error:
        raise ValidationError({"lon": str(error)}) from error
    before = StationPosition.objects.filter(place=place).values("lon", "lat").first()
    position = _keep_position(by=by, place=place, lon=lon, lat=lat, drawn_for_demo=False)
    audit.record(
        by=by, action="station_position.save", place=place, target=position, before=before,
        after={"lon": lon, "lat": lat},
    )  # fmt: skip
    return position
