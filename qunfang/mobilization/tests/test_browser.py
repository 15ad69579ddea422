"""A village clerk records the day's work on a phone; the town sees it at once, by village."""

import os

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser


def test_a_clerk_records_the_day_on_a_phone_and_the_town_sees_it(page, live_server, world, screenshot_dir):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/places/{world.jingkou.pk}/activities/day/")
    page.fill("input[name=count_temperature_checks]", "120")
    page.fill("input[name=count_door_to_door]", "15")
    page.fill("input[name=reached_door_to_door]", "48")
    page.screenshot(path=os.path.join(screenshot_dir, "activities-day-phone.png"), full_page=True)
    page.click("form.dayform button[type=submit]")
    page.wait_for_selector(".totals")
    assert "120" in page.inner_text(".totals")
    page.screenshot(path=os.path.join(screenshot_dir, "activities-village-phone.png"), full_page=True)
    page.context.clear_cookies()

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/activities/")
    assert "迳口村" in page.inner_text("table.figures")
    page.screenshot(path=os.path.join(screenshot_dir, "activities-town-desktop.png"), full_page=True)
