"""The dashboard on a phone and a desktop: the figures, the daily chart drawn by ECharts under the
Content-Security-Policy, the places below; a briefing written from it and read on the public page."""

import os
from datetime import date

import pytest

from qunfang.briefings import services
from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in
from qunfang.mobilization import services as mobilization
from qunfang.mobilization.models import ActivityType

pytestmark = pytest.mark.browser


def test_the_town_opens_its_dashboard_on_a_phone_and_a_desktop(page, live_server, world, screenshot_dir):
    checks, visits = (
        ActivityType.objects.get(code="temperature_checks"),
        ActivityType.objects.get(code="door_to_door"),
    )
    for n, village in enumerate([world.jingkou, world.nankeng]):
        for day in range(24, 31):
            mobilization.record_day(
                by=world.bob,
                place=village,
                day=date(2020, 1, day),
                entries=[
                    mobilization.Entry(checks, 40 + day + n * 9, 0),
                    mobilization.Entry(visits, 12 + n, 30),
                ],
                submission=f"{village.pk}-{day}",
            )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "bob")
    page.wait_for_load_state()
    refused = []  # a chart library that broke the Content-Security-Policy would show here
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/dashboard/?start=2020-01-24&end=2020-02-03")
    page.wait_for_selector("#daily-chart[data-drawn=yes] canvas")
    assert refused == [], refused
    assert "迳口村" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_selector("#daily-chart[data-drawn=yes] canvas")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-desktop.png"), full_page=True)
    page.click("text=迳口村")
    page.wait_for_selector("#daily-chart[data-drawn=yes] canvas")
    assert "迳口村" in page.inner_text("h1")

    briefing = services.draft_briefing(
        by=world.bob, place=world.longjing, start=date(2020, 1, 24), end=date(2020, 2, 3)
    )
    services.finalize_briefing(by=world.bob, briefing=briefing)
    services.publish_briefing(by=world.bob, briefing=briefing)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/public/briefings/{briefing.pk}/")
    # The villages' visits, said by the stations below that recorded them, not by the town itself.
    assert "各级服务站入户走访宣传" in page.inner_text("main") and "我站" not in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "briefing-public-phone.png"), full_page=True)
