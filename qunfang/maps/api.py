"""Maps under /api/v1/maps: importing boundaries and stations' positions (a dry run by default, the
import with dry_run=false: all or nothing), a place's shapes and positions read and set one by one, and
the map of a place (its children's figure and shape, the stations below as points). The same services,
selectors and scoping as the pages."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qunfang.core.access import place_for
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.lib.tables import TableError
from qunfang.maps import reading, selectors, services
from qunfang.maps.geometry import GeoError
from qunfang.maps.models import PlaceShape, StationPosition
from qunfang.maps.selectors import MANAGE, VIEW

router = Router(tags=["maps"])


class MapPlaceOut(Schema):
    place_id: int
    code: str
    name: str


class MapFeatureProblemOut(Schema):
    feature: str
    problem: str


class MapPlanOut(Schema):
    dry_run: bool
    matched: list[MapPlaceOut]
    places_without: list[MapPlaceOut] = Field(..., description="places under this place still without one")
    places_without_count: int
    features_without_place: list[str] = Field(..., description="what they name: code · name")
    bad_features: list[MapFeatureProblemOut]
    may_import: bool


class MapShapeOut(Schema):
    place_id: int
    name: str
    code: str
    points: int
    bbox: list[float] = Field(..., description="[west, south, east, north], WGS-84 degrees")
    drawn_for_demo: bool
    geometry: dict = Field(..., description="GeoJSON Polygon or MultiPolygon (simplified when big)")

    @staticmethod
    def resolve_name(shape: PlaceShape) -> str:
        return shape.place.name

    @staticmethod
    def resolve_code(shape: PlaceShape) -> str:
        return shape.place.code or ""

    @staticmethod
    def resolve_bbox(shape: PlaceShape) -> list[float]:
        return [shape.west, shape.south, shape.east, shape.north]

    @staticmethod
    def resolve_geometry(shape: PlaceShape) -> dict:
        return shape.shown


class MapShapeIn(Schema):
    geometry: dict = Field(..., description="GeoJSON Polygon or MultiPolygon, WGS-84 [lon, lat]")


class MapPositionOut(Schema):
    place_id: int
    name: str
    lon: float
    lat: float
    drawn_for_demo: bool

    @staticmethod
    def resolve_name(position: StationPosition) -> str:
        return position.place.name


class MapPositionIn(Schema):
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False, description="WGS-84 degrees east")
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False, description="WGS-84 degrees north")


class MapRegionOut(Schema):
    place_id: int
    name: str
    value: float | None = Field(..., description="the figure the shading uses (reports: a percentage)")
    text: str
    has_shape: bool


class MapChoiceOut(Schema):
    key: str
    label: str


class MapOut(Schema):
    place_id: int
    start: str
    end: str
    figure: str
    choices: list[MapChoiceOut]
    regions: list[MapRegionOut]
    stations: list[MapPositionOut]
    drawn_for_demo: bool


def _import(request, place_id: int, file, dry_run: bool, kind: str):
    place = place_for(request, place_id, MANAGE)
    read = reading.shapes_from if kind == "shapes" else reading.positions_from
    write = services.import_shapes if kind == "shapes" else services.import_positions
    try:
        features = read(file)
    except (GeoError, TableError) as error:
        raise ValidationError({"file": str(error)}) from error
    if dry_run:
        found = services.plan(place=place, features=features, positions=kind == "positions")
        return Status(200, {"dry_run": True, **found.as_json()})
    found = write(by=request.auth, place=place, features=features)
    return Status(201, {"dry_run": False, **found.as_json()})


@router.post("/maps/places/{place_id}/shapes/import", response={200: MapPlanOut, 201: MapPlanOut, **ERRORS})
def import_shapes(request, place_id: Id, file: File[UploadedFile], dry_run: bool = True):
    """A GeoJSON FeatureCollection of boundaries, matched by the property "code", else "name" under the
    place. dry_run (the default) lists what would be done; dry_run=false imports all or nothing."""
    return _import(request, place_id, file, dry_run, "shapes")


@router.post(
    "/maps/places/{place_id}/positions/import", response={200: MapPlanOut, 201: MapPlanOut, **ERRORS}
)
def import_positions(request, place_id: Id, file: File[UploadedFile], dry_run: bool = True):
    """Stations' positions: GeoJSON Points, or an Excel or CSV sheet of code (or name), lon, lat."""
    return _import(request, place_id, file, dry_run, "positions")


@router.get("/maps/places/{place_id}/shapes", response={200: list[MapShapeOut], **ERRORS})
@paginate(Pages)
def list_shapes(request, place_id: Id):
    return selectors.shapes(request.scope, place_for(request, place_id, VIEW))


@router.put("/maps/places/{place_id}/shape", response={200: MapShapeOut, **ERRORS})
def save_shape(request, place_id: Id, data: MapShapeIn):
    place = place_for(request, place_id, MANAGE)
    return services.save_shape(by=request.auth, place=place, geometry=data.geometry)


@router.get("/maps/places/{place_id}/positions", response={200: list[MapPositionOut], **ERRORS})
@paginate(Pages)
def list_positions(request, place_id: Id):
    return selectors.positions(request.scope, place_for(request, place_id, VIEW))


@router.put("/maps/places/{place_id}/position", response={200: MapPositionOut, **ERRORS})
def save_position(request, place_id: Id, data: MapPositionIn):
    place = place_for(request, place_id, Capability.EDIT_STATION)
    return services.save_position(by=request.auth, place=place, lon=data.lon, lat=data.lat)


@router.get("/maps/places/{place_id}/map", response={200: MapOut, **ERRORS})
def place_map(request, place_id: Id, start: Day | None = None, end: Day | None = None, figure: Text = ""):
    """The place's map for the period (the last thirty days by default): each child's figure, as its
    own dashboard reads it, and whether it has a shape; the stations below with their positions."""
    place = place_for(request, place_id, VIEW)
    end = end or timezone.localdate()
    start = start or end - timedelta(days=29)
    if start > end or (end - start).days > 3660:
        raise ValidationError(
            {"start": _("The start must be on or before the end, at most ten years before it.")}
        )
    found = selectors.map_data(request.scope, place, start, end, figure[:60])
    return {
        "place_id": place.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "figure": found.choice.key if found.choice else "",
        "choices": [{"key": c.key, "label": c.label} for c in found.choices],
        "regions": [
            {
                "place_id": r.place.pk,
                "name": r.place.name,
                "value": r.value,
                "text": r.text,
                "has_shape": bool(r.shape),
            }
            for r in found.regions
        ],
        "stations": found.stations,
        "drawn_for_demo": found.drawn_for_demo,
    }
