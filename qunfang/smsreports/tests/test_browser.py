"""A village clerk on a phone registers the station's mobile by links, texts a zero report and a wrong
one from it (pushed by the fake gateway's Aliyun callback), and reads on the inbound page what became
of each with the reply (screenshots kept)."""

import json
import os

import pytest
from django.test import Client
from django.utils import timezone

from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.smsreports import fake_uplink
from qunfang.smsreports.models import RegisteredPhone
from qunfang.smsreports.tests.conftest import DAVE_PHONE, TOKEN

pytestmark = pytest.mark.browser


def test_a_clerk_registers_the_phone_and_reads_what_became_of_its_messages(
    page, live_server, world, inbound_settings, screenshot_dir
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "dave")
    page.click(f"a[href='/places/{world.nankeng.pk}/sms/']")
    page.click(f"a[href='/places/{world.nankeng.pk}/sms/phones/new/']")
    page.fill("input[name=phone]", "139-1234-567")  # a digit short: refused in words
    page.click("button[type=submit]")
    assert "不是" in page.inner_text("main") and not RegisteredPhone.objects.exists()
    page.fill("input[name=phone]", DAVE_PHONE)
    page.fill("input[name=holder]", "戴维")
    page.screenshot(path=os.path.join(screenshot_dir, "smsreports-register-phone.png"), full_page=True)
    page.click("button[type=submit]")
    assert "139****5678" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "smsreports-phones.png"), full_page=True)
    now = timezone.now()
    items = [
        fake_uplink.aliyun_item(1, DAVE_PHONE, "0", now),
        fake_uplink.aliyun_item(2, DAVE_PHONE, "发热x", now),
    ]
    answer = Client().post(
        f"/api/v1/sms/inbound/aliyun/{TOKEN}", json.dumps(items), content_type="application/json"
    )
    assert answer.status_code == 200
    page.click(f"a[href='/places/{world.nankeng.pk}/sms/inbound/']")
    text = page.inner_text("main")
    assert "零报告" in text and "未识别「发热x」" in text and DAVE_PHONE not in text
    page.screenshot(path=os.path.join(screenshot_dir, "smsreports-inbound.png"), full_page=True)
    page.click("a[href='?outcome=refused']")
    assert "零报告" not in page.inner_text("main") and "发热x" in page.inner_text("main")
