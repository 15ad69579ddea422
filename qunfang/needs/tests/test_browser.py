"""A village clerk on a phone posts a need by links, records a commitment and a delivery, watches the
missing quantity go to zero, and opens the public page with its QR code (screenshots kept)."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.needs.models import Need, NeedStatus

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]


def test_a_need_from_posting_to_delivery_on_a_phone(page, live_server, world, screenshot_dir):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    # a village clerk lands on her village's page, where the needs are one tap away
    page.click(f"a[href='/places/{world.jingkou.pk}/needs/new/']")
    page.fill("input[name=title]", "消毒液和防护服")
    page.fill("input[name=item_0]", "消毒液")
    page.fill("input[name=unit_0]", "瓶")
    page.fill("input[name=quantity_0]", "120")
    page.fill("input[name=item_1]", "防护服")
    page.fill("input[name=unit_1]", "件")
    page.fill("input[name=quantity_1]", "40")
    page.screenshot(path=os.path.join(screenshot_dir, "needs-post-phone.png"), full_page=True)
    page.click("button[type=submit]")
    need = Need.objects.get()
    page.click(f"a[href='/needs/{need.pk}/commit/']")
    page.fill("input[name=donor_name]", "夏宇")
    page.check("input[name=named_publicly]")
    page.fill("input[name=quantity]", "121")  # more than the need: refused, said in words
    page.click("button[type=submit]")
    assert "121" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "needs-commit-refused-phone.png"), full_page=True)
    page.fill("input[name=quantity]", "120")
    page.click("button[type=submit]")
    page.click(f"a[href='/needs/{need.pk}/deliver/']")
    first, second = need.lines.order_by("pk")
    page.select_option("select[name=commitment]", index=1)
    page.fill(f"input[name=quantity_{first.pk}]", "120")
    page.fill("input[name=delivered_by]", "夏宇")
    page.fill("input[name=received_by]", "社区干部")
    page.click("button[type=submit]")
    page.click(f"a[href='/needs/{need.pk}/deliver/']")  # the suits, from elsewhere
    page.fill(f"input[name=quantity_{second.pk}]", "40")
    page.fill("input[name=delivered_by]", "军诚驾校")
    page.fill("input[name=received_by]", "社区干部")
    page.click("button[type=submit]")
    assert Need.objects.get().status == NeedStatus.MET
    page.click(f"a[href='/places/{world.jingkou.pk}/needs/']")
    assert page.locator("progress.bar").count() == 2
    assert page.inner_text("main").count("0 瓶") >= 1
    page.screenshot(path=os.path.join(screenshot_dir, "needs-list-phone.png"), full_page=True)
    page.click("a[href^='/open-needs/']")
    assert page.locator(".qr svg").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, "needs-public-phone.png"), full_page=True)
