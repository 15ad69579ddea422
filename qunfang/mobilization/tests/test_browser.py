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
    page.wait_for_selector("#daily-chart[data-drawn=yes] canvas")  # the trimmed chart library, on a phone
    page.screenshot(path=os.path.join(screenshot_dir, "activities-village-phone.png"), full_page=True)
    page.context.clear_cookies()

    page.set_viewport_size(DESKTOP)
    refused = []  # a chart library that broke the Content-Security-Policy would show here
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/activities/")
    assert "迳口村" in page.inner_text("table.figures")
    page.wait_for_selector("#daily-chart[data-drawn=yes] canvas")
    assert refused == []
    page.screenshot(path=os.path.join(screenshot_dir, "activities-town-desktop.png"), full_page=True)


def test_a_veteran_signs_up_on_his_phone_and_the_clerk_confirms(page, live_server, world, screenshot_dir):
    from qunfang.mobilization.views import signup_token
    from qunfang.registry.services import create_veteran
    from qunfang.testing.world import SAMPLE_ID

    create_veteran(by=None, place=world.jingkou, name="张志愿", id_number=SAMPLE_ID, phone="13800138000")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/join/{signup_token(world.jingkou)}/")
    page.fill("input[name=name]", "张志愿")
    page.fill("input[name=id_number]", SAMPLE_ID)
    page.fill("input[name=phone]", "13800138000")
    page.check("input[name=skills][value=driving]")
    page.select_option("select[name=availability]", "weekends")
    page.check("input[name=consent]")
    page.screenshot(path=os.path.join(screenshot_dir, "volunteer-signup-phone.png"), full_page=True)
    page.click("form button[type=submit]")
    assert "感谢您报名" in page.inner_text("h1")

    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/places/{world.jingkou.pk}/volunteers/")
    page.click("text=1 个报名等待服务站确认")
    page.click("text=张志愿")
    assert "身份证号和手机号与花名册中的退役军人一致" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "volunteer-pending-phone.png"), full_page=True)
    page.click("button[value=accept]")
    assert "已确认张志愿为志愿者" in page.inner_text("body")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/places/{world.jingkou.pk}/volunteers/poster/")
    page.screenshot(path=os.path.join(screenshot_dir, "volunteer-poster-desktop.png"), full_page=True)
