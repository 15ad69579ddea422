"""Reading an uploaded GeoJSON file, checked before anything of it is used: its size (a setting), no zip
or gzip (refused: the GeoJSON itself is asked for, so no packing ratio can hide a bomb), UTF-8 JSON
without NaN or Infinity, a count of positions taken from the raw bytes before they are parsed (a polygon
of five million points is refused without building five million lists), and every geometry's shape:
Polygon or MultiPolygon rings of at least four finite positions, first equal to last, longitude within
±180 and latitude within ±90; Points likewise. Coordinates are WGS-84 (RFC 7946), as GeoJSON has them.

Also the display copy of a shape: Ramer–Douglas–Peucker simplification (written here: a few lines,
against a geometry library with native parts for the one use) when a shape has many points."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
AREAS = ("Polygon", "MultiPolygon")
DISPLAY_POINTS = 1500  # a shape with more points is simplified for the map (the full one is kept)


class GeoError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Feature:
    """One feature of the file: its number (from 1), what it names, and its geometry or its problem."""

    number: int
    code: str = ""
    name: str = ""
    geometry: dict | None = None
    problem: str = ""
    properties: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return " · ".join(v for v in (self.code, self.name) if v) or _("feature %(n)s") % {"n": self.number}


def read_collection(upload: Any) -> list[dict]:
    """The features of an uploaded FeatureCollection (or of one Feature), checked as a whole."""
    limit = settings.MAPS_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise GeoError(_too_large(size, limit))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise GeoError(_too_large(len(data), limit))
    return parse_collection(data)


def _too_large(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s MB); the limit is %(limit)s MB.") % {
        "size": round(size / 1048576, 1),
        "limit": round(limit / 1048576, 1),
    }


def parse_collection(data: bytes) -> list[dict]:
    if not data.strip():
        raise GeoError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        raise GeoError(_("This is a packed (zipped) file. Unpack it and send the .geojson file itself."))
    # Each position opens a bracket: count them in the bytes before building the lists.
    if data.count(b"[") > settings.MAPS_MAX_POINTS + 1000:
        raise GeoError(
            _("The file has more than %(limit)s points; simplify the shapes and try again.")
            % {"limit": settings.MAPS_MAX_POINTS}
        )
    try:
        text = data.decode("utf-8-sig")
        found = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise GeoError(_("The file is not UTF-8 text. Save it as UTF-8 GeoJSON and try again.")) from error
    except RecursionError as error:
        raise GeoError(_("The file is nested too deeply to be GeoJSON.")) from error
    except json.JSONDecodeError as error:  # the parser's own words are English: say where, in ours
        raise GeoError(
            _("The file is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from error
    except ValueError as error:  # NaN or Infinity (_no_constant), already in the user's language
        reason = str(error)[:120]
        raise GeoError(_("The file is not valid JSON (%(reason)s).") % {"reason": reason}) from error
    if isinstance(found, dict) and found.get("type") == "Feature":
        return [found]
    if not isinstance(found, dict) or found.get("type") != "FeatureCollection":
        raise GeoError(_("The file is not a GeoJSON FeatureCollection."))
    features = found.get("features")
    if not isinstance(features, list) or not features:
        raise GeoError(_("The file's FeatureCollection has no features."))
    return features


def _no_constant(name: str):
    raise ValueError(_("%(value)s is not a number GeoJSON allows") % {"value": name})


def features_of(raw: list[dict], *, kinds: tuple[str, ...]) -> list[Feature]:
    """Each raw feature with the code and name it names and its geometry checked (a problem, if any)."""
    found = []
    for number, item in enumerate(raw, start=1):
        feature = Feature(number=number)
        if not isinstance(item, dict) or item.get("type") != "Feature":
            feature.problem = _("not a GeoJSON Feature")
            found.append(feature)
            continue
        properties = item.get("properties") if isinstance(item.get("properties"), dict) else {}
        feature.code = _text(properties.get("code", properties.get("adcode", "")))[:12]
        feature.name = _text(properties.get("name", ""))[:100]
        try:
            feature.geometry = checked_geometry(item.get("geometry"), kinds)
        except GeoError as error:
            feature.problem = str(error)
        found.append(feature)
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return "".join(ch for ch in str(value) if ch.isprintable()).strip()


def checked_geometry(geometry: Any, kinds: tuple[str, ...]) -> dict:
    """The geometry as we keep it ({type, coordinates}, positions as [lon, lat]), or a GeoError."""
    if not isinstance(geometry, dict):
        raise GeoError(_("no geometry"))
    kind = geometry.get("type")
    if kind not in kinds:
        raise GeoError(
            _("a %(kind)s geometry, where %(wanted)s is wanted")
            % {"kind": str(kind)[:30], "wanted": " / ".join(kinds)}
        )
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        return {"type": kind, "coordinates": position(coordinates)}
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeoError(_("no coordinates"))
    kept = [_polygon(p) for p in polygons]
    return {"type": kind, "coordinates": kept[0] if kind == "Polygon" else kept}


def _polygon(rings: Any) -> list:
    if not isinstance(rings, list) or not rings:
        raise GeoError(_("a polygon without rings"))
    kept = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise GeoError(_("a ring of fewer than four positions"))
        points = [position(p) for p in ring]
        if points[0] != points[-1]:
            raise GeoError(_("a ring that does not end where it starts"))
        kept.append(points)
    return kept


def position(value: Any) -> list[float]:
    """[lon, lat] from a GeoJSON position (an altitude dropped), finite and within range."""
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise GeoError(_("a position that is not [longitude, latitude]"))
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise GeoError(_("a coordinate that is not a number: %(value)s") % {"value": str(number)[:30]})
    return lonlat(float(lon), float(lat))


def lonlat(lon: float, lat: float) -> list[float]:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeoError(_("a coordinate that is not a number"))
    if not -180 <= lon <= 180:
        raise GeoError(_("a longitude beyond ±180: %(value)s") % {"value": lon})
    if not -90 <= lat <= 90:
        raise GeoError(_("a latitude beyond ±90: %(value)s") % {"value": lat})
    return [round(lon, 7), round(lat, 7)]


# --- what is kept beside a shape ---------------------------------------------------------------------


def polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def point_count(geometry: dict) -> int:
    return sum(len(ring) for polygon in polygons(geometry) for ring in polygon)


def bounding_box(geometry: dict) -> list[float]:
    """[west, south, east, north]."""
    lons = [p[0] for polygon in polygons(geometry) for ring in polygon for p in ring]
    lats = [p[1] for polygon in polygons(geometry) for ring in polygon for p in ring]
    return [min(lons), min(lats), max(lons), max(lats)]


def for_display(geometry: dict) -> dict | None:
    """A lighter copy of a big shape for the map, or None when the shape is small enough as it is."""
    count = point_count(geometry)
    if count <= DISPLAY_POINTS:
        return None
    west, south, east, north = bounding_box(geometry)
    tolerance = max(east - west, north - south) / 2000
    while True:
        kept = [[_simplified(ring, tolerance) for ring in polygon] for polygon in polygons(geometry)]
        if sum(len(r) for p in kept for r in p) <= DISPLAY_POINTS or tolerance > 1:
            break
        tolerance *= 2
    return {"type": geometry["type"], "coordinates": kept[0] if geometry["type"] == "Polygon" else kept}


def _simplified(ring: list, tolerance: float) -> list:
    """Ramer–Douglas–Peucker on a closed ring, kept closed and at least four positions long."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = keep[len(ring) // 2] = True
    stack = [(0, len(ring) // 2), (len(ring) // 2, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, at = 0.0, -1
        for index in range(first + 1, last):
            distance = _distance(ring[index], ring[first], ring[last])
            if distance > farthest:
                farthest, at = distance, index
        if at > 0 and farthest > tolerance:
            keep[at] = True
            stack.extend([(first, at), (at, last)])
    kept = [p for p, k in zip(ring, keep, strict=True) if k]
    return kept if len(kept) >= 4 else ring[:: max(1, len(ring) // 4)][:3] + [ring[0]]


def _distance(p: list, a: list, b: list) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / math.hypot(dx, dy)
