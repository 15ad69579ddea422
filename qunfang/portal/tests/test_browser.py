"""A veteran on their own phone finds the sign-in from the site's front door, asks for a code, types
the one the SMS brought and sees their own file (screenshots kept)."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE
from qunfang.portal.testing import code_sent_to

from .conftest import FATHER_PHONE, SON_PHONE

pytestmark = pytest.mark.browser


def test_a_veterans_son_signs_in_on_his_phone_and_sees_his_fathers_file(
    page, live_server, father, son, screenshot_dir
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    page.click("text=用手机号登录")
    page.fill("input[name=phone]", "137 0000 2222")
    page.screenshot(path=os.path.join(screenshot_dir, "portal-sign-in-phone.png"), full_page=True)
    page.click("button[type=submit]")
    assert "137****2222" in page.inner_text("main")
    page.fill("input[name=code]", "000000" if code_sent_to(SON_PHONE) != "000000" else "111111")
    page.click("button[type=submit]")
    assert "验证码不正确" in page.inner_text("main")
    page.fill("input[name=code]", code_sent_to(SON_PHONE))
    page.screenshot(path=os.path.join(screenshot_dir, "portal-code-phone.png"), full_page=True)
    page.click("button[type=submit]")
    main = page.inner_text("main")
    assert "林老伯" in main and "迳口村" in main and FATHER_PHONE not in main
    page.screenshot(path=os.path.join(screenshot_dir, "portal-home-phone.png"), full_page=True)
    page.click("text=退出登录")
    assert "用手机号登录" in page.inner_text("main")
