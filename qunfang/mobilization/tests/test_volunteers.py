"""Volunteers sign up through the station's QR code and are matched to the roll; the station confirms;
teams have a leader among their members; people and teams are sent to places; bad input is refused
with the reason and leaves nothing behind."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qunfang.core.access import Scope
from qunfang.core.models import AuditEntry
from qunfang.mobilization import selectors, services
from qunfang.mobilization.models import Deployment, Team, Volunteer, VolunteerStatus
from qunfang.mobilization.views import signup_token
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import client_for
from qunfang.testing.world import SAMPLE_ID

OTHER_ID = "11010519491231002X"


def sign_up(client, place, **fields):
    data = {
        "name": "张志愿",
        "id_number": SAMPLE_ID,
        "phone": "13800138000",
        "skills": ["driving", "medical"],
        "availability": "weekends",
        "consent": "on",
    }
    data.update(fields)
    return client.post(f"/join/{signup_token(place)}/", data)


def test_a_veteran_signs_up_by_the_qr_code_and_the_station_confirms(world, as_user, client):
    veteran = create_veteran(
        by=None, place=world.jingkou, name="张志愿", id_number=SAMPLE_ID, phone="13800138000"
    )
    poster = as_user(world.carol).get(f"/places/{world.jingkou.pk}/volunteers/poster/")
    assert poster.status_code == 200 and "data:image/svg+xml" in poster.content.decode()
    assert signup_token(world.jingkou) in poster.content.decode()

    response = sign_up(client, world.jingkou)
    assert response.status_code == 200 and "感谢" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert volunteer.status == VolunteerStatus.PENDING and volunteer.signed_up_alone
    assert volunteer.veteran == veteran and volunteer.skills == ["medical", "driving"]
    assert str(volunteer.phone) != "13800138000"  # kept encrypted, shown masked

    page = as_user(world.carol).get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "身份证号和手机号与花名册中的退役军人一致" in page
    as_user(world.carol).post(f"/volunteers/{volunteer.pk}/confirm/", {"answer": "accept"})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.confirmed_by == world.carol

    sign_up(client, world.jingkou)  # the same person again: still one volunteer
    assert Volunteer.objects.count() == 1


def test_a_forged_sign_up_address_is_not_found(world, client):
    assert client.get(f"/join/{world.jingkou.pk}:forged/").status_code == 404
    assert client.get(f"/join/{world.jingkou.pk}/").status_code == 404


def test_a_bad_sign_up_is_told_in_chinese_and_stores_nothing(world, client):
    response = sign_up(client, world.jingkou, id_number="441803199001011234", phone="12345")
    text = response.content.decode()
    assert response.status_code == 200 and "身份证号" in text and "校验" in text
    response = sign_up(client, world.jingkou, consent="")
    assert "必填" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_sign_ups_from_one_address_are_limited(world, client, settings):
    for n in range(20):
        sign_up(client, world.jingkou, id_number=OTHER_ID if n == 0 else SAMPLE_ID)
    response = sign_up(client, world.jingkou, name="第二十一个")
    assert "请一小时后再试" in response.content.decode()


def test_revealing_a_volunteers_number_is_audited(world, as_user):
    volunteer = services.add_volunteer(
        by=world.carol, place=world.jingkou, name="李四", id_number=SAMPLE_ID, phone="13800138000"
    )
    page = as_user(world.carol).post(f"/volunteers/{volunteer.pk}/reveal/", {"field": "phone"})
    assert "13800138000" in page.content.decode()
    assert AuditEntry.objects.filter(action="volunteer.reveal", actor=world.carol).exists()
    assert "13800138000" not in client_for(world.leo).get(f"/volunteers/{volunteer.pk}/").content.decode()


def test_the_station_cannot_add_the_same_person_twice(world):
    services.add_volunteer(
        by=world.carol, place=world.jingkou, name="李四", id_number=SAMPLE_ID, phone="13800138000"
    )
    with pytest.raises(ValidationError, match="已经是本站的志愿者"):
        services.add_volunteer(
            by=world.carol, place=world.jingkou, name="李四", id_number=SAMPLE_ID, phone="13800138000"
        )


@pytest.fixture
def staff(world):
    """Four bureau staff as volunteers of the district, as the Hunnan bureau split its 14."""
    ids = [SAMPLE_ID, OTHER_ID, "110105194912310038", "110105194912310046"]
    return [
        services.add_volunteer(
            by=world.alice, place=world.qingxin, name=f"干部{n}", id_number=id_number, phone=f"1380013800{n}"
        )
        for n, id_number in enumerate(ids)
    ]


def test_a_team_has_its_leader_among_its_members(world, staff):
    team = services.save_team(
        by=world.alice, place=world.qingxin, name="宣传组", members=staff[:2], leader=staff[3]
    )
    assert set(team.members.all()) == {staff[0], staff[1], staff[3]} and team.leader == staff[3]


def test_a_team_cannot_take_volunteers_from_outside_its_place(world, staff):
    village = services.add_volunteer(
        by=world.alice, place=world.hunnan, name="外区人", id_number=SAMPLE_ID, phone="13900139000"
    )
    with pytest.raises(ValidationError, match="外区人"):
        services.save_team(by=world.alice, place=world.qingxin, name="宣传组", members=[village], leader=None)
    assert not Team.objects.exists()


def test_a_team_sent_to_a_community_can_be_named_on_its_records(world, staff, as_user):
    team = services.save_team(
        by=world.alice, place=world.qingxin, name="卡口组", members=staff, leader=staff[0]
    )
    today = timezone.localdate()
    services.deploy(
        by=world.alice,
        place=world.jingkou,
        team=team,
        start=today,
        end=today + timedelta(days=14),
        task="卡口值守",
    )
    scope = Scope.for_user(world.carol)
    assert set(selectors.who_can_take_part(scope, world.jingkou, today)) == set(staff)
    assert not selectors.who_can_take_part(scope, world.jingkou, today + timedelta(days=15)).exists()
    page = as_user(world.carol).get(f"/places/{world.jingkou.pk}/teams/").content.decode()
    assert "卡口组" in page and "卡口值守" in page


def test_a_deployment_that_ends_before_it_starts_is_refused_and_not_stored(world, staff, as_user):
    response = as_user(world.alice).post(
        f"/places/{world.jingkou.pk}/deployments/new/",
        {"volunteer": staff[0].pk, "start": "2020-02-10", "end": "2020-02-01", "task": "入户"},
    )
    assert "结束日期早于开始日期" in response.content.decode()
    assert not Deployment.objects.exists()
