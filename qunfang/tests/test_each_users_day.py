"""Each user's day, in headless Chromium, from sign-in and by what the pages show (no typed address):
a village clerk and a grid worker on a phone, a bureau admin and a leader above at a desk. Each lands
on her own place, which opens with her work of the day; every step is one tap from the page before.
Screenshots are kept under test-output/screenshots/ for a person to look at."""

import os
import re

import pytest
from django.utils import timezone

from qunfang.community.services import register, screening
from qunfang.core.models import Level
from qunfang.core.roles import Role
from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.messaging.models import Message
from qunfang.reporting.models import Reminder, Report
from qunfang.testing.world import person, place

pytestmark = pytest.mark.browser


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, f"day-{name}.png"), full_page=True)


def menu(page) -> list[str]:
    return page.locator(".mainnav > a").all_inner_texts()


def test_a_village_clerks_day_on_a_phone(page, live_server, world, screenshot_dir):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    work = page.locator("section.work")
    assert work.locator("h2").inner_text().startswith("今天的工作")
    assert "卡口" not in menu(page)  # no gate in her village: no menu entry to an empty page
    shot(page, screenshot_dir, "clerk-home-phone")
    # The report due (and, first and in red, one late), with its deadline, one tap away.
    due = work.locator("li", has_text="疫情日报：未报").first
    assert "截止时间" in due.inner_text()
    title = due.locator(".title").inner_text()
    due.locator("a").click()
    page.click("button.zero-report")
    page.wait_for_selector(".report-status")
    assert "零报告" in page.inner_text(".report-status")
    page.click("text=← 迳口村")
    assert title not in page.locator("section.work").inner_text()  # sent: no longer owed
    # The day's work, from the same list.
    page.locator("section.work").get_by_text("记录今天的工作").click()
    assert page.url.endswith(f"/places/{world.jingkou.pk}/activities/day/")
    shot(page, screenshot_dir, "clerk-day-entry-phone")


def test_a_grid_workers_day_on_a_phone(page, live_server, world, screenshot_dir):
    grid = world.jingkou_grid
    worker = person("gridwoman", grid, Role.GRID_WORKER, "网格员小李")
    building = register.save_building(by=None, community=world.jingkou, number="1栋", grid=grid)
    for room in ("101", "102"):
        household = register.save_household(
            by=None, building=building, unit="1单元", room=room, phone=f"139000{room}01"
        )
        register.add_resident(by=None, household=household, name=f"住户{room}")
    round_ = screening.start_round(
        by=world.carol, community=world.jingkou, name="全覆盖电话排查", script="您好，我们是迳口村。",
        callers=[worker], day=timezone.localdate(),
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "gridwoman")
    shot(page, screenshot_dir, "grid-home-phone")
    page.click("text=待打的排查电话：全覆盖电话排查")
    assert "共 2 个电话，还剩 2 个" in page.inner_text("main")
    page.select_option("select[name=show]", "all")
    page.get_by_role("button", name="显示").first.click()
    page.wait_for_url(re.compile(r"show=all"))
    first = page.locator("section.call").first
    household = first.locator("h2").inner_text().split(" ")[0]
    first.get_by_role("button", name="显示号码以拨打").click()
    page.wait_for_selector("a[href^='tel:+86139000']")  # the call's own page, its number shown
    assert household in page.locator("h1").inner_text()
    shot(page, screenshot_dir, "grid-number-phone")
    page.locator("label", has_text="已联系，情况正常").click()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"show=all"))  # back to the list as she left it
    assert f"{household}" in page.inner_text(".messages")
    assert round_.calls.get(household__room=household[-3:]).outcome == "reached"
    # The round's name on her grid's screening page opens the round (it used to say 未找到).
    page.click("text=← 全覆盖电话排查")
    assert page.locator("h1").inner_text().startswith("全覆盖电话排查")
    shot(page, screenshot_dir, "grid-round-phone")


def test_a_bureau_admins_day_at_a_desk(page, live_server, world, screenshot_dir):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "alice")
    pass_second_factor(page, world.alice)
    work = page.locator("section.work")
    missing = work.locator("li", has_text="尚未上报的地点").first
    # The stations not yet reported, by name and with their phone, where they are counted.
    assert "迳口村" in missing.inner_text() and "南坑村" in missing.inner_text()
    assert missing.locator("a[href='tel:0763-5550001']").count() == 1
    shot(page, screenshot_dir, "admin-home-desktop")
    missing.locator("li", has_text="迳口村").get_by_role("button", name="提醒").click()
    page.wait_for_selector(".messages")
    assert "已提醒迳口村" in page.inner_text(".messages")
    assert Reminder.objects.filter(place=world.jingkou).count() == 1
    assert "已于" in page.locator("section.work li", has_text="迳口村").first.inner_text()
    # The place page's own buttons lead somewhere she may go: no 移动 on her own district.
    assert page.locator("a.button", has_text="移动").count() == 0
    page.click("text=龙颈镇")
    page.click("a.button:has-text('移动')")
    assert page.locator("h1").inner_text().startswith("移动")
    shot(page, screenshot_dir, "admin-move-desktop")
    assert not Message.objects.exclude(campaign=None).exists() and not Report.objects.exists()


def test_a_leaders_day_at_a_desk(page, live_server, world, screenshot_dir):
    place(world.qingxin, "第三网格镇", Level.TOWN)  # a place with no code among those below
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "leo")
    assert page.locator("h1").first.inner_text().startswith("清远市")
    work = page.locator("section.work")
    assert "尚未上报的地点" in work.inner_text()
    assert work.locator("button", has_text="提醒").count() == 0  # a leader reads; she does not remind
    assert all(label not in menu(page) for label in ("卡口", "人员管理"))
    shot(page, screenshot_dir, "leader-home-desktop")
    page.click("text=清新区")
    page.locator("section.links").get_by_role("link", name="工作台", exact=True).click()
    assert page.locator("h1").inner_text().startswith("工作台")
    shot(page, screenshot_dir, "leader-dashboard-desktop")
