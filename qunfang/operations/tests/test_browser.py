"""A village clerk checks in her health and reports a task's progress on a phone; the town station sees
the day's board and the roster's week on a desktop."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone

from qunfang.core.tests.test_browser import DESKTOP, PHONE, sign_in
from qunfang.operations import services
from qunfang.operations.models import CheckIn

pytestmark = pytest.mark.browser


def test_a_clerk_checks_in_and_reports_a_task_on_her_phone(page, live_server, world, screenshot_dir):
    me = services.save_staff(by=None, place=world.jingkou, name="何伟", user=world.carol)
    plan = services.save_plan(
        by=None,
        place=world.qingxin,
        title="防控工作方案",
        start=date(2020, 1, 24),
        end=timezone.localdate() + timedelta(days=30),
    )
    services.add_task(
        by=None,
        plan=plan,
        title="全面摸排辖区退役军人健康状况",
        due=timezone.localdate() - timedelta(days=1),
        owner=services.Owner(station=world.jingkou),
        detail="逐户电话或上门了解，发现异常及时上报。",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/my/check-in/")
    page.fill("input[name=temperature]", "50")
    page.fill("input[name=whereabouts]", "迳口村委会")
    page.click("form button[type=submit]")
    page.get_by_text("不可能正确").first.wait_for()
    page.screenshot(path=os.path.join(screenshot_dir, "check-in-refused-phone.png"), full_page=True)
    page.fill("input[name=temperature]", "36.5")
    page.click("form button[type=submit]")
    page.get_by_text("已打卡：36.5 °C").first.wait_for()
    assert CheckIn.objects.get().staff == me
    page.screenshot(path=os.path.join(screenshot_dir, "check-in-done-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/my/tasks/")
    assert "已逾期" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "my-tasks-phone.png"), full_page=True)
    page.click("text=全面摸排辖区退役军人健康状况")
    page.wait_for_selector("select[name=status]")
    page.select_option("select[name=status]", "done")
    page.fill("textarea[name=note]", "已电话联系 86 名退役军人，无异常")
    page.screenshot(path=os.path.join(screenshot_dir, "task-progress-phone.png"), full_page=True)
    page.click("form.stacked button[type=submit]")
    page.get_by_text("进展已记录").first.wait_for()
    assert "已电话联系 86 名退役军人" in page.inner_text("main")


def test_the_town_sees_the_board_and_the_week_on_a_desktop(page, live_server, world, screenshot_dir):
    director = services.save_staff(by=None, place=world.longjing, name="李站长", title="站长")
    clerk = services.save_staff(by=None, place=world.longjing, name="张科员", title="科员")
    services.check_in(
        by=None,
        staff=clerk,
        day=timezone.localdate(),
        temperature="37.9",
        whereabouts="局机关",
        symptoms=["cough"],
    )
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    start = timezone.make_aware(timezone.datetime.combine(monday, timezone.datetime.min.time())).replace(
        hour=8
    )
    for n in range(5):
        services.save_shift(
            by=None,
            place=world.longjing,
            start=start + timedelta(days=n),
            end=start + timedelta(days=n, hours=24),
            leader=director if n % 2 == 0 else None,
            staff=[clerk],
        )
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/operations/")
    assert "张科员" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "operations-overview-desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/roster/?week={monday}")
    assert "无带班领导" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "roster-week-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/places/{world.longjing.pk}/health/")
    page.screenshot(path=os.path.join(screenshot_dir, "health-board-phone.png"), full_page=True)
