"""The pages, veteran's and staff's, through the test client: a veteran applies with photos from
their phone, sees where it stands and why it was returned, amends it; the town clerk's queue (late
first) and review; the documents only through a scoped view; the bureau defines a service. Another
person's application answers 404 to a veteran, another village's to a clerk."""

import uuid

from django.utils import translation

from qunfang.online.models import Application, ApplicationState, OnlineService
from qunfang.online.tests.conftest import ANSWERS, applied
from qunfang.portal.testing import visitor_client
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import client_for, image_upload


def once() -> dict:
    return {"submission_key": uuid.uuid4().hex}


def test_a_veteran_applies_from_their_phone_and_amends_what_was_returned(world, continuation, veteran):
    phone = visitor_client(veteran)
    offered = phone.get("/my/online/")
    assert "社保接续" in offered.content.decode()
    form = phone.get(f"/my/online/services/{continuation.pk}/apply/").content.decode()
    assert 'accept="image/*"' in form and "capture" in form
    sent = phone.post(
        f"/my/online/services/{continuation.pk}/apply/",
        {**ANSWERS, "photo_0": image_upload("id.jpg"), "photo_1": image_upload("card.jpg"), **once()},
    )
    application = Application.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/my/online/applications/{application.pk}/"
    bob = client_for(world.bob)
    queue = bob.get(f"/places/{world.longjing.pk}/online/").content.decode()
    assert "张清" in queue and f"/online/applications/{application.pk}/" in queue
    page = bob.get(f"/online/applications/{application.pk}/").content.decode()
    document = application.documents.first()
    assert f"/online/documents/{document.pk}/" in page
    assert bob.get(f"/online/documents/{document.pk}/").status_code == 200
    refused = bob.post(f"/online/applications/{application.pk}/review/", {"step": 0, "return": "", **once()})
    assert refused.status_code == 200 and Application.objects.get().state == ApplicationState.UNDER_REVIEW
    returned = bob.post(
        f"/online/applications/{application.pk}/review/",
        {"step": 0, "reason": "退役证件看不清", "return": "", **once()},
    )
    assert returned.status_code == 302
    mine = phone.get(f"/my/online/applications/{application.pk}/").content.decode()
    assert "退役证件看不清" in mine and "send-again" in mine
    again = phone.post(
        f"/my/online/applications/{application.pk}/send-again/",
        {**ANSWERS, "photo_1": image_upload("card2.jpg"), **once()},
    )
    assert again.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.at, application.step) == (
        ApplicationState.UNDER_REVIEW,
        world.longjing,
        0,
    )


def test_a_veteran_reaches_nothing_of_another_person(world, continuation, veteran):
    neighbour = create_veteran(
        by=None, place=world.jingkou, name="李四", id_number="441803196007150021", phone="13800002222"
    )
    theirs = applied(neighbour, continuation)
    phone = visitor_client(veteran)
    for url in (
        f"/my/online/applications/{theirs.pk}/",
        f"/my/online/documents/{theirs.documents.first().pk}/",
    ):
        assert phone.get(url).status_code == 404
    assert phone.post(f"/my/online/applications/{theirs.pk}/withdraw/", once()).status_code == 404
    assert "李四" not in phone.get("/my/online/applications/").content.decode()
    assert Application.objects.get().state == ApplicationState.UNDER_REVIEW


def test_a_clerk_of_another_village_or_a_lower_place_cannot_review(world, continuation, veteran):
    application = applied(veteran, continuation)
    dave = client_for(world.dave)
    assert dave.get(f"/online/applications/{application.pk}/").status_code == 404
    assert dave.get(f"/online/documents/{application.documents.first().pk}/").status_code == 404
    carol = client_for(world.carol)  # the veteran's own village: sees it, but the town acts
    assert carol.get(f"/online/applications/{application.pk}/").status_code == 200
    posted = carol.post(
        f"/online/applications/{application.pk}/review/", {"step": 0, "approve": "", **once()}
    )
    assert posted.status_code == 404
    assert Application.objects.get().at == world.longjing


def test_the_bureau_defines_a_service_on_its_page(world):
    alice = client_for(world.alice)
    page = alice.get(f"/places/{world.qingxin.pk}/online/services/")
    assert page.status_code == 200
    made = alice.post(
        f"/places/{world.qingxin.pk}/online/services/new/",
        {
            "name": "证明开具",
            "purpose": "开具证明",
            "is_open": "on",
            "form_fields": "证明用途 | text | required\n份数 | 数字\n领取方式 | choice | 必填 | 自取，邮寄",
            "documents": "身份证正面 | required",
            "path": "town | check | 2\n区 | 审核 | 3",
            **once(),
        },
    )
    assert made.status_code == 302, made.content.decode()[-2000:]
    found = OnlineService.objects.get()
    assert [f["kind"] for f in found.fields] == ["text", "number", "choice"]
    assert found.fields[2]["options"] == ["自取", "邮寄"]
    assert found.path == [
        {"level": "town", "kind": "check", "days": 2},
        {"level": "district", "kind": "review", "days": 3},
    ]
    broken = alice.post(
        f"/places/{world.qingxin.pk}/online/services/new/",
        {"name": "再一个", "path": "town | check | 0", **once()},
    )
    with translation.override("zh-hans"):
        assert broken.status_code == 200 and "1至365天" in broken.content.decode()
    assert client_for(world.bob).get(f"/places/{world.qingxin.pk}/online/services/new/").status_code == 403
    assert OnlineService.objects.count() == 1
