"""An ID number finds nobody outside one's places, and tags stay in their place.

Written from the attack: a village clerk typed guessable ID numbers into the new-veteran form (and the
API, and the volunteer form) and was told, for each number on another district's roll, the person's
name, place and record number."""

import json

import pytest

from qunfang.core.access import Scope
from qunfang.mobilization.models import Volunteer
from qunfang.registry import services
from qunfang.registry.models import Tag, Veteran
from qunfang.registry.selectors import visible_tags
from qunfang.testing.clients import api_client_for
from qunfang.testing.world import SAMPLE_ID

SECRET_NAME = "隐秘者"


@pytest.fixture
def hunnan_veteran(world):
    return services.create_veteran(by=None, place=world.hunnan, name=SECRET_NAME, id_number=SAMPLE_ID)


def leaks(text: str, veteran: Veteran) -> bool:
    return SECRET_NAME in text or veteran.place.name in text or f"{veteran.pk})" in text or "浑南" in text


def test_a_duplicate_on_another_districts_roll_says_only_that_it_is_elsewhere(world, hunnan_veteran, as_user):
    page = as_user(world.carol).post(
        f"/places/{world.jingkou.pk}/veterans/new/",
        {"name": "张三", "id_number": SAMPLE_ID, "category": "retired_soldier", "status": "active"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "其他地方" in text and "区退役军人事务局" in text
    assert not leaks(text, hunnan_veteran)
    api = api_client_for(world.carol).post(
        "/api/v1/veterans",
        data=json.dumps({"place_id": world.jingkou.pk, "name": "张三", "id_number": SAMPLE_ID}),
        content_type="application/json",
    )
    assert api.status_code == 422 and not leaks(api.content.decode("unicode_escape"), hunnan_veteran)
    assert not leaks(json.dumps(api.json(), ensure_ascii=False), hunnan_veteran)
    assert Veteran.objects.count() == 1


def test_a_sibling_villages_record_is_not_named_but_ones_own_districts_is(world, as_user):
    ours = services.create_veteran(by=None, place=world.jingkou, name="迳口老兵", id_number=SAMPLE_ID)
    # The neighbouring village's clerk learns nothing of it...
    text = (
        as_user(world.dave)
        .post(
            f"/places/{world.nankeng.pk}/veterans/new/",
            {"name": "张三", "id_number": SAMPLE_ID, "category": "retired_soldier", "status": "active"},
        )
        .content.decode()
    )
    assert "迳口老兵" not in text and "迳口村" not in text and "其他地方" in text
    # ...the district's admin, who may see it, is told where it is.
    text = (
        as_user(world.alice)
        .post(
            f"/places/{world.nankeng.pk}/veterans/new/",
            {"name": "张三", "id_number": SAMPLE_ID, "category": "retired_soldier", "status": "active"},
        )
        .content.decode()
    )
    assert "迳口老兵" in text and "迳口村" in text and str(ours.pk) in text


def test_a_volunteer_with_another_districts_veterans_number_is_not_linked_or_named(
    world, hunnan_veteran, as_user
):
    client = as_user(world.carol)
    client.post(
        f"/places/{world.jingkou.pk}/volunteers/new/",
        {"name": "志愿者", "id_number": SAMPLE_ID, "phone": "13800000000", "availability": "any_time"},
    )
    volunteer = Volunteer.objects.get()
    assert volunteer.veteran is None
    page = client.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert not leaks(page, hunnan_veteran)
    listed = api_client_for(world.carol).get("/api/v1/volunteers", {"place_id": world.jingkou.pk}).json()
    assert [v["veteran_id"] for v in listed["items"]] == [None]


def test_a_volunteer_of_a_sibling_village_is_linked_but_the_veteran_is_shown_only_to_who_may_see_him(
    world, as_user
):
    veteran = services.create_veteran(by=None, place=world.nankeng, name="南坑老兵", id_number=SAMPLE_ID)
    as_user(world.carol).post(
        f"/places/{world.jingkou.pk}/volunteers/new/",
        {"name": "志愿者", "id_number": SAMPLE_ID, "phone": "13800000000", "availability": "any_time"},
    )
    volunteer = Volunteer.objects.get()
    assert volunteer.veteran == veteran  # the district counts its veterans who volunteer
    assert "南坑老兵" not in as_user(world.carol).get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "南坑老兵" in as_user(world.alice).get(f"/volunteers/{volunteer.pk}/").content.decode()


# --- tags ---------------------------------------------------------------------------------------------


def test_a_tag_typed_in_one_village_is_not_offered_in_another(world, as_user):
    services.create_veteran(
        by=world.carol, place=world.jingkou, name="张三", id_number=SAMPLE_ID, tags=["迳口秘密标签"]
    )
    tag = Tag.objects.get(name="迳口秘密标签")
    assert tag.place == world.jingkou
    for user in (world.dave, world.erin):
        assert "迳口秘密标签" not in as_user(user).get("/veterans/").content.decode(), user
        assert tag not in visible_tags(Scope.for_user(user))
    for user in (world.carol, world.alice, world.bob, world.leo):
        assert "迳口秘密标签" in as_user(user).get("/veterans/").content.decode(), user
    # The API's tag filter finds the carol's veteran for her and nothing for the sibling village.
    found = api_client_for(world.carol).get("/api/v1/veterans", {"tag": "迳口秘密标签"}).json()
    assert [v["name"] for v in found["items"]] == ["张三"]
    assert api_client_for(world.dave).get("/api/v1/veterans", {"tag": "迳口秘密标签"}).json()["items"] == []


def test_a_bureaus_tag_is_the_districts_and_a_village_reuses_it(world):
    services.create_veteran(
        by=world.alice, place=world.jingkou, name="张三", id_number=SAMPLE_ID, tags=["驾驶员"]
    )
    tag = Tag.objects.get(name="驾驶员")
    assert tag.place == world.qingxin
    other = "441803199001011251"
    services.create_veteran(by=world.dave, place=world.nankeng, name="李四", id_number=other, tags=["驾驶员"])
    assert Tag.objects.filter(name="驾驶员").count() == 1  # the district's, used in the village
    assert tag in visible_tags(Scope.for_user(world.dave))
    assert tag not in visible_tags(Scope.for_user(world.erin))
