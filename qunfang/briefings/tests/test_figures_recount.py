"""Every figure true: random records of every app (activities with corrections, gifts from repeat
donors with corrections, merchants visited or not, campaigns of every channel and audience sent here
or elsewhere) and random places and periods. Every figure the dashboard's API answers, and every
number the drafted briefing writes, equals a recount made here from the raw rows."""

import re
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.briefings import services as briefings
from qunfang.community.models import Building, Household, MerchantVisit, NoticeDelivery, Resident
from qunfang.community.services import merchants
from qunfang.donations import services as donations
from qunfang.donations.models import CashDonation, Designation, HandOver
from qunfang.messaging import services as messaging
from qunfang.messaging.models import Message, OutsideCampaign
from qunfang.mobilization import services as mobilization
from qunfang.mobilization.models import ActivityRecord, ActivityType
from qunfang.testing.clients import api_client_for
from qunfang.testing.records import records_at

FIRST = date(2020, 1, 20)
DAYS = 20
CODES = ["temperature_checks", "door_to_door", "broadcasts", "visitors_dissuaded"]

activity = st.tuples(
    st.sampled_from(["jingkou", "nankeng", "longjing"]),
    st.integers(0, DAYS - 1),
    st.sampled_from(CODES),
    st.integers(1, 60),
    st.integers(0, 90),
    st.sampled_from([None, 0, 5]),  # no correction, withdrawn, or corrected to 5
)
gift = st.tuples(
    st.sampled_from(["jingkou", "nankeng", "longjing"]),
    st.integers(0, 3),  # four donors, so that some give twice
    st.integers(0, DAYS - 1),
    st.integers(1, 500),
    st.booleans(),  # split between two purposes
    st.sampled_from([None, "7.5"]),  # corrected afterwards
)
visit = st.tuples(st.integers(0, 2), st.integers(0, DAYS - 1), st.booleans())
outside = st.tuples(
    st.sampled_from(["jingkou", "nankeng", "longjing"]),
    st.integers(0, DAYS - 1),
    st.sampled_from(["sms", "wecom", "email", "phone"]),
    st.sampled_from(["veterans", "volunteers", "stations"]),
    st.integers(1, 999),
)
period = st.tuples(
    st.sampled_from(["jingkou", "longjing", "qingxin"]), st.integers(0, DAYS - 1), st.integers(0, 8)
)


def place_of(world, name):
    return getattr(world, name)


def under(place):
    return {"place__path__startswith": place.path}


def recount(world, place, start, end) -> dict:
    """The figures, counted again from the raw rows with plain queries."""
    return {
        "activities": _recount_activities(place, start, end),
        **_recount_donations(place, start, end),
        **_recount_messages(place, start, end),
        **_recount_community(place, start, end),
        **_recount_needs(place, start, end),
    }


def _recount_needs(place, start, end) -> dict:
    from django.db.models import F

    from qunfang.needs.models import Fulfilment, Need, NeedLine, NeedStatus

    open_needs = Need.objects.filter(status=NeedStatus.OPEN, **under(place))
    short = NeedLine.objects.filter(need__in=open_needs, delivered__lt=F("quantity"))
    arrived = Fulfilment.objects.filter(line__need__in=Need.objects.filter(**under(place)))
    in_period = [f for f in arrived if start <= f.day <= end]
    return {
        "open_needs": open_needs.count(),
        "missing_lines": short.count(),
        "need_arrivals": len(in_period),
    }


def _recount_activities(place, start, end) -> dict:
    records = ActivityRecord.objects.filter(day__range=(start, end), **under(place))
    activities = {}
    for code in CODES:
        mine = records.filter(activity_type__code=code)
        total = mine.aggregate(n=Sum("count"), r=Sum("people_reached"))
        own = mine.filter(place=place).aggregate(n=Sum("count"), r=Sum("people_reached"))
        activities[code] = {
            "count": total["n"] or 0,
            "reached": total["r"] or 0,
            "by_this_place": own["n"] or 0,
            "reached_by_this_place": own["r"] or 0,
        }
    return activities


def _recount_donations(place, start, end) -> dict:
    gifts = CashDonation.objects.filter(day__range=(start, end), **under(place))
    parts = Designation.objects.filter(donation__in=gifts)
    sheets = HandOver.objects.filter(day__range=(start, end), **under(place))
    handed = [str(s.donations.count()) for s in sheets] + [
        str(s.donations.values("donor").distinct().count()) for s in sheets
    ]
    handed += [
        str(s.donations.filter(donor__is_veteran=True).values("donor").distinct().count()) for s in sheets
    ]
    handed += [yuan(s.total_fen).rstrip("0").rstrip(".") for s in sheets]
    running = (
        CashDonation.objects.filter(day__lte=end, **under(place)).aggregate(f=Sum("amount_fen"))["f"] or 0
    )
    return {
        "running": yuan(running).rstrip("0").rstrip("."),
        "handed": handed,
        "gifts": gifts.count(),
        "fen": gifts.aggregate(f=Sum("amount_fen"))["f"] or 0,
        "donors": gifts.values("donor").distinct().count(),
        "veteran_donors": gifts.filter(donor__is_veteran=True).values("donor").distinct().count(),
        "by_purpose": {
            p["purpose"]: p["f"] for p in parts.values("purpose").annotate(f=Sum("amount_fen")) if p["f"]
        },
    }


