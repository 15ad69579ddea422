"""A station clerk's and a bureau admin's way through the pages, in headless Chromium at phone and
desktop sizes. Screenshots are kept under test-output/screenshots/ for a person to look at."""

import base64
import os

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from qunfang.testing.clients import current_code
from qunfang.testing.world import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def pass_second_factor(page, user, screenshot_path=None):
    """Enrol as a bureau admin does the first time: the page shows a key; the 'phone' computes a code."""
    assert "/account/two-factor/" in page.url
    if screenshot_path:
        page.screenshot(path=screenshot_path, full_page=True)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.locator(".secret").inner_text() == base64.b32encode(device.bin_key).decode()
    page.fill("input[name=code]", current_code(device))
    page.click("button[type=submit]")


@pytest.mark.parametrize("size_name,size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_an_admin_signs_in_and_walks_the_tree(page, live_server, world, screenshot_dir, size_name, size):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=os.path.join(screenshot_dir, f"login-{size_name}.png"), full_page=True)
    sign_in(page, live_server, "alice")
    pass_second_factor(page, world.alice, os.path.join(screenshot_dir, f"two-factor-{size_name}.png"))
    assert page.locator("h1").inner_text().startswith("清新区")
    page.screenshot(path=os.path.join(screenshot_dir, f"district-{size_name}.png"), full_page=True)
    page.click("text=龙颈镇")
    page.click("text=迳口村")
    assert page.locator("h1").inner_text().startswith("迳口村")
    assert "0763-5550001" in page.content()
    crumbs = page.locator(".crumbs li").all_inner_texts()
    assert crumbs == ["广东省", "清远市", "清新区", "龙颈镇", "迳口村"]
    page.screenshot(path=os.path.join(screenshot_dir, f"village-{size_name}.png"), full_page=True)
    page.click("text=迳口村第一网格")
    assert page.locator("h1").inner_text().startswith("迳口村第一网格")


def test_a_village_clerk_sees_only_the_village_and_can_switch_to_english(
    page, live_server, world, screenshot_dir
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    assert page.locator("h1").inner_text().startswith("迳口村")
    assert "南坑村" not in page.content()
    # The town above is named in the breadcrumb but is not a link.
    assert page.locator(".crumbs a").count() == 0
    page.click("footer button[value=en]")
    page.get_by_text("Places under it").first.wait_for()  # the page in English has loaded
    assert "Places under it" in page.content()
    page.click("text=Edit")
    page.select_option("select[name=hall_status]", "online_only")
    page.click("button[type=submit]")
    page.get_by_text("Online only").first.wait_for()  # the saved station's page has loaded
    assert "Online only" in page.content()
    page.screenshot(path=os.path.join(screenshot_dir, "clerk-english-phone.png"), full_page=True)


def test_a_wrong_password_is_told_in_chinese(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.locator(".errors").inner_text()


def test_script_in_user_text_never_runs_in_the_browser(page, live_server, world):
    from qunfang.tests.test_security import plant_script_everywhere

    plant_script_everywhere(world)
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    sign_in(page, live_server, "carol")
    for path in [
        f"/places/{world.jingkou.pk}/",
        f"/places/{world.jingkou_grid.pk}/",
        "/users/",
        f"/users/{world.carol.pk}/",
        "/account/tokens/",
        "/places/?q=%3Cscript%3E",
    ]:
        page.goto(live_server.url + path)
        assert page.evaluate("typeof window.__xss") == "undefined", path
    assert dialogs == []
