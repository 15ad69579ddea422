"""Each figure that was wrong, tried as a user would: through the API and the briefing a bureau drafts.
Each test failed before the figures were the apps' own (lib/figures)."""

import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from qunfang.briefings import services as briefings
from qunfang.briefings.documents import lines
from qunfang.community.services import merchants
from qunfang.community.services import register as community
from qunfang.donations import services as donations
from qunfang.donations.models import CashDonation, Donor
from qunfang.messaging import services as messaging
from qunfang.mobilization import services as mobilization
from qunfang.mobilization.models import ActivityType
from qunfang.testing.clients import api_client_for

START, END = date(2020, 1, 24), date(2020, 2, 3)
BEIJING = ZoneInfo("Asia/Shanghai")


def text(briefing) -> str:
    return "\n".join(s["text"] for s in briefing.sections)


def dashboard(user, place, start=START, end=END) -> dict:
    client = api_client_for(user)
    return client.get(f"/api/v1/dashboard?place_id={place.pk}&start={start}&end={end}").json()


def test_a_gift_after_the_period_is_not_in_the_periods_total_nor_a_dayless_briefing(world):
    veteran = donations.save_donor(by=world.alice, place=world.qingxin, name="老兵甲", is_veteran=True)
    donations.record_cash(
        by=world.alice, place=world.qingxin, donor=veteran, day=date(2020, 1, 30), amount=100
    )
    donations.record_cash(
        by=world.alice, place=world.qingxin, donor=veteran, day=date(2020, 2, 10), amount=900
    )
    figures = dashboard(world.alice, world.qingxin)["figures"]["donations"]
    assert (figures["gifts_in_period"], figures["yuan_in_period"]) == (1, "100.00")
    assert "共筹集捐款合计100元（1笔，捐赠者1位）" in text(
        briefings.draft_briefing(by=world.alice, place=world.qingxin, start=START, end=END)
    )
    quiet = briefings.draft_briefing(
        by=world.alice, place=world.qingxin, start=date(2020, 1, 25), end=date(2020, 1, 25)
    )
    assert "捐款" not in text(quiet)  # nothing was given by then: no all-time total either


def test_one_veteran_who_gave_twice_is_one_veteran(world):
    veteran = donations.save_donor(by=world.alice, place=world.qingxin, name="老兵乙", is_veteran=True)
    gifts = [
        donations.record_cash(
            by=world.alice, place=world.qingxin, donor=veteran, day=date(2020, 2, 3), amount=a
        )
        for a in (20, 30)
    ]
    donations.hand_over(
        by=world.alice,
        place=world.qingxin,
        donations=gifts,
        recipient="区慈善会",
        day=date(2020, 2, 3),
        signed_by="经办人",
    )
    written = text(briefings.draft_briefing(by=world.alice, place=world.qingxin, start=START, end=END))
    assert "退役军人1人共捐款50元，于2月3日移交区慈善会" in written
    assert dashboard(world.alice, world.qingxin)["figures"]["donations"]["donors_in_period"] == 1


def test_merchants_visited_are_the_ones_visited_in_the_period(world):
    shops = [
        merchants.save_merchant(by=world.carol, community=world.jingkou, name=f"店{n}") for n in range(3)
    ]
    merchants.record_visit(by=world.carol, merchant=shops[0], day=date(2020, 1, 28), is_open=True)
    merchants.record_visit(by=world.carol, merchant=shops[0], day=date(2020, 1, 29), is_open=True)
    merchants.record_visit(by=world.carol, merchant=shops[1], day=date(2020, 3, 1), is_open=False)
    figures = dashboard(world.carol, world.jingkou)["figures"]["community"]
    assert (figures["merchants_visited_in_period"], figures["merchant_visits_in_period"]) == (1, 2)
    assert figures["merchants_registered"] == 3
    assert "走访商户1家" in text(
        briefings.draft_briefing(by=world.carol, place=world.jingkou, start=START, end=END)
    )


def test_sms_to_veterans_are_counted_apart_from_other_channels_and_a_village_is_not_the_district(world):
    sent_elsewhere = [
        ("sms", "veterans", 40), ("phone", "veterans", 7), ("wecom", "volunteers", 9),
        ("email", "stations", 3), ("sms", "volunteers", 11),
    ]  # fmt: skip
    for channel, audience, sent in sent_elsewhere:
        messaging.record_outside_campaign(
            by=world.carol, place=world.jingkou, day=date(2020, 1, 27), channel=channel, audience=audience,
            platform="企信通", sent=sent,
        )  # fmt: skip
    figures = dashboard(world.carol, world.jingkou)["figures"]["messaging"]
    assert figures["sms_to_veterans_sent"] == 40 and figures["sms_to_veterans_elsewhere"] == 40
    written = text(briefings.draft_briefing(by=world.carol, place=world.jingkou, start=START, end=END))
    assert "我站向辖区退役军人发送疫情防控提醒短信40条" in written and "全区" not in written
    district = text(briefings.draft_briefing(by=world.alice, place=world.qingxin, start=START, end=END))
    assert "各级服务站向辖区退役军人发送疫情防控提醒短信40条" in district and "我局向" not in district


