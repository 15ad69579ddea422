"""The tree of places: creating, coding, levels, moving subtrees with every path kept right."""

import pytest
from django.core.exceptions import ValidationError

from qunfang.core import services
from qunfang.core.models import Level, OrgUnit
from qunfang.testing.world import place


def assert_paths_consistent():
    for unit in OrgUnit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected, unit.name
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0), unit.name


def test_short_official_codes_are_padded_to_twelve_digits(world):
    assert world.qingxin.code == "441803000000"
    assert world.longjing.code == "441803112000"
    assert services.normalize_code(" 441803 112 201 ") == "441803112201"


@pytest.mark.parametrize("code", ["44180311220", "4418031122011", "44x803", "一二三"])
def test_a_malformed_code_is_refused(world, code):
    with pytest.raises(ValidationError):
        place(world.jingkou, "某网格", Level.GRID, code)


def test_a_code_that_collides_is_refused_and_nothing_is_written(world):
    count = OrgUnit.objects.count()
    with pytest.raises(ValidationError, match="441803112201"):
        place(world.longjing, "重复村", Level.VILLAGE, "441803112201")
    assert OrgUnit.objects.count() == count


def test_a_child_must_sit_below_its_parent_level(world):
    with pytest.raises(ValidationError):
        place(world.jingkou, "错层镇", Level.TOWN)
    with pytest.raises(ValidationError):
        place(world.longjing, "同层镇", Level.TOWN)


def test_everything_under_a_place_is_one_prefix_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(OrgUnit.objects.under(world.longjing).values_list("name", flat=True))
    assert names == {"龙颈镇", "迳口村", "南坑村", "迳口村第一网格"}


def test_moving_a_subtree_keeps_every_path_right(world):
    taiping = place(world.qingxin, "太平镇", Level.TOWN, "441803104")
    services.move_place(by=world.alice, place=world.jingkou, new_parent=taiping)
    assert_paths_consistent()
    assert set(OrgUnit.objects.under(taiping).values_list("name", flat=True)) == {
        "太平镇",
        "迳口村",
        "迳口村第一网格",
    }
    assert set(OrgUnit.objects.under(world.longjing).values_list("name", flat=True)) == {"龙颈镇", "南坑村"}


def test_moving_a_town_to_another_district_moves_its_depth_too(world):
    services.move_place(by=None, place=world.longjing, new_parent=world.hunnan)
    assert_paths_consistent()
    grid = OrgUnit.objects.get(pk=world.jingkou_grid.pk)
    assert grid.path.startswith(world.hunnan.path)


def test_a_place_cannot_move_under_its_own_subtree(world):
    before = list(OrgUnit.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError, match="不能移到"):
        services.move_place(by=None, place=world.longjing, new_parent=world.jingkou)
    with pytest.raises(ValidationError):
        services.move_place(by=None, place=world.longjing, new_parent=world.longjing)
    assert list(OrgUnit.objects.values_list("pk", "path")) == before


def test_an_admin_moves_a_village_in_the_page_and_sees_it_under_the_new_town(world, as_user):
    taiping = place(world.qingxin, "太平镇", Level.TOWN, "441803104")
    client = as_user(world.alice)
    response = client.post(f"/places/{world.nankeng.pk}/move/", {"new_parent": taiping.pk})
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=world.nankeng.pk).parent == taiping
    assert "南坑村" in client.get(f"/places/{taiping.pk}/").content.decode()


def test_the_new_parent_is_found_by_typing_and_named_with_its_way_down(world, as_user):
    """At a province's scale the move form cannot list every place: it asks for the first matches, each
    named with the places above it; only places it may move under are offered."""
    taiping = place(world.qingxin, "太平镇", Level.TOWN, "441803104")
    client = as_user(world.alice)
    form = client.get(f"/places/{world.nankeng.pk}/move/").content.decode()
    assert "太平镇" not in form and "move/pick/" in form
    found = client.get(f"/places/{world.nankeng.pk}/move/pick/", {"q": "镇"}).json()
    assert found == [{"id": taiping.pk, "label": "广东省 › 清远市 › 清新区 › 太平镇"}]  # not its own town
    assert client.get(f"/places/{world.nankeng.pk}/move/pick/", {"q": "浑南"}).json() == []
    assert as_user(world.bob).get(f"/places/{world.nankeng.pk}/move/pick/", {"q": "镇"}).status_code == 403


def test_a_town_station_cannot_move_its_villages(world, as_user):
    response = as_user(world.bob).post(f"/places/{world.nankeng.pk}/move/", {"new_parent": world.longjing.pk})
    assert response.status_code == 403


def test_station_staff_update_their_station_facts_but_not_the_name(world, as_user):
    client = as_user(world.carol)
    response = client.post(
        f"/places/{world.jingkou.pk}/edit/",
        {
            "name": "改名村",
            "station_kind": "station",
            "address": "新地址",
            "phone": "0763-1",
            "hall_status": "closed",
        },
    )
    assert response.status_code == 302
    jingkou = OrgUnit.objects.get(pk=world.jingkou.pk)
    assert (jingkou.name, jingkou.address, jingkou.hall_status) == ("迳口村", "新地址", "closed")


def test_an_admin_adds_a_child_place_and_a_bad_level_is_explained_in_chinese(world, as_user):
    client = as_user(world.alice)
    ok = client.post(
        f"/places/{world.longjing.pk}/new/",
        {"name": "新村", "level": "village", "code": "", "hall_status": "open"},
    )
    assert ok.status_code == 302 and OrgUnit.objects.filter(name="新村", parent=world.longjing).exists()
    bad = client.post(
        f"/places/{world.longjing.pk}/new/",
        {"name": "错镇", "level": "district", "code": "", "hall_status": "open"},
    )
    assert bad.status_code == 200
    assert "不能位于" in bad.content.decode()
    assert not OrgUnit.objects.filter(name="错镇").exists()


def test_the_children_list_costs_the_same_queries_for_many_children(
    world, as_user, django_assert_max_num_queries
):
    client = as_user(world.alice)
    for number in range(30):
        place(world.longjing, f"村{number}", Level.VILLAGE)
    # One more: whose roles the admin may remove here; and a question each from the apps whose menu
    # entries and links show only where they lead somewhere (lib/work), none per child.
    with django_assert_max_num_queries(22):
        response = client.get(f"/places/{world.longjing.pk}/")
    assert response.status_code == 200 and "村29" in response.content.decode()
