"""A village clerk finds a veteran by ID number on a phone, and shows the mobile number to call."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.registry import services
from qunfang.test import SAMPLE_ID

pytestmark = pytest.mark.browser


def test_a_clerk_finds_a_veteran_by_id_number_and_reveals_the_mobile(
    page, live_server, world, screenshot_dir
):
    services.create_veteran(
        by=None, place=world.jingkou, name="曹建明", id_number=SAMPLE_ID, phone="13800138000"
    )
    services.create_veteran(by=None, place=world.jingkou, name="谢水泉", id_number="441803196512120018")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.click("nav >> text=退役军人")
    page.fill("input[name=q]", SAMPLE_ID)
    page.click("form.filters button")
    assert SAMPLE_ID not in page.url
    assert page.locator(".people li").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, "veterans-search-phone.png"), full_page=True)
    page.click("text=曹建明")
    assert "138****8000" in page.content()
    page.click("button[value=phone]")
    assert "+8613800138000" in page.content()
    page.screenshot(path=os.path.join(screenshot_dir, "veteran-revealed-phone.png"), full_page=True)
