"""A village clerk's petition and plaque work on a phone, by links and buttons only: from her home she
hangs the plaque still to hang, records a veteran's petition (found by typing his name), registers it
for herself, resolves it with the answer and visits him again; his page then shows both cards
(screenshots kept under test-output/screenshots/)."""

import os

import pytest

from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.petitions.models import Petition, State
from qunfang.plaques.models import Plaque
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id

pytestmark = pytest.mark.browser


def shot(page, folder, name):
    page.screenshot(path=os.path.join(folder, f"rights-{name}.png"), full_page=True)


def test_a_clerk_hangs_a_plaque_and_takes_a_petition_to_its_end_on_a_phone(
    page, live_server, world, screenshot_dir
):
    veteran = registry.create_veteran(
        by=None,
        place=world.jingkou,
        name="林振华",
        id_number=synthetic_id("441803", 11),
        address="迳口村三巷5号",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    shot(page, screenshot_dir, "home")
    page.click("a:has-text('光荣牌待悬挂')")
    shot(page, screenshot_dir, "to-hang")
    page.click("li:has-text('林振华') button")
    assert "已悬挂" in page.inner_text(".messages")
    assert Plaque.objects.filter(veteran=veteran).count() == 1
    page.click("p.back a")  # the plaques of the village
    shot(page, screenshot_dir, "plaques")
    page.click("a:has-text('林振华')")  # the household's plaque: it was damaged in a typhoon
    page.click("summary:has-text('更换光荣牌')")
    page.select_option("select[name=replace-reason]", "damaged")
    page.fill("input[name=replace-note]", "台风损坏")
    page.click("button[name=replace]")
    assert (
        "光荣牌已更换：林振华" in page.inner_text(".messages")
        and Plaque.objects.filter(reason="damaged").count() == 1
    )
    shot(page, screenshot_dir, "household")
    page.click("p.back a:has-text('光荣牌')")
    page.click("p.back a")  # the village
    page.click("a:has-text('信访件')")
    page.click("a:has-text('录入信访件')")
    shot(page, screenshot_dir, "petition-new")
    page.locator(".pick-search").first.fill("林振")
    page.click(".pick-results li:has-text('林振华')")
    page.fill("input[name=subject]", "定期生活补助停发")
    page.select_option("select[name=kind]", "treatment")
    page.fill("textarea[name=matter]", "本人反映今年起补助停发，未接到通知。")
    shot(page, screenshot_dir, "petition-form")
    page.click("button[type=submit]")
    page.wait_for_selector(".messages")
    shot(page, screenshot_dir, "petition-found")
    assert page.input_value("select[name=register-owner]") == str(world.carol.pk)  # herself, chosen
    page.click("#next button[type=submit]")
    page.fill("textarea[name=resolve-answer]", "经核查，档案未随迁转入，已补办并补发。")
    page.click("#next button[type=submit]")
    page.check("input[name=revisit-satisfied][value=yes]")
    page.fill("textarea[name=revisit-note]", "补助已到账，本人满意。")
    shot(page, screenshot_dir, "petition-revisit")
    page.click("#next button[type=submit]")
    page.wait_for_selector(".messages")
    shot(page, screenshot_dir, "petition-done")
    petition = Petition.objects.get()
    assert petition.state == State.CLOSED and petition.satisfied
    page.click("dd a:has-text('林振华')")
    text = page.inner_text("main")
    assert "定期生活补助停发" in text and "光荣牌" in text
    shot(page, screenshot_dir, "veteran")
    page.click("dd a:has-text('迳口村')")
    page.click("a:has-text('本月不稳定风险排查')")
    page.fill("input[name=people]", "46")
    page.fill("input[name=risks]", "1")
    page.fill("textarea[name=note]", "一人对补助停发有意见，已化解。")
    page.click("button[name=sign]")
    assert "排查已签报" in page.inner_text(".messages")
    shot(page, screenshot_dir, "screening")