def _recount_messages(place, start, end) -> dict:
    sms_messages = Message.objects.filter(
        campaign__template__channel="sms",
        campaign__started_at__date__range=(start, end),
        veteran__isnull=False,
        state__in=["sent", "delivered"],
        campaign__place__path__startswith=place.path,
    ).count()
    own_sms = Message.objects.filter(
        campaign__template__channel="sms",
        campaign__started_at__date__range=(start, end),
        veteran__isnull=False,
        state__in=["sent", "delivered"],
        campaign__place=place,
    ).count()
    own_sms += (
        OutsideCampaign.objects.filter(
            channel="sms", audience="veterans", day__range=(start, end), place=place
        ).aggregate(n=Sum("sent"))["n"]
        or 0
    )
    outside_sms = (
        OutsideCampaign.objects.filter(
            channel="sms", audience="veterans", day__range=(start, end), **under(place)
        ).aggregate(n=Sum("sent"))["n"]
        or 0
    )
    calls = Message.objects.filter(
        campaign__template__channel="phone",
        campaign__started_at__date__range=(start, end),
        veteran__isnull=False,
        outcome="reached",
        campaign__place__path__startswith=place.path,
    ).count()
    calls += (
        OutsideCampaign.objects.filter(
            channel="phone", audience="veterans", day__range=(start, end), **under(place)
        ).aggregate(n=Sum("sent"))["n"]
        or 0
    )
    return {
        "sms_to_veterans": sms_messages + outside_sms,
        "sms_by_this_place": own_sms,
        "sms_below": sms_messages + outside_sms - own_sms,
        "calls": calls,
        "outside": {
            (o["channel"], o["audience"]): o["n"]
            for o in OutsideCampaign.objects.filter(day__range=(start, end), **under(place))
            .values("channel", "audience")
            .annotate(n=Sum("sent"))
        },
    }


def _recount_community(place, start, end) -> dict:
    visits = MerchantVisit.objects.filter(day__range=(start, end), **under(place))
    return {
        "merchants_visited": visits.values("merchant").distinct().count(),
        "notices": NoticeDelivery.objects.filter(day__range=(start, end), **under(place))
        .values("merchant")
        .distinct()
        .count(),
        "residents": Resident.objects.filter(**under(place)).exclude(status="moved_out").count(),
        "households": Household.objects.filter(**under(place)).count(),
        "buildings": Building.objects.filter(**under(place)).count(),
    }


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@pytest.fixture
def stage(world):
    records_at(world.jingkou, by=world.carol, text="台账")  # a register, campaigns, a merchant of every app
    shops = [
        merchants.save_merchant(by=world.carol, community=world.jingkou, name=f"商户{n}") for n in range(3)
    ]
    donors = [
        donations.save_donor(by=world.alice, place=world.qingxin, name=f"捐赠者{n}", is_veteran=n % 2 == 0)
        for n in range(4)
    ]
    return shops, donors


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    activities=st.lists(activity, max_size=12),
    gifts=st.lists(gift, max_size=8),
    visits=st.lists(visit, max_size=5),
    elsewhere=st.lists(outside, max_size=4),
    periods=st.lists(period, min_size=1, max_size=3),
)
def test_every_figure_equals_a_recount_from_the_raw_rows(
    world, stage, activities, gifts, visits, elsewhere, periods
):
    shops, donors = stage
    _record(world, shops, donors, activities, gifts, visits, elsewhere)
    client = api_client_for(world.alice)
    for name, offset, length in periods:
        place = place_of(world, name)
        start = FIRST + timedelta(days=offset)
        end = start + timedelta(days=length)
        expected = recount(world, place, start, end)
        answer = client.get(f"/api/v1/dashboard?place_id={place.pk}&start={start}&end={end}").json()[
            "figures"
        ]
        _assert_dashboard_agrees(answer, expected, (name, start, end))
        # Every number the briefing writes is one of the recounted figures (or a day of the period).
        text = " ".join(
            s["text"]
            for s in briefings.draft_briefing(by=world.alice, place=place, start=start, end=end).sections
            if not s["heading"].startswith("退役军人志愿者先进事迹")
        )
        quoted = set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"\d+月\d+日", "", text)))
        assert quoted - _numbers_it_may_quote(expected, start, end) == set(), (text, name, start, end)


