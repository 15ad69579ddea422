"""A clerk's week on a phone, by links and buttons only: signed in as the village clerk, she sees on her
home what is due, opens the list (overdue first, with the address), taps to call (the number shown
through the audited reveal), records the call, then records a home visit with a gift from the
station's stock and a photo, and sees the list shrink (screenshots kept)."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone

from qunfang.care import services
from qunfang.care.models import Contact, EventKind
from qunfang.core.models import AuditEntry
from qunfang.core.personal import check_character
from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.donations import services as donations
from qunfang.donations.models import StockLevel
from qunfang.registry import services as registry
from qunfang.testing.clients import image_upload

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


def _people(world):
    made = []
    for name, first, address in (
        ("张清", "44180319400101123", "迳口村一巷1号"),
        ("罗显铜", "44180319600101123", "迳口村二巷8号"),
    ):
        veteran = registry.create_veteran(
            by=None,
            place=world.jingkou,
            name=name,
            id_number=first + check_character(first),
            phone="13800138000",
            address=address,
        )
        services.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2018, 1, 1))
        made.append(veteran)
    return made


def test_a_clerks_week_of_calls_and_visits_on_a_phone(page, live_server, world, screenshot_dir, tmp_path):
    people = _people(world)
    services.save_rule(
        by=None,
        place=world.qingxin,
        name="重点联系：每季度电话",
        kind="call",
        every_months=3,
        starts=TODAY - timedelta(days=12),
    )
    services.save_rule(
        by=None,
        place=world.qingxin,
        name="80岁以上：每季度上门走访",
        kind="visit",
        every_months=3,
        starts=TODAY + timedelta(days=2),
        older_than=80,
    )
    rice = donations.item_named("慰问大米", "袋")
    donations.receive_goods(by=None, place=world.jingkou, item=rice, quantity=5, day=TODAY)
    photo = tmp_path / "visit.png"
    photo.write_bytes(image_upload().read())
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"care-{name}.png"), full_page=True)  # noqa: E731

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    shot("home")
    page.click(f"main a[href='/places/{world.jingkou.pk}/care/due/']")
    assert page.locator(".due-list > li").count() == 3  # two calls overdue, a visit this week
    assert "迳口村一巷1号" in page.inner_text(".due-list > li >> nth=0")
    shot("due")
    page.click(".due-list > li >> nth=0 >> button.reveal")
    assert page.get_attribute("a.dial", "href") == "tel:+8613800138000"
    assert AuditEntry.objects.filter(action="veteran.reveal", actor=world.carol).count() == 1
    shot("call")
    page.click("a.record-call")
    page.fill("textarea[name=note]", "电话问候，身体尚好")
    shot("record-call")
    page.click("button[type=submit]")
    page.wait_for_selector(".messages")
    assert page.locator(".due-list > li").count() == 2
    page.locator(".due-list > li:has(.kind-visit) a.record").click()
    page.check("input[name=kind][value=visit]")
    page.select_option("select[name=gift_item]", label="慰问大米（袋）")
    page.fill("input[name=gift_quantity]", "1")
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("textarea[name=note]", "上门走访，送上大米一袋")
    shot("record-visit")
    page.click("button[type=submit]")
    page.wait_for_selector(".messages")
    shot("due-after")
    assert page.locator(".due-list > li").count() == 1  # the visit met the visit due and the call due
    assert StockLevel.objects.get(item=rice).on_hand == 4
    assert Contact.objects.filter(kind="visit").exclude(photo="").count() == 1
    page.click(".due-list > li >> nth=0 >> a >> nth=0")  # the person left: 罗显铜, nothing given yet
    assert people[1].name in page.inner_text("main h1")
    shot("person")
