"""A grid worker on her phone works through her screening calls (the number shown on demand, the
outcome in two taps); the community's pages (register, passes, merchants, requests) read on a phone
and a desktop. Screenshots are kept for people to look at."""

import os

import pytest

from qunfang.community.models import ScreeningCall
from qunfang.community.services import merchants, register, requests, screening
from qunfang.core.roles import Role
from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in
from qunfang.testing.world import person

pytestmark = pytest.mark.browser


@pytest.fixture
def community(world):
    worker = person("gridworker", world.jingkou_grid, Role.GRID_WORKER, "网格员小李")
    building = register.save_building(by=None, community=world.jingkou, number="3栋", grid=world.jingkou_grid)
    for room, phone in (("101", "13900000101"), ("102", "13900000102"), ("103", "")):
        household = register.save_household(by=None, building=building, unit="1单元", room=room, phone=phone)
        register.add_resident(by=None, household=household, name=f"住户{room}", phone="")
    round_ = screening.start_round(
        by=world.carol, community=world.jingkou, name="第一轮电话排查",
        script="您好，家里有人发热吗？需要帮助吗？", callers=[worker],
    )  # fmt: skip
    shop = merchants.save_merchant(
        by=None, community=world.jingkou, name="老王超市", address="幸福路1号", kind="grocery"
    )
    merchants.add_staff(by=None, merchant=shop, name="收银员小刘", job="收银")
    requests.take_request(
        by=None, community=world.jingkou, channel="phone", category="supplies", text="居家隔离，需要代购米面",
        household=household,
    )  # fmt: skip
    return worker, round_


@pytest.mark.parametrize("size_name,size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_grid_worker_screens_her_households_on_a_phone(
    page, live_server, world, community, screenshot_dir, size_name, size
):
    worker, round_ = community
    page.set_viewport_size(size)
    sign_in(page, live_server, "gridworker")
    page.goto(f"{live_server.url}/screening/{round_.pk}/calls/")
    assert "共 3 个电话，还剩 3 个" in page.inner_text("main")
    first = page.locator("section.call").first
    first.locator("text=显示号码以拨打").click()
    page.wait_for_selector("a[href^='tel:']")  # the page with the number has loaded
    assert page.locator("a[href='tel:+8613900000101']").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, f"screening-calls-{size_name}.png"), full_page=True)
    first = page.locator("section.call").first
    first.locator("label:has-text('需要帮助')").click()
    first.locator("input[name=note]").fill("独居老人，需要代购")
    first.locator("button:has-text('保存')").click()
    assert "已记录" in page.inner_text(".messages")
    assert ScreeningCall.objects.get(household__room="101").outcome == "needs_help"
    assert "无电话：需入户" in page.inner_text("main")  # room 103 waits for a visit


@pytest.mark.parametrize("size_name,size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_community_pages_read_on_a_phone_and_a_desktop(
    page, live_server, world, community, screenshot_dir, size_name, size
):
    page.set_viewport_size(size)
    sign_in(page, live_server, "carol")
    for name, path, words in (
        ("register", f"/places/{world.jingkou.pk}/register/", "电话排查"),
        ("screening-round", f"/screening/{community[1].pk}/", "按网格"),
        ("merchants", f"/places/{world.jingkou.pk}/merchants/", "老王超市"),
        ("requests", f"/places/{world.jingkou.pk}/requests/", "代购米面"),
    ):
        page.goto(live_server.url + path)
        assert words in page.inner_text("main"), name
        page.screenshot(
            path=os.path.join(screenshot_dir, f"community-{name}-{size_name}.png"), full_page=True
        )
