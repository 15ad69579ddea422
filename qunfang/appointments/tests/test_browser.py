"""A veteran signs in on a phone with the SMS code, books a slot later today at the station by links
and taps, and sees the queue number; the station's clerk, on her phone, finds them on the day's list
from her place's page and marks them came. On SQLite and PostgreSQL (screenshots kept)."""

import os

import pytest

from qunfang.appointments.models import Appointment, AppointmentState
from qunfang.appointments.testing import hall_with_slots
from qunfang.appointments.tests.conftest import later_today
from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.portal.testing import code_sent_to
from qunfang.registry import services as registry
from qunfang.registry.synthetic import synthetic_id

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]


def test_a_veteran_books_on_the_phone_and_the_clerk_marks_them_came(page, live_server, world, screenshot_dir):
    def shot(name):
        page.screenshot(path=os.path.join(screenshot_dir, f"appointments-{name}.png"), full_page=True)

    veteran = registry.create_veteran(
        by=None, place=world.jingkou, name="陈伯", id_number=synthetic_id("441803", 31), phone="13800001111"
    )
    hall = hall_with_slots(world.jingkou)
    slot = later_today(hall)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/my/sign-in/")
    page.fill("input[name=phone]", "13800001111")
    page.click("button[type=submit]")
    page.fill("input[name=code]", code_sent_to("13800001111"))
    page.click("button[type=submit]")
    page.click("a[href='/my/appointments/']")
    page.click("a[href='/my/appointments/book/']")
    shot("slots-phone")
    page.check(f"input[name=slot][value='{slot.pk}']")
    page.fill("input[name=purpose]", "优待证领取")
    page.click("form:has(input[name=slot]) button[type=submit]")
    appointment = Appointment.objects.get(veteran=veteran)
    assert page.url.endswith(f"/my/appointments/{appointment.pk}/")
    assert str(appointment.queue_number) in page.inner_text("h1")
    assert hall.address in page.inner_text("main")
    shot("booked-phone")
    page.context.clear_cookies()
    sign_in(page, live_server, "carol")
    page.click(f"a[href='/places/{world.jingkou.pk}/hall/']")
    shot("hall-phone")
    page.click(f"a[href='/halls/{hall.pk}/day/']")
    row = page.locator(f"#a{appointment.pk}")
    assert "陈伯" in row.inner_text()
    shot("day-phone")
    row.locator("button[value=came]").click()
    page.wait_for_selector(".messages")
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CAME
    shot("came-phone")
