"""The phones, keywords and inbound pages and their API twins over the same services: a phone on two
stations at once is refused, a sibling village's clerk gets 404, a station's staff may not set the
bureau's words (403/404), an alias two words would share is refused naming both, the inbound list is
scoped and filtered, phones masked."""

import json

import pytest

from qunfang.smsreports import services
from qunfang.smsreports.models import InboundMessage, Keyword, Outcome, RegisteredPhone
from qunfang.smsreports.tests.conftest import DAVE_PHONE
from qunfang.testing.clients import api_client_for, client_for


def test_the_clerk_registers_and_retires_a_phone_by_the_pages(world, inbound_settings):
    clerk = client_for(world.dave)
    answer = clerk.post(f"/places/{world.nankeng.pk}/sms/phones/new/", {"phone": "１３９ １２３４ ５６７８"})
    assert answer.status_code == 302
    row = RegisteredPhone.objects.get()
    page = clerk.get(f"/places/{world.nankeng.pk}/sms/").content.decode()
    assert "139****5678" in page and DAVE_PHONE not in page
    # the same number for the next village, by its clerk: refused, without naming the station
    answer = client_for(world.carol).post(
        f"/places/{world.jingkou.pk}/sms/phones/new/", {"phone": DAVE_PHONE}
    )
    assert (
        answer.status_code == 200
        and "已登记" in answer.content.decode()
        and "南坑村" not in answer.content.decode()
    )
    assert RegisteredPhone.objects.count() == 1
    assert clerk.post(f"/sms-phones/{row.pk}/retire/").status_code == 302
    assert not RegisteredPhone.objects.get().active
    # retired, it may be registered again elsewhere
    assert (
        client_for(world.carol)
        .post(f"/places/{world.jingkou.pk}/sms/phones/new/", {"phone": DAVE_PHONE})
        .status_code
        == 302
    )


def test_the_api_twins_register_list_and_retire(world, inbound_settings):
    api = api_client_for(world.dave)
    made = api.post(
        "/api/v1/sms/phones", {"place_id": world.nankeng.pk, "phone": DAVE_PHONE}, "application/json"
    )
    assert made.status_code == 201 and made.json()["phone"] == "139****5678"
    again = api_client_for(world.carol).post(
        "/api/v1/sms/phones", {"place_id": world.jingkou.pk, "phone": DAVE_PHONE}, "application/json"
    )
    assert again.status_code == 422
    listed = api.get(f"/api/v1/sms/phones?place_id={world.nankeng.pk}").json()
    assert [p["phone"] for p in listed["items"]] == ["139****5678"]
    assert api.post(f"/api/v1/sms/phones/{made.json()['id']}/retire").json()["active"] is False


def test_a_sibling_village_and_another_district_get_404(world, nankeng_phone):
    services.take_message(services.Arrived("fake", "1", DAVE_PHONE, "0"))
    for user in (world.carol, world.erin):
        other = client_for(user)
        assert other.get(f"/places/{world.nankeng.pk}/sms/").status_code == 404
        assert other.get(f"/places/{world.nankeng.pk}/sms/inbound/").status_code == 404
        assert other.post(f"/sms-phones/{nankeng_phone.pk}/retire/").status_code == 404
        assert api_client_for(user).get(f"/api/v1/sms/inbound?place_id={world.nankeng.pk}").status_code == 404
    # the next village's own list holds nothing of 南坑村's
    page = client_for(world.carol).get(f"/places/{world.jingkou.pk}/sms/inbound/").content.decode()
    assert "南坑村" not in page
    assert RegisteredPhone.objects.get().active


