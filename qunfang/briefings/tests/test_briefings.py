"""Briefings written from the kept figures: drafted, edited, made final (frozen against later
corrections), sent up to the level above (which alone sees it), published with a public page that needs
no sign-in; public notices; the dashboard and its API."""

import io
from datetime import date

import docx
import pytest
from django.core.exceptions import ValidationError

from qunfang.briefings import services
from qunfang.briefings.models import Briefing, Notice
from qunfang.mobilization import services as mobilization
from qunfang.mobilization.models import ActivityType
from qunfang.testing.clients import api_client_for

DAY = date(2020, 1, 28)


def record(world, place, code: str, count: int, day=DAY, submission=None):
    kind = ActivityType.objects.get(code=code)
    return mobilization.record_day(
        by=world.carol if place == world.jingkou else world.dave,
        place=place,
        day=day,
        entries=[mobilization.Entry(kind, count, 0)],
        submission=submission or f"{place.pk}-{code}-{count}-{day}",
    )


@pytest.fixture
def briefing(world):
    record(world, world.jingkou, "temperature_checks", 120)
    record(world, world.nankeng, "temperature_checks", 80)
    return services.draft_briefing(
        by=world.bob, place=world.longjing, start=date(2020, 1, 24), end=date(2020, 2, 3)
    )


def text_of(briefing) -> str:
    return "\n".join(f"{s['heading']}\n{s['text']}" for s in briefing.sections)


def test_a_draft_quotes_the_kept_totals_of_the_place(briefing):
    assert "测量体温200人次" in text_of(briefing)
    assert briefing.figures["mobilization"]["activities"][3]["count"] == 200 and not briefing.final


def test_a_final_briefing_keeps_its_figures_when_records_change_later(world, briefing):
    services.finalize_briefing(by=world.bob, briefing=briefing)
    record(world, world.jingkou, "temperature_checks", 50, submission="late-correction")
    briefing.refresh_from_db()
    assert (
        "测量体温200人次" in text_of(briefing)
        and briefing.figures["mobilization"]["activities"][3]["count"] == 200
    )
    with pytest.raises(ValidationError):
        services.draft_briefing(
            by=world.bob, place=world.longjing, start=briefing.start, end=briefing.end, briefing=briefing
        )
    with pytest.raises(ValidationError):
        services.edit_briefing(
            by=world.bob, briefing=briefing, title="x", author="", sections=briefing.sections
        )
    fresh = services.draft_briefing(
        by=world.bob, place=world.longjing, start=date(2020, 1, 24), end=date(2020, 2, 3)
    )
    assert "测量体温250人次" in text_of(fresh)


def test_a_draft_is_edited_on_its_page_and_opens_as_word(world, briefing, as_user):
    client = as_user(world.bob)
    page = client.get(f"/briefings/{briefing.pk}/")
    assert "测量体温200人次" in page.content.decode()
    fields = {"title": "龙颈镇疫情防控简报（第一期）", "author": "龙颈镇退役军人服务站"}
    for n, part in enumerate(briefing.sections):
        fields[f"heading_{n}"], fields[f"text_{n}"] = part["heading"], part["text"] + "（已核对）"
    client.post(f"/briefings/{briefing.pk}/", fields)
    briefing.refresh_from_db()
    assert briefing.title == "龙颈镇疫情防控简报（第一期）" and briefing.sections[0]["text"].endswith(
        "（已核对）"
    )
    word = docx.Document(io.BytesIO(client.get(f"/briefings/{briefing.pk}/briefing.docx").content))
    assert word.paragraphs[0].text.replace("\n", "") == "龙颈镇疫情防控简报（第一期）"
    assert any("龙颈镇退役军人服务站" in p.text for p in word.paragraphs)


def test_a_bad_period_is_refused(world):
    with pytest.raises(ValidationError):
        services.draft_briefing(
            by=world.bob, place=world.longjing, start=date(2020, 2, 3), end=date(2020, 1, 24)
        )
    assert not Briefing.objects.exists()


def test_only_a_final_briefing_goes_up_and_the_level_above_sees_it(world, briefing, as_user):
    with pytest.raises(ValidationError, match="请先定稿"):
        services.submit_briefing(by=world.bob, briefing=briefing)
    client = as_user(world.bob)
    client.post(f"/briefings/{briefing.pk}/finalize/")
    client.post(f"/briefings/{briefing.pk}/submit/")
    briefing.refresh_from_db()
    assert briefing.final and briefing.submitted_at
    above = as_user(world.alice).get(f"/places/{world.qingxin.pk}/briefings/").content.decode()
    assert "下级报送的简报" in above and briefing.title in above
    assert (
        as_user(world.dave).get(f"/briefings/{briefing.pk}/").status_code == 404
    )  # a village below: not its own


def test_a_published_briefing_and_notice_have_a_public_page_with_a_qr_code(world, briefing, client):
    assert client.get(f"/public/briefings/{briefing.pk}/").status_code == 404  # a draft is nobody's business
    services.finalize_briefing(by=world.bob, briefing=briefing)
    services.publish_briefing(by=world.bob, briefing=briefing)
    with pytest.raises(ValidationError):
        services.save_notice(
            by=world.bob, place=world.longjing, kind="appeal", title=" ", body="x", signed="y"
        )
    notice = services.save_notice(
        by=world.bob,
        place=world.longjing,
        kind="appeal",
        title="致全镇退役军人的倡议书",
        body="永葆军人本色",
        signed="龙颈镇退役军人服务站",
    )
    assert client.get(f"/public/notices/{notice.pk}/").status_code == 404
    services.publish_notice(by=world.bob, notice=notice)
    public = client.get(f"/public/places/{world.longjing.pk}/").content.decode()
    assert "致全镇退役军人的倡议书" in public and briefing.title in public and "<svg" in public
    page = client.get(f"/public/briefings/{briefing.pk}/").content.decode()
    assert "测量体温200人次" in page
    assert Notice.objects.count() == 1


def test_the_dashboard_shows_the_figures_and_the_places_below(world, briefing, as_user):
    page = as_user(world.leo).get(f"/places/{world.longjing.pk}/dashboard/?start=2020-01-24&end=2020-02-03")
    text = page.content.decode()
    assert page.status_code == 200 and "200" in text and "迳口村" in text and "南坑村" in text
    figures = (
        api_client_for(world.bob)
        .get(f"/api/v1/dashboard?place_id={world.longjing.pk}&start=2020-01-24&end=2020-02-03")
        .json()
    )
    assert {a["code"]: a["count"] for a in figures["figures"]["mobilization"]["activities"]}[
        "temperature_checks"
    ] == 200


def test_briefings_through_the_api(world):
    record(world, world.jingkou, "temperature_checks", 33)
    client = api_client_for(world.carol)
    made = client.post(
        "/api/v1/briefings",
        {"place_id": world.jingkou.pk, "start": "2020-01-24", "end": "2020-02-03", "language": "en"},
        content_type="application/json",
    )
    assert made.status_code == 201 and "Temperature checks 33" in str(made.json()["sections"])
    final = client.post(f"/api/v1/briefings/{made.json()['id']}/finalize", content_type="application/json")
    assert final.json()["status"] == "final"
