"""A hardship case from opening to payment in Chromium, by links and buttons only: the village clerk
opens it on a phone for a veteran found by typing two characters, with the hospital bill attached, and
sends it up; the town's clerk approves on a phone from her work of the day; the district approves and
the fund pays at a desk, and the ledger shows the payment; the clerk follows up. Screenshots are kept."""

import os
from datetime import date

import pytest

from qunfang.core.tests.test_browser import DESKTOP, PHONE, pass_second_factor, sign_in
from qunfang.hardship import services
from qunfang.hardship.models import CaseState, HardshipCase
from qunfang.hardship.testing import PDF
from qunfang.registry.services import create_veteran
from qunfang.testing.world import SAMPLE_ID

pytestmark = pytest.mark.browser


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, f"hardship-{name}.png"), full_page=True)


def open_the_case_from_the_place(page, live_server, world, screenshot_dir):
    sign_in(page, live_server, "carol")
    page.click("section.links a[href$='/hardship/']")
    page.click("text=登记帮扶申请")
    page.wait_for_load_state("load")  # the picker's script is deferred: typed before it runs, unheard
    page.fill(".pick-search", "张清")
    page.click(".pick-results li:has-text('张清')")
    page.fill("textarea[name=need]", "住院手术，自付医疗费用较多")
    page.fill("input[name=household_size]", "4")
    page.fill("input[name=household_income]", "20000")
    page.fill("input[name=medical_costs]", "36000")
    page.fill("input[name=asked]", "5000")
    page.set_input_files("input[name=upload]", files=[{"name": "住院发票.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF}])  # fmt: skip
    shot(page, screenshot_dir, "open-phone")
    page.click("button[type=submit]")
    assert "已为张清登记帮扶申请" in page.inner_text(".messages")
    assert "住院发票.pdf" in page.inner_text("main") and "符合" in page.inner_text("main")
    page.click("text=报送至龙颈镇")
    assert "申请已报送" in page.inner_text(".messages")
    shot(page, screenshot_dir, "sent-phone")


def decide_from_the_work_of_the_day(page, amount: str):
    page.locator("section.work li", has_text="待您审批的帮扶申请").locator(".named a").first.click()
    page.fill("#decide input[name=amount]", amount)
    page.click("#decide button[name=approve]")
    assert "申请已批准" in page.inner_text(".messages")


def test_a_hardship_case_from_opening_to_payment(page, browser, live_server, world, screenshot_dir):
    veteran = create_veteran(by=None, place=world.jingkou, name="张清", id_number=SAMPLE_ID)
    fund = services.create_fund(by=None, place=world.qingxin, name="清新区退役军人关爱基金")
    services.take_in_budget(
        by=None, fund=fund, amount="20000", day=date(2020, 1, 2), document="清财〔2020〕1号"
    )
    services.add_rule(by=None, place=world.qingxin, kind="medical_costs_over", amount="10000")
    page.set_viewport_size(PHONE)
    open_the_case_from_the_place(page, live_server, world, screenshot_dir)

    town = browser.new_context(viewport=PHONE).new_page()
    sign_in(town, live_server, "bob")
    decide_from_the_work_of_the_day(town, "4500")
    shot(town, screenshot_dir, "town-approved-phone")

    district = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(district, live_server, "alice")
    pass_second_factor(district, world.alice)
    decide_from_the_work_of_the_day(district, "4000")
    assert "尚待发放4,000.00元" in district.inner_text("#pay")
    district.click("#pay button")
    assert "发放已登记" in district.inner_text(".messages")
    shot(district, screenshot_dir, "paid-desktop")
    district.click("main a:has-text('清新区退役军人关爱基金')")
    ledger = district.inner_text("main")
    assert "16,000.00" in ledger and "-4,000.00" in ledger and "张清" in ledger
    shot(district, screenshot_dir, "ledger-desktop")

    page.click(".brand")  # home: her place, which opens with her work
    page.locator("section.work li", has_text="待回访的帮扶申请").locator(".named a").first.click()
    page.fill("#follow-up textarea[name=note]", "已康复出院，生活稳定")
    page.click("#follow-up button")
    assert "申请已办结" in page.inner_text(".messages")
    shot(page, screenshot_dir, "closed-phone")
    page.click("main a:has-text('张清')")  # the veteran's page: the case and what was paid, on its card
    assert "关爱基金已发放：4,000.00元" in page.inner_text("#hardship")
    page.locator("#hardship").screenshot(path=os.path.join(screenshot_dir, "hardship-person-card-phone.png"))
    page.click("#hardship a[href*='/hardship/cases/']")
    page.click("text=← 帮扶援助 · 迳口村")
    assert "已办结" in page.inner_text("main")
    shot(page, screenshot_dir, "cases-phone")
    case = HardshipCase.objects.get(veteran=veteran)
    assert (case.state, case.paid_fen, case.approved_fen) == (CaseState.CLOSED, 400_000, 400_000)
