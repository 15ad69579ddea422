"""The petition pages and API: a clerk records a petition from the veteran's page (a double tap records
once) and takes it through its steps on the petition's page; the town countersigns her screening; the
next village, another district and a read-only leader get nothing; bad input is 422 and writes nothing."""

import pytest

from qunfang.petitions.models import Petition, Screening, State
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import api_client_for

JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def veteran(world):
    return registry.create_veteran(
        by=None, place=world.jingkou, name="林伯", id_number=synthetic_id("441803", 7)
    )


def test_a_clerk_takes_a_petition_through_its_steps(world, veteran, as_user):
    client = as_user(world.carol)
    card = client.get(f"/veterans/{veteran.pk}/").content.decode()
    new = f"/places/{world.jingkou.pk}/petitions/new/?veteran={veteran.pk}"
    assert new.replace("&", "&amp;") in card
    form = {"submission": "tap-petition-1", "veteran": veteran.pk, "subject": "补助停发", "kind": "treatment",
            "matter": "补助停发三个月", "day": "2020-01-06"}  # fmt: skip
    first, again = client.post(new, form), client.post(new, form)
    assert first.status_code == again.status_code == 302 and Petition.objects.count() == 1
    petition = Petition.objects.get()
    url = f"/petitions/{petition.pk}/"
    page = client.get(url).content.decode()
    assert "补助停发三个月" in page and 'name="step" value="register"' in page
    client.post(url, {"step": "register", "register-day": "2020-01-07", "register-owner": world.carol.pk})
    client.post(url, {"step": "resolve", "resolve-day": "2020-01-20", "resolve-answer": "已补发"})
    client.post(url, {"step": "revisit", "revisit-day": "2020-01-30", "revisit-satisfied": "yes",
                      "revisit-note": "满意"})  # fmt: skip
    petition.refresh_from_db()
    assert petition.state == State.CLOSED and petition.resolved_on_time and petition.satisfied
    listing = client.get(f"/places/{world.longjing.pk}/petitions/", follow=True)
    assert (
        listing.status_code == 403 or "补助停发" not in listing.content.decode()
    )  # carol does not see her town
    assert "补助停发" in as_user(world.bob).get(f"/places/{world.longjing.pk}/petitions/").content.decode()
    for outsider in (world.dave, world.erin):
        assert as_user(outsider).get(url).status_code == 404
    stale = client.post(
        url, {"step": "register", "register-day": "2020-01-07", "register-owner": world.carol.pk}
    )
    assert stale.status_code == 302 and petition.steps.count() == 4


def test_a_screening_is_signed_by_the_station_and_countersigned_by_the_town(world, as_user):
    page = f"/places/{world.jingkou.pk}/risk-screening/"
    as_user(world.carol).post(page, {"sign": "1", "people": "40", "risks": "0", "note": ""})
    screening = Screening.objects.get()
    town = as_user(world.bob).get(f"/places/{world.longjing.pk}/risk-screening/").content.decode()
    assert f'name="countersign" value="{screening.pk}"' in town and "南坑村" in town  # not signed
    as_user(world.bob).post(f"/places/{world.longjing.pk}/risk-screening/", {"countersign": screening.pk})
    screening.refresh_from_db()
    assert screening.countersigned_by == world.bob
    assert as_user(world.dave).post(page, {"sign": "1", "people": "1", "risks": "0"}).status_code == 404


def post(api, url, body, **headers):
    return api.post(url, body, content_type=JSON, **headers)


def test_the_api_records_a_petition_and_its_steps(world, veteran):
    api = api_client_for(world.carol)
    body = {"place_id": world.jingkou.pk, "veteran_ids": [veteran.pk], "subject": "补助", "matter": "停发",
            "day": "2020-01-06"}  # fmt: skip
    made = api.post("/api/v1/petitions", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="petition-key-1")
    again = api.post("/api/v1/petitions", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="petition-key-1")
    assert made.status_code == 201 and again.json() == made.json() and Petition.objects.count() == 1
    pk = made.json()["id"]
    step = {"day": "2020-01-07", "owner_id": world.bob.pk}
    assert (
        api.post(f"/api/v1/petitions/{pk}/register", step, content_type=JSON).json()["state"] == "registered"
    )
    early = api.post(
        f"/api/v1/petitions/{pk}/resolve", {"day": "2020-01-01", "answer": "x"}, content_type=JSON
    )
    assert early.status_code == 422 and Petition.objects.get().state == "registered"
    stranger = api.post(f"/api/v1/petitions/{pk}/owner", {"owner_id": world.dave.pk}, content_type=JSON)
    assert stranger.status_code == 422
    outsider = api_client_for(world.erin).post("/api/v1/petitions", body, content_type=JSON)
    assert outsider.status_code == 404 and "迳口" not in outsider.content.decode()
    assert api_client_for(world.leo).post("/api/v1/petitions", body, content_type=JSON).status_code in (
        403,
        404,
    )
    future = api.post("/api/v1/petitions", {**body, "day": "2199-01-01"}, content_type=JSON)
    assert future.status_code == 422 and Petition.objects.count() == 1
    assert api.get(f"/api/v1/petitions/{pk}").json()["steps"][1]["step"] == "registered"
