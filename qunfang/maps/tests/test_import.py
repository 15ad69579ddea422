"""Importing boundaries and positions: the dry run lists the places still without a shape, the shapes
naming no place of ours (a sibling district's code among them) and the wrong ones, and writes nothing;
the import writes all or nothing; the API does the same; a sibling's place is 404."""

import pytest

from qunfang.core.models import AuditEntry
from qunfang.maps.models import PlaceShape, StationPosition
from qunfang.maps.tests.helpers import collection, feature, square, upload
from qunfang.testing.clients import api_client_for, client_for


@pytest.fixture
def mixed(world):
    """Longjing by code, Jingkou by name, Hunnan's code (another district), a name we do not have."""
    return collection(
        feature({"code": world.longjing.code, "name": "龙颈镇"}),
        feature({"name": "迳口村"}, square(112.9, 23.8)),
        feature({"code": world.hunnan.code, "name": "浑南区"}),
        feature({"name": "不存在村"}),
    )


def test_the_dry_run_lists_both_kinds_of_mismatch_and_writes_nothing(world, mixed):
    client = client_for(world.alice)
    page = client.post(f"/places/{world.qingxin.pk}/map/shapes/", {"file": upload(mixed)})
    text = page.content.decode()
    assert page.status_code == 200 and "dry-run" in text
    unmatched = text.split('class="unmatched"')[1].split("</ul>")[0]
    assert "210112000000 · 浑南区" in unmatched and "不存在村" in unmatched
    without = text.split('class="without"')[1].split("</ul>")[0]
    assert "南坑村" in without and "清新区" in without and "龙颈镇" not in without and "迳口村" not in without
    assert not PlaceShape.objects.exists()
    token = text.split('name="token" value="')[1].split('"')[0]
    done = client.post(f"/places/{world.qingxin.pk}/map/shapes/", {"token": token})
    assert done.status_code == 302
    assert set(PlaceShape.objects.values_list("place__name", flat=True)) == {"龙颈镇", "迳口村"}
    shape = PlaceShape.objects.get(place=world.jingkou)
    assert [shape.west, shape.south, shape.east, shape.north] == pytest.approx([112.9, 23.8, 112.92, 23.82])
    assert AuditEntry.objects.filter(action="place_shape.import", place=world.qingxin).count() == 1


def test_a_wrong_feature_refuses_the_whole_file(world):
    bad = collection(
        feature({"code": world.longjing.code}),
        feature({"code": world.jingkou.code}, [[[113.0, 23.7], [181.0, 23.7], [113.0, 23.8], [113.0, 23.7]]]),
    )
    api = api_client_for(world.alice)
    answer = api.post(f"/api/v1/maps/places/{world.qingxin.pk}/shapes/import", {"file": upload(bad)})
    assert answer.status_code == 200, answer.content
    found = answer.json()
    assert found["may_import"] is False and "181" in found["bad_features"][0]["problem"]
    real = api.post(
        f"/api/v1/maps/places/{world.qingxin.pk}/shapes/import?dry_run=false", {"file": upload(bad)}
    )
    assert real.status_code == 422 and not PlaceShape.objects.exists()


def test_the_api_imports_positions_from_a_sheet_and_a_sibling_is_not_found(world):
    sheet = f"code,lon,lat\n{world.jingkou.code},112.95,23.81\n{world.nankeng.code},112.97,23.83\n"
    api = api_client_for(world.alice)
    url = f"/api/v1/maps/places/{world.qingxin.pk}/positions/import?dry_run=false"
    answer = api.post(url, {"file": upload(sheet.encode(), "positions.csv")})
    assert answer.status_code == 201, answer.content
    assert StationPosition.objects.get(place=world.nankeng).lat == pytest.approx(23.83)
    erin = api_client_for(world.erin)
    assert erin.post(url, {"file": upload(sheet.encode(), "positions.csv")}).status_code == 404
    assert erin.get(f"/api/v1/maps/places/{world.qingxin.pk}/map").status_code == 404
    dave = client_for(world.dave)  # a village's clerk: not his village's neighbour, not the district's import
    assert dave.get(f"/places/{world.jingkou.pk}/map/position/").status_code == 404
    assert dave.get(f"/places/{world.qingxin.pk}/map/shapes/").status_code in (403, 404)


def test_a_station_sets_its_own_position_and_a_hostile_one_is_refused(world):
    carol = client_for(world.carol)
    url = f"/places/{world.jingkou.pk}/map/position/"
    for lon, lat in (("nan", "23.7"), ("113", "91"), ("1e999", "23"), ("东经", "23")):
        page = carol.post(url, {"lon": lon, "lat": lat})
        assert page.status_code == 200 and not StationPosition.objects.exists()
    assert carol.post(url, {"lon": "112.95", "lat": "23.81"}).status_code == 302
    api = api_client_for(world.carol)
    answer = api.put(
        f"/api/v1/maps/places/{world.jingkou.pk}/position",
        {"lon": 112.96, "lat": 23.82},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["lon"] == 112.96
    assert StationPosition.objects.get(place=world.jingkou).lat == 23.82


def test_the_import_runs_once_for_a_double_tap_and_never_for_a_forged_check(world, mixed):
    client = client_for(world.alice)
    url = f"/places/{world.qingxin.pk}/map/shapes/"
    assert client.post(url, {"token": "eyJmIjoibWFwcy94Lmdlb2pzb24ifQ:forged"}).status_code == 302
    assert not PlaceShape.objects.exists()
    page = client.post(url, {"file": upload(mixed)}).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    first = client.post(url, {"token": token, "submission_key": "double-tap-0001"})
    again = client.post(url, {"token": token, "submission_key": "double-tap-0001"})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert PlaceShape.objects.count() == 2
    assert AuditEntry.objects.filter(action="place_shape.import").count() == 1
    # Later, the same check again (a new key): its file is gone, nothing is written twice.
    assert client.post(url, {"token": token, "submission_key": "double-tap-0002"}).status_code == 302
    assert AuditEntry.objects.filter(action="place_shape.import").count() == 1
