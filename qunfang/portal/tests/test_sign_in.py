"""Signing in with a code sent by SMS: the same answer for any number, codes that die, a lock-out, and
a scope of the phone's own people."""

import pytest
from django.conf import settings
from django.test import Client

from qunfang.core.models import AuditEntry
from qunfang.portal import services
from qunfang.portal.models import SignInCode
from qunfang.portal.testing import code_sent_to, visitor_client
from qunfang.registry import services as roll
from qunfang.registry.models import Status
from qunfang.registry.synthetic import synthetic_id
from qunfang.testing.clients import client_for

from .conftest import FATHER_PHONE, SON_PHONE

STRANGER = "13600009999"  # a mobile on nobody's roll


def ask(client, phone):
    return client.post("/my/sign-in/", {"phone": phone})


def messages_sent() -> int:
    log = settings.MESSAGES_LOG
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def test_a_veteran_signs_in_with_the_code_and_sees_their_own_file(father):
    client = visitor_client(father)
    page = client.get("/my/").content.decode()
    assert "林老伯" in page and "迳口村" in page
    assert father.id_number.reveal() not in page and FATHER_PHONE not in page  # masked
    assert str(father.id_number) in page
    assert AuditEntry.objects.filter(action="portal.signed_in").count() == 1


def test_a_number_off_the_roll_gets_the_same_answer_and_no_sms(father):
    on_roll, off_roll = ask(Client(), FATHER_PHONE), ask(Client(), STRANGER)
    assert on_roll.status_code == off_roll.status_code == 302
    assert on_roll["Location"] == off_roll["Location"]
    assert code_sent_to(FATHER_PHONE) and code_sent_to(STRANGER) is None
    assert SignInCode.objects.count() == 2  # a row for each: the tables do not tell them apart either
    shown = Client()
    ask(shown, STRANGER)
    page = shown.get("/my/sign-in/code/").content.decode()
    assert "136****9999" in page and STRANGER not in page


