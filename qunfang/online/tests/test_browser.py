"""A veteran's application walked on a phone in Chromium, from sign-in to approval, by links and
buttons only: the veteran signs in with the code the SMS brought (read from the console channel's
messages log), applies for 社保接续 with photos of the documents; the town's clerk approves it on a
phone from her work of the day; the district approves at a desk; the veteran sees it approved and the
SMS of each step. Screenshots are kept."""

import io
import os

import pytest
from PIL import Image

from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.online.models import Application, ApplicationState
from qunfang.online.tests.conftest import texts_to
from qunfang.portal.testing import code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]
MOBILE = "13800001111"


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, f"online-{name}.png"), full_page=True)


def photo(name: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (230, 225, 210)).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def veteran_signs_in_and_applies(page, live_server, screenshot_dir):
    page.goto(f"{live_server.url}/my/sign-in/")
    page.fill("input[name=phone]", MOBILE)
    page.click("button[type=submit]")
    page.fill("input[name=code]", code_sent_to(MOBILE))
    page.click("button[type=submit]")
    shot(page, screenshot_dir, "veteran-home-phone")
    page.click("main a:has-text('网上申请办事')")
    page.click("main a:has-text('社保接续')")
    page.fill("input[name='参保地']", "清远市清城区")
    page.select_option("select[name='险种']", "养老和医疗保险")
    page.fill("input[name='退役时间']", "2019-09-01")
    page.fill("input[name='服役年限']", "5")
    page.set_input_files("input[name=photo_0]", files=[photo("身份证.jpg")])
    page.set_input_files("input[name=photo_1]", files=[photo("退役证.jpg")])
    shot(page, screenshot_dir, "apply-phone")
    page.click("main button:has-text('提交申请')")
    assert "申请已提交" in page.inner_text(".messages")
    assert "审核中" in page.inner_text("main") and "龙颈镇" in page.inner_text("main")
    shot(page, screenshot_dir, "sent-phone")


def approve_from_the_work_of_the_day(page, waiting: str):
    page.locator("section.work li", has_text=waiting).locator(".named a").first.click()
    assert "社保接续" in page.inner_text("main h1")
    page.click("#review button[name=approve]")
    assert "已审核通过" in page.inner_text(".messages")


def test_a_veterans_application_walked_on_a_phone_from_sign_in_to_approval(
    page, browser, live_server, world, screenshot_dir, continuation, veteran
):
    page.set_viewport_size(PHONE)
    veteran_signs_in_and_applies(page, live_server, screenshot_dir)

    town = browser.new_context(viewport=PHONE).new_page()
    sign_in(town, live_server, "bob")
    shot(town, screenshot_dir, "town-work-phone")
    approve_from_the_work_of_the_day(town, "待龙颈镇审核的网上申请")
    shot(town, screenshot_dir, "town-approved-phone")

    district = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(district, live_server, "alice")
    pass_second_factor(district, world.alice)
    district.locator("section.work li", has_text="待清新区审核的网上申请").locator(".named a").first.click()
    shot(district, screenshot_dir, "district-review-desktop")
    district.click("#review button[name=approve]")
    assert "已审核通过" in district.inner_text(".messages")

    page.click("main a:has-text('我的申请')")
    page.click("main a:has-text('社保接续')")
    assert "已办结" in page.inner_text("main h1")
    shot(page, screenshot_dir, "approved-phone")
    assert Application.objects.get().state == ApplicationState.DONE
    texts = texts_to(MOBILE)
    assert len(texts) == 3 and "已办结" in texts[-1]
