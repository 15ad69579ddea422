"""Bureau admins sign in with a TOTP code as well as a password; other roles with the password alone."""

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from qunfang.core.models import AuditEntry
from qunfang.testing.clients import current_code, totp_device
from qunfang.testing.world import PASSWORD


def sign_in(username):
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def test_an_admin_with_only_a_password_is_sent_to_enrol_an_authenticator(world):
    client = sign_in("alice")
    response = client.get(f"/places/{world.qingxin.pk}/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    page = client.get(response.url).content.decode()
    assert "data:image/svg+xml" in page and "身份验证器" in page
    assert client.get("/api/v1/me").status_code == 401


def test_a_wrong_code_is_refused_in_chinese(world):
    client = sign_in("alice")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=world.alice)
    wrong_code = "000000" if current_code(device) != "000000" else "111111"
    wrong = client.post("/account/two-factor/", {"code": wrong_code})
    assert "验证码错误" in wrong.content.decode()
    assert client.get(f"/places/{world.qingxin.pk}/").status_code == 302
    assert not TOTPDevice.objects.get(user=world.alice).confirmed


def test_enrolling_with_the_apps_code_opens_the_pages_and_is_audited(world):
    client = sign_in("alice")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=world.alice)
    place_url = f"/places/{world.qingxin.pk}/"
    right = client.post("/account/two-factor/", {"code": current_code(device), "next": place_url})
    assert right.status_code == 302 and right.url == place_url
    assert client.get(place_url).status_code == 200
    assert AuditEntry.objects.filter(action="user.enrol_second_factor", actor=world.alice).exists()


def test_an_enrolled_admin_enters_a_code_at_every_sign_in(world):
    device = totp_device(world.alice)
    client = sign_in("alice")
    assert client.get("/").status_code == 302
    assert "data:image/svg" not in client.get("/account/two-factor/").content.decode()
    client.post("/account/two-factor/", {"code": current_code(device)})
    assert client.get(f"/places/{world.qingxin.pk}/").status_code == 200


def test_the_next_address_must_stay_on_this_site(world):
    device = totp_device(world.alice)
    client = sign_in("alice")
    response = client.post(
        "/account/two-factor/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_station_staff_need_no_second_factor(world):
    assert sign_in("carol").get(f"/places/{world.jingkou.pk}/").status_code == 200


def test_an_admin_resets_a_lost_authenticator(world, as_user):
    from qunfang.core import services
    from qunfang.core.roles import Role

    deputy = services.create_user(
        by=None,
        username="deputy",
        full_name="副局长",
        password=PASSWORD,
        place=world.longjing,
        role=Role.BUREAU_ADMIN,
    )
    totp_device(deputy)
    as_user(world.alice).post(f"/users/{deputy.pk}/second-factor/reset/")
    assert not TOTPDevice.objects.filter(user=deputy).exists()
    assert AuditEntry.objects.filter(action="user.reset_second_factor").exists()