def test_a_wrong_code_dies_after_five_tries_and_the_phone_is_locked_after_ten(father):
    client = Client()
    ask(client, FATHER_PHONE)
    right = code_sent_to(FATHER_PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(services.TRIES_PER_CODE):
        answer = client.post("/my/sign-in/code/", {"code": wrong})
        assert answer.status_code == 200 and "不正确" in answer.content.decode()
    assert client.post("/my/sign-in/code/", {"code": right}).status_code == 200  # the code died
    ask(client, FATHER_PHONE)
    for _ in range(services.WRONG_CODES_PER_PHONE_AN_HOUR - services.TRIES_PER_CODE):
        client.post("/my/sign-in/code/", {"code": wrong})
    ask(client, FATHER_PHONE)
    fresh = code_sent_to(FATHER_PHONE)
    assert client.post("/my/sign-in/code/", {"code": fresh}).status_code == 200  # locked out for the hour
    assert client.get("/my/").status_code == 302


def test_a_code_serves_once_and_not_after_it_expired(father):
    client = visitor_client(father)
    again = Client()
    again.cookies = client.cookies
    code = code_sent_to(FATHER_PHONE)
    thief = Client()
    ask(thief, FATHER_PHONE)  # voids the first code too, but try the spent one
    assert thief.post("/my/sign-in/code/", {"code": code}).status_code == 200
    latest = code_sent_to(FATHER_PHONE)
    SignInCode.objects.update(expires_at=SignInCode.objects.get(used_at__isnull=False).created_at)
    assert thief.post("/my/sign-in/code/", {"code": latest}).status_code == 200
    assert thief.get("/my/").status_code == 302


def test_asking_for_codes_is_limited_alike_on_and_off_the_roll(father):
    for phone in (FATHER_PHONE, STRANGER):
        client = Client()
        for _ in range(services.CODES_PER_PHONE_AN_HOUR):
            assert ask(client, phone).status_code == 302
        refused = ask(client, phone)
        assert refused.status_code == 200 and "一小时后再试" in refused.content.decode()


def test_a_family_members_phone_acts_for_the_veteran_and_nobody_else(father, son, neighbour):
    client = visitor_client(father, phone=SON_PHONE)
    assert "林老伯" in client.get("/my/").content.decode()
    assert client.post(f"/my/act-for/{neighbour.pk}/").status_code == 404
    assert "邻村老兵" not in client.get("/my/").content.decode()


def test_a_phone_with_two_people_chooses_whom_it_acts_for(world, father):
    mother = roll.create_veteran(
        by=None, place=world.jingkou, name="林阿婆", id_number=synthetic_id("441803", 13), phone=FATHER_PHONE
    )
    client = visitor_client(father)
    assert client.post(f"/my/act-for/{mother.pk}/").status_code == 302
    assert "<h1>林阿婆</h1>" in client.get("/my/").content.decode()


def test_a_veteran_who_moved_away_or_lost_the_number_reaches_nobody(father):
    client = visitor_client(father)
    roll.update_veteran(by=None, veteran=father, phone="13500001234")
    assert client.get("/my/").status_code == 302
    client = visitor_client(father, phone="13500001234")
    roll.update_veteran(by=None, veteran=father, status=Status.MOVED)
    assert client.get("/my/").status_code == 302


def test_a_staff_account_is_no_visitor(world, father):
    clerk = client_for(world.carol)
    answer = clerk.get("/my/")
    assert answer.status_code == 302 and answer["Location"].startswith("/my/sign-in/")
    assert clerk.post(f"/my/act-for/{father.pk}/").status_code == 403


def test_signing_in_changes_the_session_key_and_signing_out_ends_it(father):
    client = Client()
    ask(client, FATHER_PHONE)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/my/sign-in/code/", {"code": code_sent_to(FATHER_PHONE)})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.post("/my/sign-out/").status_code == 302
    assert client.get("/my/").status_code == 302


@pytest.mark.parametrize("typed", ["1370000\x001111", "13700001111\x07", "1" * 5000, "０１２", "12345"])
def test_hostile_numbers_get_a_clear_refusal(father, typed):
    answer = Client().post("/my/sign-in/", {"phone": typed})
    assert answer.status_code == 200 and 'role="alert"' in answer.content.decode()
    assert SignInCode.objects.count() == 0


@pytest.mark.parametrize("typed", ["１２３４５６", "12345\x00", "-12345", "9" * 400])
def test_hostile_codes_are_refused_like_wrong_ones(father, typed):
    client = Client()
    ask(client, FATHER_PHONE)
    assert client.post("/my/sign-in/code/", {"code": typed}).status_code == 200
    assert client.get("/my/").status_code == 302


def test_the_sign_in_goes_back_only_to_a_veterans_page(father):
    client = Client()
    client.post("/my/sign-in/?next=https://evil.example/", {"phone": FATHER_PHONE})
    answer = client.post("/my/sign-in/code/?next=https://evil.example/", {"code": code_sent_to(FATHER_PHONE)})
    assert answer["Location"] == "/my/"


def test_the_api_refuses_a_broken_character_in_the_number(father):
    answer = Client().post(
        "/api/v1/my/code", '{"phone": "13700001111\\ud800"}', content_type="application/json"
    )
    assert answer.status_code == 422 and SignInCode.objects.count() == 0


def test_the_api_signs_in_reads_the_file_and_refuses_without_the_cookie(father, neighbour):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/api/v1/my/code", {"phone": FATHER_PHONE}, content_type="application/json").status_code
        == 202
    )
    assert (
        client.post("/api/v1/my/code", {"phone": STRANGER}, content_type="application/json").status_code
        == 202
    )
    body = {"phone": FATHER_PHONE, "code": "000000" if code_sent_to(FATHER_PHONE) != "000000" else "111111"}
    assert client.post("/api/v1/my/sign-in", body, content_type="application/json").status_code == 422
    body["code"] = code_sent_to(FATHER_PHONE)
    signed = client.post("/api/v1/my/sign-in", body, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["acting_for"]["name"] == "林老伯"
    assert "*" in signed.json()["acting_for"]["id_number"]
    assert client.get("/api/v1/my/me").json()["acting_for"]["id"] == father.pk
    # a write needs the CSRF header, as the staff's browser API
    assert client.post(f"/api/v1/my/act-for/{neighbour.pk}").status_code in (401, 403)
    assert Client().get("/api/v1/my/me").status_code == 401
    client.get("/my/sign-in/")  # the CSRF cookie, as a page gives it
    token = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    assert client.post(f"/api/v1/my/act-for/{neighbour.pk}", **token).status_code == 404


def test_a_staff_session_is_no_visitor_in_the_api(world):
    assert client_for(world.carol).get("/api/v1/my/me").status_code == 401
