"""The API, staff's and veteran's: an application made by the veteran's phone as multipart, reviewed
by the town and the district as the pages do it; a return without a reason answers 422; another
person's application answers 404 to a veteran."""

import json

from qunfang.online.models import Application, ApplicationState
from qunfang.online.tests.conftest import ANSWERS, applied
from qunfang.portal.testing import visitor_client
from qunfang.registry.services import create_veteran
from qunfang.testing.clients import api_client_for, image_upload


def post(client, url, body):
    return client.post(f"/api/v1{url}", body, content_type="application/json")


def csrf(client) -> dict:
    client.get("/my/")
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def test_an_application_through_the_api(world, continuation, veteran):
    phone = visitor_client(veteran)
    headers = csrf(phone)
    listed = phone.get("/api/v1/my/online/services").json()
    assert "社保接续" in [s["name"] for s in listed]
    made = phone.post(
        f"/api/v1/my/online/services/{continuation.pk}/applications",
        {
            "answers": json.dumps(ANSWERS),
            "身份证正面": image_upload("a.png"),
            "退役证件": image_upload("b.png"),
        },
        **headers,
    )
    assert made.status_code == 201, made.content
    application = made.json()["id"]
    bob, alice = api_client_for(world.bob), api_client_for(world.alice)
    assert [
        a["id"] for a in bob.get(f"/api/v1/online/queue?place_id={world.longjing.pk}").json()["items"]
    ] == [application]
    assert (
        post(bob, f"/online/applications/{application}/return", {"step": 0, "reason": ""}).status_code == 422
    )
    assert post(alice, f"/online/applications/{application}/approve", {"step": 0}).status_code == 422
    assert (
        post(bob, f"/online/applications/{application}/approve", {"step": 0}).json()["waiting_at_id"]
        == world.qingxin.pk
    )
    done = post(alice, f"/online/applications/{application}/approve", {"step": 1})
    assert done.json()["state"] == ApplicationState.DONE
    mine = phone.get(f"/api/v1/my/online/applications/{application}").json()
    assert [step["taken"] for step in mine["steps"]] == ["sent", "approved", "approved"]


def test_a_not_image_document_answers_422_and_writes_nothing(world, continuation, veteran):
    phone = visitor_client(veteran)
    made = phone.post(
        f"/api/v1/my/online/services/{continuation.pk}/applications",
        {"answers": json.dumps(ANSWERS), "身份证正面": image_upload("a.png"), "退役证件": b"not an image"},
        **csrf(phone),
    )
    assert made.status_code == 422 and not Application.objects.exists()


def test_another_persons_application_answers_404_to_a_veteran(world, continuation, veteran):
    neighbour = create_veteran(by=None, place=world.jingkou, name="李四", id_number="441803196007150021")
    theirs = applied(neighbour, continuation)
    phone = visitor_client(veteran)
    headers = csrf(phone)
    assert phone.get(f"/api/v1/my/online/applications/{theirs.pk}").status_code == 404
    assert phone.post(f"/api/v1/my/online/applications/{theirs.pk}/withdraw", **headers).status_code == 404
    assert api_client_for(world.dave).get(f"/api/v1/online/applications/{theirs.pk}").status_code == 404
