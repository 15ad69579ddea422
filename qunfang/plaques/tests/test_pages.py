"""The plaque pages and API: a clerk hangs a plaque from the list of those still to receive one (a
double tap hangs once), replaces it on the household's page; the next village and another district
get nothing; a plaque for no veteran is 422 and writes nothing."""

import pytest

from qunfang.plaques.models import Plaque
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import api_client_for

JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def veteran(world):
    return registry.create_veteran(
        by=None, place=world.jingkou, name="陈伯", id_number=synthetic_id("441803", 9)
    )


def test_a_clerk_hangs_and_replaces_a_plaque(world, veteran, as_user):
    client = as_user(world.carol)
    url = f"/places/{world.jingkou.pk}/plaques/to-hang/"
    assert "陈伯" in client.get(url).content.decode()
    tap = {"veteran": veteran.pk, "day": "2019-07-25", "submission_key": "tap-plaque-1"}
    assert client.post(url, tap).status_code == client.post(url, tap).status_code == 302
    assert Plaque.objects.count() == 1
    assert f'name="veteran" value="{veteran.pk}"' not in client.get(url).content.decode()
    household = f"/veterans/{veteran.pk}/plaque/"
    client.post(household, {"replace": "1", "replace-reason": "damaged", "replace-day": "2019-12-01"})
    assert Plaque.objects.filter(reason="damaged").count() == 1
    assert "陈伯" in client.get(f"/places/{world.jingkou.pk}/plaques/").content.decode()
    assert "2019-12-01" in client.get(f"/veterans/{veteran.pk}/").content.decode()  # the card
    for outsider in (world.dave, world.erin):
        assert as_user(outsider).get(household).status_code == 404
        assert as_user(outsider).post(url, tap | {"submission_key": "tap-x"}).status_code in (302, 404)
    assert Plaque.objects.count() == 2


def test_the_api_hangs_a_plaque_and_refuses_one_for_no_veteran(world, veteran):
    api = api_client_for(world.carol)
    body = {"veteran_id": veteran.pk, "day": "2019-07-25"}
    made = api.post("/api/v1/plaques", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="plaque-key-1")
    assert made.status_code == 201 and made.json()["reason"] == "first"
    assert api.post("/api/v1/plaques", {"day": "2019-07-25"}, content_type=JSON).status_code == 422
    again = api.post("/api/v1/plaques", body, content_type=JSON)
    assert again.status_code == 422 and Plaque.objects.count() == 1
    outsider = api_client_for(world.dave).post("/api/v1/plaques", body, content_type=JSON)
    assert outsider.status_code == 404 and Plaque.objects.count() == 1
    listed = api.get(f"/api/v1/plaques?place_id={world.jingkou.pk}").json()["items"]
    assert [p["veteran"] for p in listed] == ["陈伯"]
