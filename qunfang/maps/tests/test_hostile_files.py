"""Hostile files are refused whole, with a message in the user's language, and leave nothing behind:
too large, packed, not UTF-8, nested deep, NaN and Infinity, coordinates out of range or not numbers,
a polygon of five million points."""

import io
import zipfile

import pytest

from qunfang.core.models import AuditEntry
from qunfang.maps import geometry
from qunfang.maps.models import PlaceShape
from qunfang.maps.tests.helpers import collection, feature, upload
from qunfang.testing.clients import api_client_for, client_for


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("shapes.geojson", data)
    return buffer.getvalue()


GOOD = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "441803112"}, '
GOOD += (
    b'"geometry": {"type": "Polygon", "coordinates": [[[113,23.7],[113.1,23.7],[113.1,23.8],[113,23.7]]]}}]}'
)

WHOLE_FILES = {
    "packed": (zipped(GOOD * 50), "packed (zipped)"),
    "gzip": (b"\x1f\x8b\x08\x00" + GOOD, "packed (zipped)"),
    "not utf-8": ('{"type": "FeatureCollection", "名": 1}'.encode("gbk"), "not UTF-8"),
    "nested": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "NaN": (GOOD.replace(b"23.8", b"NaN"), "NaN is not a number"),
    "Infinity": (GOOD.replace(b"23.8", b"-Infinity"), "-Infinity is not a number"),
    "not json": (b"\x00\x01garbage", "not valid JSON"),
    "not a collection": (b'{"type": "Polygon", "coordinates": []}', "not a GeoJSON FeatureCollection"),
    "empty": (b"  \n", "empty"),
}


def test_every_hostile_file_is_refused_whole(world):
    api = api_client_for(world.alice)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/api/v1/maps/places/{world.qingxin.pk}/shapes/import?dry_run=false"
    for case, (data, message) in WHOLE_FILES.items():
        answer = api.post(url, {"file": upload(data)})
        assert answer.status_code == 422 and message in answer.content.decode(), (case, answer.content[:300])
    assert not PlaceShape.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="place_shape").exists()


BAD_POSITIONS = {
    "longitude beyond": ([[181, 23.7], [113.1, 23.7], [113.1, 23.8], [181, 23.7]], "经度超出 ±180：181"),
    "latitude beyond": ([[113, 23.7], [113.1, -90.5], [113.1, 23.8], [113, 23.7]], "纬度超出 ±90：-90.5"),
    "a string": ([[113, 23.7], ["113.1", 23.7], [113.1, 23.8], [113, 23.7]], "坐标不是数值：113.1"),
    "a boolean": ([[113, 23.7], [True, 23.7], [113.1, 23.8], [113, 23.7]], "坐标不是数值：True"),
    "overflowing": ([[113, 23.7], [1e308 * 10, 23.7], [113.1, 23.8], [113, 23.7]], "坐标不是数值：inf"),
    "open ring": ([[113, 23.7], [113.1, 23.7], [113.1, 23.8], [113, 23.9]], "环的终点与起点不同"),
    "too short": ([[113, 23.7], [113.1, 23.7], [113, 23.7]], "环的位置少于四个"),
}


def test_bad_coordinates_are_listed_and_nothing_is_imported(world):
    features = [feature({"code": world.longjing.code})]  # one good feature beside the bad ones
    features += [feature({"name": name}, [ring]) for name, (ring, _m) in BAD_POSITIONS.items()]
    body = geometry.json.dumps(collection(*features)).replace("Infinity", "1e999").encode()
    client = client_for(world.alice)
    page = client.post(f"/places/{world.qingxin.pk}/map/shapes/", {"file": upload(body)}).content.decode()
    listed = page.split('class="bad-features"')[1].split("</ul>")[0]
    for name, (_ring, message) in BAD_POSITIONS.items():
        assert f"{name}: " in listed and message in listed.split(f"{name}: ")[1].split("</li>")[0], name
    assert 'name="token"' not in page and not PlaceShape.objects.exists()


def test_a_polygon_of_five_million_points_is_refused_before_it_is_parsed(world, settings):
    ring = b"[113.0,23.7]," * 5_000_000
    body = b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon",'
    body += b'"coordinates":[[' + ring + b"[113.0,23.7]]]}}]}"
    with pytest.raises(geometry.GeoError, match="文件中的点超过 500000 个"):
        geometry.parse_collection(body)
    # Through the page, the size limit (a setting) refuses it first.
    settings.MAPS_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    client = client_for(world.alice, language="zh-hans")
    page = client.post(f"/places/{world.qingxin.pk}/map/shapes/", {"file": upload(body[:3_000_000])})
    assert "文件过大（2.9 MB），上限为 2.0 MB" in page.content.decode() and not PlaceShape.objects.exists()


def test_a_big_boundary_is_kept_whole_and_simplified_for_display(world):
    import math

    ring = [[113 + 0.1 * math.cos(k / 800), 23.7 + 0.1 * math.sin(k / 800)] for k in range(5026)]
    ring.append(ring[0])
    api = api_client_for(world.alice)
    answer = api.put(
        f"/api/v1/maps/places/{world.longjing.pk}/shape",
        {"geometry": {"type": "Polygon", "coordinates": [ring]}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    shape = PlaceShape.objects.get(place=world.longjing)
    assert shape.points == 5027 and len(shape.geometry["coordinates"][0]) == 5027
    shown = shape.display["coordinates"][0]
    assert 4 <= len(shown) <= geometry.DISPLAY_POINTS and shown[0] == shown[-1]
