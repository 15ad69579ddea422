"""The briefings' API twins of the pages: a briefing edited and drafted again, public notices written,
listed and published; the same services, audit entries and scoping as the pages."""

import json
from datetime import date

import pytest

from qunfang.briefings import services
from qunfang.briefings.models import Briefing, Notice
from qunfang.core.models import AuditEntry
from qunfang.testing.clients import api_client_for


@pytest.fixture
def briefing(world):
    return services.draft_briefing(
        by=world.bob, place=world.longjing, start=date(2020, 1, 24), end=date(2020, 2, 3)
    )


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def edit(title="龙颈镇工作简报（修改）", text="各村已全面排查。"):
    return {"title": title, "author": "龙颈镇服务站", "sections": [{"heading": "一、总体情况", "text": text}]}


def test_a_briefing_edited_through_the_api_keeps_the_text_and_an_audit_entry(world, briefing):
    response = patch(api_client_for(world.bob), f"/api/v1/briefings/{briefing.pk}", edit())
    assert response.status_code == 200 and response.json()["title"] == "龙颈镇工作简报（修改）"
    briefing.refresh_from_db()
    assert briefing.sections == [{"heading": "一、总体情况", "text": "各村已全面排查。"}]
    entry = AuditEntry.objects.get(action="briefing.edit")
    assert (entry.actor, entry.channel) == (world.bob, "api")


def test_a_final_briefing_or_one_without_text_is_not_changed(world, briefing):
    client = api_client_for(world.bob)
    empty = patch(client, f"/api/v1/briefings/{briefing.pk}", edit(text="  "))
    assert empty.status_code == 422 and "至少" in str(empty.json())
    services.finalize_briefing(by=world.bob, briefing=briefing)
    final = patch(client, f"/api/v1/briefings/{briefing.pk}", edit())
    assert final.status_code == 422 and not AuditEntry.objects.filter(action="briefing.edit").exists()
    again = client.post(f"/api/v1/briefings/{briefing.pk}/redraft")
    assert again.status_code == 422


def test_a_draft_is_drafted_again_from_the_figures_of_now(world, briefing):
    patch(api_client_for(world.bob), f"/api/v1/briefings/{briefing.pk}", edit(text="临时文字"))
    response = api_client_for(world.bob).post(f"/api/v1/briefings/{briefing.pk}/redraft")
    assert response.status_code == 200 and "临时文字" not in str(response.json()["sections"])
    assert Briefing.objects.count() == 1


def test_the_next_village_and_a_leader_cannot_edit_the_briefing(world, briefing):
    for user, status in ((world.dave, 404), (world.erin, 404), (world.leo, 404)):
        response = patch(api_client_for(user), f"/api/v1/briefings/{briefing.pk}", edit())
        assert response.status_code == status and "龙颈镇" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="briefing.edit").exists()


def notice(place, **extra):
    return {"place_id": place.pk, "title": "致全镇退役军人的倡议书", "body": "请积极参与。", **extra}


def test_a_notice_is_written_listed_and_published_through_the_api(world):
    client = api_client_for(world.bob)
    made = client.post("/api/v1/notices", notice(world.longjing), content_type="application/json")
    assert made.status_code == 201 and made.json()["signed"] == "龙颈镇" and not made.json()["published"]
    listed = client.get("/api/v1/notices", {"place_id": world.longjing.pk}).json()
    assert [n["title"] for n in listed["items"]] == ["致全镇退役军人的倡议书"]
    published = client.post(f"/api/v1/notices/{made.json()['id']}/publish")
    assert published.status_code == 200 and published.json()["published"]
    assert [e.action for e in AuditEntry.objects.filter(channel="api").order_by("pk")][-2:] == [
        "notice.save",
        "notice.publish",
    ]


def test_a_notice_sent_twice_with_its_key_is_saved_once(world):
    client = api_client_for(world.bob)
    answers = [
        client.post(
            "/api/v1/notices",
            notice(world.longjing),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="notice-0001",
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json()
    assert Notice.objects.count() == 1


def test_a_notice_without_text_or_at_another_place_is_refused_and_nothing_saved(world):
    blank = api_client_for(world.bob).post(
        "/api/v1/notices", notice(world.longjing, body=" "), content_type="application/json"
    )
    assert blank.status_code == 422 and "正文" in str(blank.json())
    for user in (world.dave, world.erin, world.leo):
        refused = api_client_for(user).post(
            "/api/v1/notices", notice(world.longjing), content_type="application/json"
        )
        assert refused.status_code == 404 and "龙颈镇" not in refused.content.decode()
    assert not Notice.objects.exists()


def test_another_places_notice_is_neither_listed_nor_published(world):
    made = services.save_notice(
        by=world.bob, place=world.longjing, kind="open_letter", title="倡议书", body="正文", signed="龙颈镇"
    )
    other = api_client_for(world.erin)
    assert other.get("/api/v1/notices", {"place_id": world.longjing.pk}).status_code == 404
    assert other.post(f"/api/v1/notices/{made.pk}/publish").status_code == 404
    assert api_client_for(world.leo).post(f"/api/v1/notices/{made.pk}/publish").status_code == 404
    made.refresh_from_db()
    assert made.published_at is None
