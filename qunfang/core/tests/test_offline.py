"""The kernel's part of working without a network (core/offline.py): the installable app's manifest, the
service worker served at the site's root, a fresh CSRF token for the signed-in outbox only, and the
four forms marked for the outbox on pages the worker keeps, with the outbox set up for the person
signed in (another person on the same phone gets their own)."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qunfang.care import services as care
from qunfang.care.models import EventKind
from qunfang.community.services import register, screening
from qunfang.core.offline import outbox_words
from qunfang.core.personal import check_character
from qunfang.registry import services as registry
from qunfang.testing.clients import client_for


def test_the_manifest_makes_an_installable_app_opening_at_the_home(world):
    answer = Client().get("/manifest.webmanifest")
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"] == "群防"
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200, icon["src"]


def test_the_worker_is_served_at_the_root_and_always_asked_for_anew(world):
    answer = Client().get("/offline-sw.js")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/javascript"
    assert answer["Cache-Control"] == "no-cache" and b"data-offline-page" in answer.content
    assert Client().post("/offline-sw.js").status_code == 405


def test_a_fresh_token_is_given_to_the_person_signed_in_only(world):
    signed_out = Client().get("/offline/token/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/")
    answer = client_for(world.carol).get("/offline/token/")
    assert answer["Cache-Control"] == "no-store"
    assert answer.json()["user"] == world.carol.pk and len(answer.json()["csrf"]) >= 32
    assert client_for(world.carol).post("/offline/token/").status_code == 405


@pytest.fixture
def four_forms(world):
    first = "44180319400101123"
    veteran = registry.create_veteran(
        by=None,
        place=world.jingkou,
        name="张清",
        id_number=first + check_character(first),
        phone="13800138000",
    )
    care.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2018, 1, 1))
    care.save_rule(by=None, place=world.qingxin, name="每季度电话", kind="call", every_months=3,
                   starts=timezone.localdate() - timedelta(days=12))  # fmt: skip
    building = register.save_building(by=None, community=world.jingkou, number="3栋")
    register.save_household(by=None, building=building, unit="1单元", room="101", phone="13900000101")
    round_ = screening.start_round(
        by=None, community=world.jingkou, name="排查", script="您好", callers=[world.carol]
    )
    village = f"/places/{world.jingkou.pk}"
    return [
        f"{village}/activities/day/",
        f"{village}/reports/submit/?set=epidemic_daily",
        f"/screening/{round_.pk}/calls/",
        f"/veterans/{veteran.pk}/care/record/",
    ]


def test_the_four_forms_are_kept_for_the_outbox_with_their_own_keys(world, four_forms):
    clerk = client_for(world.carol)
    for url in four_forms:
        page = clerk.get(url).content.decode()
        assert "<body data-offline-page>" in page, url
        assert "data-offline-outbox=" in page, url
        assert f'"user": {world.carol.pk}' in page, url
    assert 'data-outbox-fresh="submission"' in clerk.get(four_forms[0]).content.decode()
    assert "没有网络时照片不会保存" in clerk.get(four_forms[3]).content.decode()
    # A page that is not for working offline is not kept: the worker keeps what asks to be kept only.
    assert "data-offline-page" not in clerk.get(f"/places/{world.jingkou.pk}/reports/").content.decode()
    # The neighbour on the same phone: their own outbox, and none of these forms.
    assert f'"user": {world.dave.pk}' in client_for(world.dave).get("/", follow=True).content.decode()
    assert client_for(world.dave).get(four_forms[0]).status_code in (403, 404)


def test_the_outbox_speaks_chinese_without_a_network():
    from django.utils import translation

    with translation.override("zh-hans"):
        words = outbox_words()
    assert words["waiting"] == "%(count)s 条待发送" and words["sign_in"].startswith("请先登录")
    with translation.override("en"):
        english = outbox_words()
    assert all(words[key] != english[key] for key in english), "every word of the outbox in Chinese"
