"""A bureau admin composes a campaign, counts its recipients, sends it and watches it end, on a desktop
and on a phone."""

import os

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.messaging import services
from qunfang.registry.services import create_veteran
from qunfang.registry.synthetic import synthetic_id

pytestmark = pytest.mark.browser


def veterans_named(world, names):
    for n, name in enumerate(names, start=1):
        create_veteran(
            by=None,
            place=world.jingkou,
            name=name,
            id_number=synthetic_id("441803", n),
            phone=f"1380000000{n}",
        )


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_sends_a_campaign_and_watches_it_end(
    page, live_server, world, screenshot_dir, size_name, size
):
    veterans_named(world, ["张伟", "王芳", "陈静"])
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
    # Counted live as the form changes (htmx), before any button is pressed.
    page.wait_for_selector(".preview")
    assert "3 人将收到" in page.inner_text(".preview")
    page.click("button[name=count]")
    assert "3 人将收到" in page.inner_text(".preview")
    page.screenshot(path=os.path.join(screenshot_dir, f"campaign-compose-{size_name}.png"), full_page=True)
    page.click("button[name=save]")
    page.click("text=立即发送")
    # It asks first: how many, and the first message as it will read.
    assert "3 位接收人" in page.inner_text("main") and "第一条消息的内容" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, f"campaign-confirm-{size_name}.png"), full_page=True)
    page.click("text=发送给3位接收人")
    page.wait_for_selector("progress")
    assert page.locator("progress").get_attribute("value") == "3"
    page.screenshot(path=os.path.join(screenshot_dir, f"campaign-sent-{size_name}.png"), full_page=True)


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_caller_works_through_her_calls_on_a_phone(
    page, live_server, world, screenshot_dir, size_name, size
):
    veterans_named(world, ["张伟", "王芳"])
    template = services.save_template(
        by=None, place=world.qingxin, name="电话排查", channel="phone", approved=True,
        body="您好，{name}同志，我们是区退役军人事务局。请问家里有人发热吗？需要帮助吗？",
    )  # fmt: skip
    campaign = services.create_campaign(
        by=world.alice, place=world.qingxin, name="电话排查", template=template,
        filters={"callers": [world.carol.pk]},
    )  # fmt: skip
    services.start_campaign(by=world.alice, campaign=campaign)
    page.set_viewport_size(size)
    sign_in(page, live_server, "carol")
    page.click("text=待打的通知电话：电话排查")  # her calls, one tap from her home
    assert "共 2 个电话，还剩 2 个" in page.inner_text("main")
    first = page.locator("section.call").first
    first.locator("text=显示号码以拨打").click()
    page.wait_for_selector("a[href^='tel:']")  # the page with the number has loaded
    assert page.locator("a[href^='tel:+86138']").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, f"calls-number-{size_name}.png"), full_page=True)
    first = page.locator("section.call").first  # the call's own page, its number shown
    first.locator("label:has-text('已联系上')").click()
    first.locator("button:has-text('保存')").click()
    assert "已记录" in page.inner_text("body")
    assert "共 2 个电话，还剩 1 个" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, f"calls-recorded-{size_name}.png"), full_page=True)