def _record(world, shops, donors, activities, gifts, visits, elsewhere) -> None:
    """The drawn activities, gifts, visits and outside campaigns, recorded through the services."""
    types = {code: ActivityType.objects.get(code=code) for code in CODES}
    for name, offset, code, count, reached, correction in activities:
        place = place_of(world, name)
        reached = reached if types[code].counts_people_reached else 0
        records = mobilization.record_day(
            by=world.alice, place=place, day=FIRST + timedelta(days=offset),
            entries=[mobilization.Entry(types[code], count, reached)],
        )  # fmt: skip
        if correction is not None:
            mobilization.correct_record(by=world.alice, record=records[0], count=correction)
    drive = donations.save_drive(
        by=None, place=world.guangdong, name="募捐", start=FIRST, designations=["防控一线", "慰问"]
    )
    for name, donor, offset, amount, split, correction in gifts:
        parts = [("防控一线", amount - 1), ("慰问", 1)] if split and amount > 1 else []
        made = donations.record_cash(
            by=world.alice, place=place_of(world, name), donor=donors[donor], drive=drive if parts else None,
            day=FIRST + timedelta(days=offset), amount=amount, designations=parts,
        )  # fmt: skip
        if correction:
            donations.correct_cash(by=world.alice, donation=made, amount=correction)
    for shop, offset, notice in visits:
        day = FIRST + timedelta(days=offset)
        merchants.record_visit(by=world.carol, merchant=shops[shop], day=day, is_open=notice)
        if notice and not shops[shop].notices.exists():
            merchants.deliver_notice(by=world.carol, merchant=shops[shop], day=day, signed_by="店主")
    for name, offset, channel, audience, sent in elsewhere:
        messaging.record_outside_campaign(
            by=world.alice, place=place_of(world, name), day=FIRST + timedelta(days=offset), channel=channel,
            audience=audience, platform="企信通", sent=sent,
        )  # fmt: skip


def _assert_dashboard_agrees(answer, expected, where) -> None:
    name, start, end = where
    for row in answer["mobilization"]["activities"]:
        if row["code"] in CODES:
            wanted = expected["activities"][row["code"]]
            assert {k: row[k] for k in wanted} == wanted, (row["code"], start, end, name)
            assert row["by_stations_below"] == wanted["count"] - wanted["by_this_place"]
    given_ = answer["donations"]
    assert given_["gifts_in_period"] == expected["gifts"]
    assert given_["yuan_in_period"] == yuan(expected["fen"])
    assert given_["donors_in_period"] == expected["donors"]
    assert given_["veteran_donors_in_period"] == expected["veteran_donors"]
    assert {p["purpose"]: p["yuan"] for p in given_["by_purpose_in_period"]} == {
        k: yuan(v) for k, v in expected["by_purpose"].items()
    }
    messages = answer["messaging"]
    assert messages["sms_to_veterans_sent"] == expected["sms_to_veterans"]
    assert messages["calls_to_veterans_reached"] == expected["calls"]
    assert messages["sms_to_veterans_by_this_place"] == expected["sms_by_this_place"]
    elsewhere_by_line = {
        (r["channel"], r["audience"]): r["elsewhere"] for r in messages["by_channel_and_audience"]
    }
    assert {k: v for k, v in elsewhere_by_line.items() if v} == expected["outside"]
    community = answer["community"]
    assert community["merchants_visited_in_period"] == expected["merchants_visited"]
    assert community["notices_delivered_in_period"] == expected["notices"]
    assert sum(r["residents"] for r in community["registers"]) == expected["residents"]
    assert sum(r["households"] for r in community["registers"]) == expected["households"]


def _numbers_it_may_quote(expected, start, end) -> set[str]:
    allowed = {str(v) for a in expected["activities"].values() for v in a.values()}
    allowed |= {str(a["count"] - a["by_this_place"]) for a in expected["activities"].values()}
    allowed |= {str(a["reached"] - a["reached_by_this_place"]) for a in expected["activities"].values()}
    allowed |= {str(expected[k]) for k in ("gifts", "donors", "veteran_donors", "calls")}
    # The SMS are written as this place's own and the stations' below when both sent some, else whole.
    allowed |= {str(expected[k]) for k in ("sms_to_veterans", "sms_by_this_place", "sms_below")}
    allowed |= {
        str(expected[k]) for k in ("merchants_visited", "notices", "residents", "households", "buildings")
    }
    allowed |= {
        yuan(expected["fen"]).rstrip("0").rstrip("."),
        *(yuan(v).rstrip("0").rstrip(".") for v in expected["by_purpose"].values()),
    }
    allowed |= {str(d.month) for d in (start, end)} | {str(d.day) for d in (start, end)}
    allowed |= set(expected["handed"])
    allowed |= {str(expected[k]) for k in ("open_needs", "missing_lines", "need_arrivals")}
    allowed |= {"1", "24"}  # the register's count of communities, "24-hour duty"
    allowed.add(expected["running"])
    return allowed
