"""The district's map on a phone: the district's admin signs in, reaches the dashboard by links, sees the
map drawn (the demo's drawn shapes, loaded through maps/demo.py onto the standing world), switches the
figure, taps the town on the map and lands on its dashboard, whose map shows its villages, and follows
the list under it down to a village."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE, pass_second_factor, sign_in
from qunfang.maps import demo

pytestmark = pytest.mark.browser


def test_the_district_admin_drills_down_the_map_on_a_phone(page, live_server, world, screenshot_dir):
    demo.load()  # 清新区 › 龙颈镇 › 迳口村 / 南坑村 get the demo's drawn shapes and points
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "alice")
    pass_second_factor(page, world.alice)
    page.wait_for_load_state()
    refused = []  # a chart that broke the Content-Security-Policy, or a script error, would show here
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    page.click(f"a[href='/places/{world.qingxin.pk}/dashboard/']")
    page.wait_for_selector("#district-map[data-drawn=yes] canvas")
    assert "示意边界，仅供演示" in page.inner_text("#map")
    page.locator("#map").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(screenshot_dir, "map-district-phone.png"), full_page=True)

    with page.expect_navigation():
        page.select_option("select[name=map_figure]", "visits_overdue")
    page.wait_for_selector("#district-map[data-drawn=yes] canvas")
    assert page.locator("select[name=map_figure]").input_value() == "visits_overdue"
    assert "逾期未走访" in page.inner_text("table.map-places thead")

    box = page.locator("#district-map canvas").first.bounding_box()
    with page.expect_navigation():  # the one town fills the district's outline: its middle is the town
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("h1").inner_text().endswith("龙颈镇")
    assert "map_figure=visits_overdue" in page.url
    page.wait_for_selector("#district-map[data-drawn=yes] canvas")
    assert page.locator("table.map-places tbody tr").count() == 2
    page.locator("#map").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(screenshot_dir, "map-town-phone.png"), full_page=True)

    page.click("table.map-places a:has-text('迳口村')")
    assert page.locator("h1").inner_text().endswith("迳口村")
    assert refused == [], refused