def test_an_unregistered_numbers_messages_are_the_owning_districts_only(world, nankeng_phone):
    services.take_message(services.Arrived("fake", "u1", "13800000009", "0"))
    assert (
        client_for(world.alice)
        .get(f"/places/{world.qingxin.pk}/sms/inbound/?outcome=unregistered")
        .status_code
        == 200
    )
    page = client_for(world.alice).get(f"/places/{world.qingxin.pk}/sms/inbound/?outcome=unregistered")
    assert "138****0009" in page.content.decode()
    for user in (
        world.dave,
        world.bob,
        world.erin,
    ):  # the stations below see none of it; nor another district
        found = api_client_for(user).get(f"/api/v1/sms/inbound?place_id={user.memberships.first().place_id}")
        assert all(m["outcome"] != "unregistered" for m in found.json()["items"])


def test_the_bureau_sets_aliases_and_a_clash_is_refused(world, nankeng_phone):
    admin = api_client_for(world.alice)
    answer = admin.post(
        "/api/v1/sms/keywords",
        {"place_id": world.qingxin.pk, "aliases": {"field:epidemic_daily:fever_found": "fr ＦＲＢ，frr"}},
        "application/json",
    )
    assert answer.status_code == 200
    fever = next(k for k in answer.json() if k["target"] == "field:epidemic_daily:fever_found")
    assert fever["aliases"] == ["fr", "frb", "frr"] and fever["set_at_id"] == world.qingxin.pk
    # the station writes the new alias
    row = services.take_message(services.Arrived("fake", "k1", DAVE_PHONE, "rb 12-01 frb2"))
    assert row.outcome in (Outcome.RECORDED, Outcome.REFUSED)  # refused only when 12-01 is after today
    clash = admin.post(
        "/api/v1/sms/keywords",
        {"place_id": world.qingxin.pk, "aliases": {"field:epidemic_daily:home_quarantined": "gl frb"}},
        "application/json",
    )
    assert clash.status_code == 422 and "发热" in json.dumps(clash.json(), ensure_ascii=False)
    assert Keyword.objects.count() == 1
    # a station's staff may read the words but not set them
    assert api_client_for(world.dave).post(
        "/api/v1/sms/keywords",
        {"place_id": world.nankeng.pk, "aliases": {"work": "gzz"}},
        "application/json",
    ).status_code in (403, 404)
    page = client_for(world.dave).get(f"/places/{world.nankeng.pk}/sms/keywords/").content.decode()
    assert "frb" in page and 'class="stacked"' not in page  # the words, without the form
    assert client_for(world.dave).post(f"/places/{world.nankeng.pk}/sms/keywords/", {}).status_code == 404
    assert Keyword.objects.count() == 1


def test_the_inbound_list_filters_by_outcome_and_counts_each(
    world, nankeng_phone, django_assert_max_num_queries
):
    for n, text in enumerate(["0", "发热x", "体温 3"]):
        services.take_message(services.Arrived("fake", f"f{n}", DAVE_PHONE, text))
    admin = client_for(world.alice)
    with django_assert_max_num_queries(20):
        page = admin.get(f"/places/{world.qingxin.pk}/sms/inbound/?outcome=refused").content.decode()
    assert "发热x" in page and "体温 3" not in page
    counts = api_client_for(world.alice).get(f"/api/v1/sms/inbound/counts?place_id={world.qingxin.pk}").json()
    expected = {o: InboundMessage.objects.filter(outcome=o).count() for o in Outcome.values}
    assert counts["counts"] == expected and counts["counts"]["recorded"] == 2


@pytest.mark.parametrize("outcome", ["nonsense", "recorded<script>"])
def test_a_bad_filter_shows_everything(world, nankeng_phone, outcome):
    assert (
        client_for(world.dave).get(f"/places/{world.nankeng.pk}/sms/inbound/?outcome={outcome}").status_code
        == 200
    )


def test_only_a_station_registers_phones(world, inbound_settings):
    answer = api_client_for(world.bob).post(
        "/api/v1/sms/phones", {"place_id": world.longjing.pk, "phone": DAVE_PHONE}, "application/json"
    )
    assert answer.status_code == 422 and "龙颈镇" in answer.json()["detail"][0]
    assert not RegisteredPhone.objects.exists()