def test_a_districts_briefing_quotes_a_communitys_register_as_that_communitys(world):
    building = community.save_building(by=world.carol, community=world.jingkou, number="1")
    home = community.save_household(by=world.carol, building=building, room="101")
    community.add_resident(by=world.carol, household=home, name="住户甲")
    district = text(briefings.draft_briefing(by=world.alice, place=world.qingxin, start=START, end=END))
    assert "其中：迳口村共有1栋楼、1户居民，常住人口1人。" in district
    assert "清新区共有" not in district
    own = text(briefings.draft_briefing(by=world.carol, place=world.jingkou, start=START, end=END))
    assert own.startswith("迳口村共有1栋楼") or "\n迳口村共有1栋楼" in own


def test_the_dashboard_never_adds_units_and_its_report_card_is_for_yesterday(world, as_user):
    kinds = {k.code: k for k in ActivityType.objects.all()}
    mobilization.record_day(
        by=world.carol, place=world.jingkou, day=date(2020, 1, 28),
        entries=[
            mobilization.Entry(kinds["temperature_checks"], 30, 0),
            mobilization.Entry(kinds["broadcasts"], 4, 0),
        ],
    )  # fmt: skip
    page = as_user(world.alice).get(f"/places/{world.qingxin.pk}/dashboard/?start=2020-01-24&end=2020-02-03")
    # The page without its hidden inputs, whose random tokens and submission keys may hold any digits.
    html = re.sub(r'<input type="hidden"[^>]*>', "", page.content.decode())
    assert "34" not in html.replace("2020-01-24", "") and "合计" not in html
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 12, 2, 8, 0, tzinfo=BEIJING)):
        today = dashboard(world.alice, world.qingxin, date(2026, 11, 25), date(2026, 12, 2))
    assert today["figures"]["reporting"]["day"] == "2026-12-01"


def test_a_refused_api_gift_leaves_no_donor_and_another_districts_drive_is_refused(world):
    client = api_client_for(world.carol)
    refused = client.post(
        "/api/v1/donations/cash",
        {"place_id": world.jingkou.pk, "donor_name": "不该留下", "day": "2020-02-01", "amount": "-1"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and not Donor.objects.filter(name="不该留下").exists()
    drive = donations.save_drive(by=world.erin, place=world.hunnan, name="浑南区募捐", start=date(2020, 1, 1))
    elsewhere = client.post(
        "/api/v1/donations/cash",
        {
            "place_id": world.jingkou.pk,
            "donor_name": "捐赠人",
            "day": "2020-02-01",
            "amount": "5",
            "drive_id": drive.pk,
        },
        content_type="application/json",
    )
    assert elsewhere.status_code == 404 and not CashDonation.objects.exists()
    assert not Donor.objects.filter(name="捐赠人").exists()


def test_a_briefing_made_half_past_midnight_in_beijing_is_dated_that_day(world):
    # 00:30 in Beijing is still 1 December in UTC.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 12, 2, 0, 30, tzinfo=BEIJING)):
        briefing = briefings.draft_briefing(by=world.alice, place=world.qingxin, start=START, end=END)
        briefings.finalize_briefing(by=world.alice, briefing=briefing)
    source, _author = lines(briefing)
    assert "2026-12-02" in source


def test_another_places_submission_key_is_refused_not_answered_with_its_record(world):
    mine = {"place_id": world.jingkou.pk, "donor_name": "迳口捐赠人", "day": "2020-02-01", "amount": "88",
            "submission": "shared-key-1"}  # fmt: skip
    first = api_client_for(world.carol).post("/api/v1/donations/cash", mine, content_type="application/json")
    assert first.status_code == 201
    theirs = {**mine, "place_id": world.hunnan.pk, "donor_name": "浑南捐赠人"}
    answer = api_client_for(world.erin).post(
        "/api/v1/donations/cash", theirs, content_type="application/json"
    )
    assert answer.status_code == 422 and "迳口" not in answer.content.decode()
    outside = {"place_id": world.qingxin.pk, "day": "2020-02-01", "channel": "sms", "audience": "veterans",
               "platform": "企信通", "sent": 5, "note": "清新备注", "submission": "shared-key-2"}  # fmt: skip
    client = api_client_for(world.alice)
    assert (
        client.post(
            "/api/v1/messaging/outside-campaigns", outside, content_type="application/json"
        ).status_code
        == 201
    )
    again = api_client_for(world.erin).post(
        "/api/v1/messaging/outside-campaigns",
        {**outside, "place_id": world.hunnan.pk},
        content_type="application/json",
    )
    assert again.status_code == 422 and "清新备注" not in again.content.decode()


def test_a_campaign_naming_another_districts_team_or_a_missing_id_is_refused(world):
    from qunfang.mobilization import services as teams

    template = messaging.save_template(
        by=world.alice, place=world.qingxin, name="提醒", body="{name}您好", channel="console", approved=True
    )
    hunnan_team = teams.save_team(by=world.erin, place=world.hunnan, name="浑南一组", members=[], leader=None)
    client = api_client_for(world.alice)
    for audience in ({"kind": "team", "team": hunnan_team.pk}, {"kind": "team", "team": 999999},
                     {"kind": "veterans", "places": [world.hunnan.pk]},
                     {"kind": "not_reported", "data_set": 999999}):  # fmt: skip
        answer = client.post(
            "/api/v1/messaging/campaigns",
            {"place_id": world.qingxin.pk, "name": "越界", "template_id": template.pk, "audience": audience},
            content_type="application/json",
        )
        assert answer.status_code == 422, audience
