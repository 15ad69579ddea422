"""Signing in: wrong passwords, lock-out, switched-off accounts, session expiry, password rules."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from qunfang.core import services
from qunfang.core.middleware import RENEWED_KEY, SESSION_RENEWAL_SECONDS
from qunfang.testing.world import PASSWORD


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_correct_password_signs_in_and_lands_on_the_users_place(world):
    client = Client()
    response = sign_in(client, "carol", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").url == f"/places/{world.jingkou.pk}/"


def test_a_wrong_password_is_told_in_chinese(world):
    response = sign_in(Client(), "carol", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "carol", "wrong-password")
    response = sign_in(client, "carol", PASSWORD)
    assert response.status_code == 429
    assert "登录已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_switched_off_account_cannot_sign_in(world):
    services.set_user_active(by=world.alice, user=world.carol, active=False, place=world.jingkou)
    response = sign_in(Client(), "carol", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session


def test_sessions_expire_after_a_working_day_of_idleness(world, as_user):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client = as_user(world.carol)
    client.get("/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    renewed = Session.objects.get(session_key=key).expire_date
    # A page read soon after writes nothing: no transaction for the session on every request.
    response = client.get("/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).expire_date == renewed
    # Once the last renewal is a few minutes old, a request pushes the expiry on and sends the cookie again.
    session = client.session
    session[RENEWED_KEY] -= SESSION_RENEWAL_SECONDS
    session.save()
    response = client.get("/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600
    assert Session.objects.get(session_key=key).expire_date > renewed


def test_pages_send_visitors_who_are_not_signed_in_to_the_sign_in_page(world):
    response = Client().get(f"/places/{world.jingkou.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_signing_out_ends_the_session(world, as_user):
    client = as_user(world.carol)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_user_changes_their_own_password_under_the_password_rules(world, as_user):
    client = as_user(world.carol)
    weak = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "密码" in weak.content.decode() and weak.status_code == 200
    ok = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Stronger-Secret-2024",
            "new_password2": "Stronger-Secret-2024",
        },
    )
    assert ok.status_code == 302
    world.carol.refresh_from_db()
    assert world.carol.check_password("Stronger-Secret-2024")


def test_an_expired_session_sends_the_user_back_to_sign_in(world, as_user):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = as_user(world.carol)
    assert client.get(f"/places/{world.jingkou.pk}/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(f"/places/{world.jingkou.pk}/").status_code == 302
