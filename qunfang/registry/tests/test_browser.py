"""A village clerk finds a veteran by ID number on a phone, and shows the mobile number to call."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.registry import services
from qunfang.registry.models import Veteran
from qunfang.testing.world import SAMPLE_ID

pytestmark = pytest.mark.browser


def test_a_clerk_finds_a_veteran_by_id_number_and_reveals_the_mobile(
    page, live_server, world, screenshot_dir
):
    services.create_veteran(
        by=None, place=world.jingkou, name="曹建明", id_number=SAMPLE_ID, phone="13800138000"
    )
    services.create_veteran(by=None, place=world.jingkou, name="谢水泉", id_number="441803196512120018")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.click("nav >> text=退役军人")
    page.fill("input[name=q]", SAMPLE_ID)
    page.click("form.filters button")
    assert SAMPLE_ID not in page.url
    assert page.locator(".people li").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, "veterans-search-phone.png"), full_page=True)
    page.click("text=曹建明")
    page.get_by_text("138****8000").first.wait_for()  # the veteran's page has loaded
    page.click("button[value=phone]")
    page.get_by_text("+8613800138000").first.wait_for()  # the page with the full number has loaded
    assert "+8613800138000" in page.content()
    page.screenshot(path=os.path.join(screenshot_dir, "veteran-revealed-phone.png"), full_page=True)


def test_a_town_clerk_brings_an_excel_roll_in_and_sees_every_bad_row_before_importing(
    page, live_server, world, screenshot_dir, tmp_path
):
    from qunfang.core.tests.test_browser import DESKTOP
    from qunfang.registry.tests.test_roll_import import HEADINGS, good_rows, xlsx_upload

    rows = good_rows(world, 4) + [["错校验", SAMPLE_ID[:-1] + "3", "龙颈镇", "迳口村", "", "", ""]]
    path = tmp_path / "龙颈镇花名册.xlsx"
    path.write_bytes(xlsx_upload(rows).read())
    assert HEADINGS[0] == "姓名"
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        sign_in(page, live_server, "bob")
        page.goto(f"{live_server.url}/places/{world.longjing.pk}/veterans/import/")
        page.set_input_files("input[type=file]", str(path))
        page.click("form.stacked button")
        page.wait_for_selector("form.columns")
        page.screenshot(path=os.path.join(screenshot_dir, f"roll-columns-{name}.png"), full_page=True)
        page.click("form.columns button")
        page.wait_for_selector("table.rows")
        assert "校验码不符" in page.content()
        page.screenshot(path=os.path.join(screenshot_dir, f"roll-checked-{name}.png"), full_page=True)
        if name == "phone":
            page.click("text=导入 4 条正确的行")
            page.wait_for_selector("text=花名册已导入")
            page.screenshot(path=os.path.join(screenshot_dir, f"roll-done-{name}.png"), full_page=True)
        page.context.clear_cookies()
    veteran = Veteran.objects.filter(place=world.jingkou).first()
    services.add_family_member(
        by=None, veteran=veteran, relation="spouse", name="王秀兰", phone="13912345678"
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/veterans/{veteran.pk}/")
    assert "王秀兰" in page.content() and "139****5678" in page.content()
    page.screenshot(path=os.path.join(screenshot_dir, "veteran-family-phone.png"), full_page=True)
