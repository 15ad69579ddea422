"""Maps' records at a place, for the walks (qunfang/testing/records.py): a boundary of the place's first
village and its station's position, so that the map card, the shapes and the positions have rows."""

from qunfang.maps import services
from qunfang.testing.records import first_village


def square(lon: float, lat: float, size: float = 0.02) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def records_at(place, *, by, text, id_number, made) -> dict:
    village = first_village(place)
    if village is None:
        return {}
    services.save_shape(by=None, place=village, geometry=square(113.0, 23.7))
    if village.has_station:
        services.save_position(by=None, place=village, lon=113.01, lat=23.71)
    return {}
