"""A bureau clerk records a veteran's gift on a phone, split between two purposes, and sees the receipt
number; the drive's totals and the stock page read on a phone and a desktop (screenshots kept)."""

import os
from datetime import date

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.donations import services
from qunfang.donations.models import CashDonation

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size_name,size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_gift_is_recorded_on_a_phone_and_counted_for_the_drive(
    page, live_server, world, screenshot_dir, size_name, size
):
    drive = services.save_drive(
        by=None,
        place=world.qingxin,
        name="抗疫爱心捐款",
        start=date(2020, 1, 28),
        designations=["支援武汉", "本地一线"],
    )
    disinfectant = services.item_named("消毒液", "瓶")
    services.receive_goods(
        by=None, place=world.qingxin, item=disinfectant, quantity=120, day=date(2020, 2, 18)
    )
    page.set_viewport_size(size)
    sign_in(page, live_server, "alice")
    pass_second_factor(page, world.alice)
    page.goto(f"{live_server.url}/places/{world.qingxin.pk}/donations/new/")
    page.fill("input[name=donor_name]", "沙河慈善会")
    page.select_option("select[name=donor_kind]", "charity")
    page.select_option("select[name=drive]", label="抗疫爱心捐款")
    page.fill("input[name=day]", "2020-01-31")
    page.fill("input[name=amount]", "50000")
    page.select_option("select[name=purpose_0]", "支援武汉")  # the drive's own designations, chosen
    page.fill("input[name=part_0]", "30000")
    page.select_option("select[name=purpose_1]", "本地一线")
    page.fill("input[name=part_1]", "30000")  # a slip: the parts are more than the gift
    page.click("button[type=submit]")
    assert "多于捐赠金额 50000.00 元" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, f"donation-form-{size_name}.png"), full_page=True)
    page.fill("input[name=part_1]", "20000")
    page.click("button[type=submit]")
    assert "收据编号 441803000000-2020-00001" in page.inner_text(".messages")
    assert CashDonation.objects.get().amount_fen == 5_000_000
    # The same donor gives again: found by typing two characters, not picked from a list of hundreds.
    page.goto(f"{live_server.url}/places/{world.qingxin.pk}/donations/new/")
    page.fill(".pick-search", "沙河")
    page.click(".pick-results li:has-text('沙河慈善会')")
    page.fill("input[name=day]", "2020-02-02")
    page.fill("input[name=amount]", "100")
    page.screenshot(path=os.path.join(screenshot_dir, f"donation-picker-{size_name}.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector(".messages")
    assert CashDonation.objects.count() == 2 and len({g.donor_id for g in CashDonation.objects.all()}) == 1
    page.goto(f"{live_server.url}/drives/{drive.pk}/?place={world.qingxin.pk}")
    assert "50,000.00" in page.inner_text("main")  # the second gift was to no drive
    page.screenshot(path=os.path.join(screenshot_dir, f"donation-drive-{size_name}.png"), full_page=True)
    page.goto(f"{live_server.url}/places/{world.qingxin.pk}/stock/")
    assert "120 瓶" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, f"donation-stock-{size_name}.png"), full_page=True)
