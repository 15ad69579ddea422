"""A village clerk sends a zero report with one tap on a phone; the town sees who has not reported,
approves; the district sees its villages by town in the grid."""

import os

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser
DAY = "2020-01-25"


def test_a_zero_report_on_a_phone_reaches_the_town_and_the_district(page, live_server, world, screenshot_dir):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/places/{world.jingkou.pk}/reports/submit/?day={DAY}")
    page.screenshot(path=os.path.join(screenshot_dir, "report-form-phone.png"), full_page=True)
    page.click("button.zero-report")
    page.wait_for_selector(".report-status")
    assert "零报告" in page.inner_text(".report-status")
    page.screenshot(path=os.path.join(screenshot_dir, "report-sent-phone.png"), full_page=True)
    page.context.clear_cookies()

    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/reports/?day={DAY}")
    assert "南坑村" in page.inner_text("table.figures") and page.locator(".report-grid .cell").count() == 2
    page.screenshot(path=os.path.join(screenshot_dir, "report-town-phone.png"), full_page=True)
    page.click("text=全部审核通过")
    page.wait_for_selector(".messages")
    assert "1" in page.inner_text(".completeness-figures")
    page.context.clear_cookies()

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "leo")  # the city's leader, reading
    page.goto(f"{live_server.url}/places/{world.qingxin.pk}/reports/?day={DAY}")
    assert page.locator(".grid-group h3").first.inner_text() == "龙颈镇"
    page.screenshot(path=os.path.join(screenshot_dir, "report-district-desktop.png"), full_page=True)
