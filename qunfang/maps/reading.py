"""An uploaded file as features: boundaries from GeoJSON; positions from GeoJSON Points or from an
Excel or CSV sheet (lib/tables.py) of code (or name), lon, lat."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qunfang.lib.tables import read_rows
from qunfang.maps import geometry as geo
from qunfang.maps.geometry import Feature

COLUMNS = {
    "code": ("代码", "区划代码", "编码", "adcode"),
    "name": ("名称", "站点", "地名"),
    "lon": ("经度", "longitude", "lng", "x"),
    "lat": ("纬度", "latitude", "y"),
}


def shapes_from(upload) -> list[Feature]:
    return geo.features_of(geo.read_collection(upload), kinds=geo.AREAS)


def positions_from(upload) -> list[Feature]:
    head = upload.read(64)
    upload.seek(0)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return geo.features_of(geo.read_collection(upload), kinds=("Point",))
    return features_from_rows(read_rows(upload, COLUMNS, required=("lon", "lat")))


def features_from_rows(rows) -> list[Feature]:
    """Positions from a spreadsheet's rows (lib/tables Row: code or name, lon, lat) as Point features."""
    found = []
    for row in rows:
        feature = Feature(
            number=row.number, code=row.values.get("code", "")[:12], name=row.values.get("name", "")[:100]
        )
        try:
            lon, lat = float(row.values.get("lon", "")), float(row.values.get("lat", ""))
            feature.geometry = {"type": "Point", "coordinates": geo.lonlat(lon, lat)}
        except ValueError as error:
            feature.problem = (
                str(error) if isinstance(error, geo.GeoError) else _("a coordinate that is not a number")
            )
        found.append(feature)
    return found
