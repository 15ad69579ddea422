"""GeoJSON files for the maps' tests."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile


def square(lon: float, lat: float, size: float = 0.02) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def feature(properties: dict, rings=None, kind: str = "Polygon") -> dict:
    coordinates = rings if rings is not None else square(113.0, 23.7)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def upload(data, name: str = "shapes.geojson") -> SimpleUploadedFile:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, body, content_type="application/geo+json")
