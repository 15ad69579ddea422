"""A bureau admin manages who works where, in the pages, within the admin's own places."""

from qunfang.core.models import AuditEntry, Membership, User
from qunfang.core.roles import Role
from qunfang.testing.world import person


def new_user(client, place, **fields):
    data = {
        "username": "xiaoli",
        "full_name": "李小丽",
        "role": Role.STATION_STAFF,
        "password1": "Village-Clerk-2024",
        "password2": "Village-Clerk-2024",
        **fields,
    }
    return client.post(f"/places/{place.pk}/users/new/", data)


def test_an_admin_creates_a_clerk_who_can_then_sign_in_at_the_village(world, as_user):
    response = new_user(as_user(world.alice), world.nankeng)
    assert response.status_code == 302
    user = User.objects.get(username="xiaoli")
    assert list(user.memberships.values_list("place__name", "role")) == [("南坑村", "station_staff")]
    assert AuditEntry.objects.filter(action="user.create", place=world.nankeng).exists()


def test_a_weak_password_or_a_taken_name_is_refused_with_nothing_written(world, as_user):
    client = as_user(world.alice)
    weak = new_user(client, world.nankeng, password1="12345678", password2="12345678")
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    taken = new_user(client, world.nankeng, username="CAROL")
    assert "已被使用" in taken.content.decode()
    assert not User.objects.filter(username__in=["xiaoli", "CAROL"]).exists()


def test_station_staff_cannot_create_users(world, as_user):
    assert new_user(as_user(world.bob), world.jingkou).status_code == 403


def test_an_admin_gives_an_existing_user_a_second_role(world, as_user):
    response = as_user(world.alice).post(
        f"/places/{world.longjing.pk}/members/add/", {"username": "carol", "role": Role.VOLUNTEER}
    )
    assert response.status_code == 302
    assert world.carol.memberships.count() == 2
    unknown = as_user(world.alice).post(
        f"/places/{world.longjing.pk}/members/add/", {"username": "nobody", "role": Role.VOLUNTEER}
    )
    assert "没有这个用户名" in unknown.content.decode()


def test_an_admin_removes_a_role_but_not_their_own(world, as_user):
    client = as_user(world.alice)
    client.post(f"/memberships/{world.carol.memberships.get().pk}/remove/")
    assert not world.carol.memberships.exists()
    client.post(f"/memberships/{world.alice.memberships.get().pk}/remove/")
    assert world.alice.memberships.exists()


def test_a_town_admin_cannot_switch_off_a_district_admin_who_also_works_in_the_town(world, as_user):
    town_admin = person("townadmin", world.longjing, Role.BUREAU_ADMIN)
    Membership.objects.create(user=world.alice, place=world.longjing, role=Role.VOLUNTEER)
    client = as_user(town_admin)
    assert client.post(f"/users/{world.alice.pk}/active/", {"active": "0"}).status_code == 404
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_an_admin_switches_a_clerk_off_and_sets_a_new_password(world, as_user):
    client = as_user(world.alice)
    client.post(f"/users/{world.carol.pk}/active/", {"active": "0"})
    world.carol.refresh_from_db()
    assert not world.carol.is_active
    client.post(
        f"/users/{world.carol.pk}/password/",
        {"password1": "Brand-New-Pass-99", "password2": "Brand-New-Pass-99"},
    )
    world.carol.refresh_from_db()
    assert world.carol.check_password("Brand-New-Pass-99")


def test_the_people_page_lists_only_people_of_the_users_places(world, as_user, django_assert_max_num_queries):
    client = as_user(world.bob)
    with django_assert_max_num_queries(15):  # 10, and the apps' menu entries (lib/work)
        page = client.get("/users/").content.decode()
    assert "谢卡萝" in page and "戴维" in page and "艾丽丝" not in page and "艾琳" not in page
