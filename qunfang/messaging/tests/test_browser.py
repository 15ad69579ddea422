"""A bureau admin composes a campaign, counts its recipients, sends it and watches it end, on a desktop
and on a phone."""

import os

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.messaging import services
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_sends_a_campaign_and_watches_it_end(
    page, live_server, world, screenshot_dir, size_name, size
):
    for n, name in enumerate(["张伟", "王芳", "陈静"], start=1):
        create_veteran(
            by=None,
            place=world.jingkou,
            name=name,
            id_number=synthetic_id("441803", n),
            phone=f"1380000000{n}",
        )
    services.save_template(
        by=None, place=world.qingxin, name="防疫提醒", channel="console", approved=True,
        body="{name}同志：疫情防控期间请少出门、戴口罩，如有发热请告知{place}。",
    )  # fmt: skip
    page.set_viewport_size(size)
    sign_in(page, live_server, "alice")
    pass_second_factor(page, world.alice)
    page.goto(f"{live_server.url}/places/{world.qingxin.pk}/campaigns/new/")
    page.fill("input[name=name]", "一月防疫提醒")
    page.select_option("select[name=template]", label="防疫提醒")
    page.click("button[name=count]")
    assert "3 人将收到" in page.inner_text(".preview")
    page.screenshot(path=os.path.join(screenshot_dir, f"campaign-compose-{size_name}.png"), full_page=True)
    page.click("button[name=save]")
    page.click("text=立即发送")
    page.wait_for_selector("progress")
    assert page.locator("progress").get_attribute("value") == "3"
    page.screenshot(path=os.path.join(screenshot_dir, f"campaign-sent-{size_name}.png"), full_page=True)
