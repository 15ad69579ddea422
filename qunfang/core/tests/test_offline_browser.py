"""A village clerk's phone with no network, by links only: the day's work, a daily report, a zero report,
a screening call's outcome and a call recorded for a veteran are saved into the outbox while offline;
the outbox survives a reload and a new page; once the network is back each is sent once (one record
each, in the district's totals and completeness) and the outbox empties. Then a report corrected
offline while the town approved the period meanwhile and her session ended: she is asked to sign in
first, then the outbox shows the refusal in words with what the clerk can do. Screenshots are kept
under test-output/screenshots/offline-*.png."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone

from qunfang.care import services as care
from qunfang.care.models import Contact, EventKind
from qunfang.community.models import ResidentRequest, ScreeningCall
from qunfang.community.services import register, screening
from qunfang.core.access import Scope
from qunfang.core.models import AuditEntry
from qunfang.core.personal import check_character
from qunfang.core.tests.test_browser import PHONE, sign_in
from qunfang.mobilization import selectors as activities
from qunfang.mobilization.models import ActivityRecord
from qunfang.registry import services as registry
from qunfang.reporting import selectors as reporting
from qunfang.reporting import services as reports
from qunfang.reporting.forms import default_period
from qunfang.reporting.models import DataSet, Report
from qunfang.testing.world import PASSWORD

pytestmark = pytest.mark.browser


def _records(world):
    first = "44180319400101123"
    veteran = registry.create_veteran(
        by=None, place=world.jingkou, name="张清", id_number=first + check_character(first),
        phone="13800138000", address="迳口村一巷1号",
    )  # fmt: skip
    care.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2018, 1, 1))
    today = timezone.localdate()
    care.save_rule(by=None, place=world.qingxin, name="重点联系：每季度电话", kind="call", every_months=3,
                   starts=today - timedelta(days=12))  # fmt: skip
    building = register.save_building(by=None, community=world.jingkou, number="3栋", grid=world.jingkou_grid)
    register.save_household(by=None, building=building, unit="1单元", room="101", phone="13900000101")
    round_ = screening.start_round(
        by=world.carol, community=world.jingkou, name="第一轮电话排查", script="您好", callers=[world.carol]
    )
    return veteran, round_


def ready(page):
    page.wait_for_selector("body[data-offline-ready]")


def home(page):
    page.click("a.brand")
    ready(page)


def waiting(page) -> str:
    return page.inner_text("#outbox-count")


class Walk:
    """The clerk's phone: the page, the addresses she taps, and screenshots."""

    def __init__(self, page, world, round_, screenshot_dir):
        self.page, self.world, self.round, self.screenshot_dir = page, world, round_, screenshot_dir
        self.data_set = DataSet.objects.get(code="epidemic_daily")
        self.period = default_period(self.data_set)
        village = f"/places/{world.jingkou.pk}"
        self.day_form = f"main a[href='{village}/activities/day/']"
        self.report_form = f"main a[href='{village}/reports/submit/?set=epidemic_daily&day={self.period}']"
        self.calls = f"main a[href='/screening/{round_.pk}/calls/']"
        self.care = f"main a[href='{village}/care/due/']"

    def shot(self, name):
        self.page.screenshot(path=os.path.join(self.screenshot_dir, f"offline-{name}.png"), full_page=True)

    def open_each_form_online(self):
        page = self.page
        for link in (self.day_form, self.report_form, self.calls):
            home(page)
            page.click(link)
            ready(page)
        home(page)
        page.click(self.care)
        ready(page)
        page.click("a.record")
        ready(page)

    def save_five_forms(self):
        page = self.page
        page.fill("textarea[name=note]", "电话问候，身体尚好")
        page.click("main form button[type=submit]")
        assert waiting(page) == "1 条待发送"
        assert "没有网络" in page.inner_text("#outbox")
        self.shot("kept-visit")

        page.click("p.back a")  # ← 迳口村, the kept copy
        page.click(self.day_form)
        page.fill("input[name=count_door_to_door]", "15")
        page.fill("input[name=reached_door_to_door]", "48")
        page.click("form.dayform button[type=submit]")
        assert waiting(page) == "2 条待发送"
        self.shot("kept-day")

        home(page)
        self.save_report("3")
        page.fill("input[name=period_start]", str(self.period - timedelta(days=1)))
        page.click("button.zero-report")
        assert waiting(page) == "4 条待发送"
        self.shot("kept-reports")

        home(page)
        page.click(self.calls)
        call = page.locator("section.call").first
        call.locator("label:has-text('需要帮助')").click()
        call.locator("input[name=note]").fill("独居老人，需要代购")
        call.locator("button:has-text('保存')").click()
        assert waiting(page) == "5 条待发送"

    def save_report(self, fevers: str):
        self.page.click(self.report_form)
        self.page.fill("input[name=fever_found]", fevers)
        self.page.click("main form button[type=submit]:not([name])")

    def reopen(self, live_server):
        """Reloaded without a network, then the page closed and the app opened again."""
        self.page.reload()
        assert waiting(self.page) == "5 条待发送"
        assert self.page.locator(".outbox-item").count() == 5
        context = self.page.context
        self.page.close()
        self.page = context.new_page()
        self.page.set_viewport_size(PHONE)
        self.page.goto(live_server.url + "/")  # the installed app opens at its start address, kept
        assert waiting(self.page) == "5 条待发送"
        self.shot("reopened")

    def back_online(self):
        self.page.context.set_offline(False)
        self.page.evaluate("window.dispatchEvent(new Event('online'))")


def assert_each_was_sent_once(walk: Walk, veteran):
    world, period = walk.world, walk.period
    assert Contact.objects.filter(veteran=veteran).count() == 1
    assert Contact.objects.get().note == "电话问候，身体尚好"
    assert list(ActivityRecord.objects.values_list("activity_type__code", "count", "people_reached")) == [
        ("door_to_door", 15, 48)
    ]
    district = Scope.for_user(world.alice)
    today = timezone.localdate()
    totals = {row["type"].code: row for row in activities.totals(district, world.qingxin, today, today)}
    assert (totals["door_to_door"]["count"], totals["door_to_door"]["reached"]) == (15, 48)
    sent = {r.period_start: r for r in Report.objects.all()}
    earlier = period - timedelta(days=1)
    assert sent.keys() == {period, earlier}
    assert sent[period].values["fever_found"] == 3 and not sent[period].zero and sent[earlier].zero
    assert reporting.completeness(district, walk.data_set, world.qingxin, period).place.reported == 1
    assert reporting.completeness(district, walk.data_set, world.qingxin, earlier).place.zero == 1
    assert ScreeningCall.objects.get(round=walk.round).outcome == "needs_help"
    assert AuditEntry.objects.filter(action="screening.call").count() == 1
    assert ResidentRequest.objects.count() == 1
    return sent[period]


def test_a_clerk_saves_five_forms_offline_and_each_is_sent_once(page, live_server, world, screenshot_dir):
    veteran, round_ = _records(world)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    ready(page)
    walk = Walk(page, world, round_, screenshot_dir)
    walk.open_each_form_online()  # so that the phone keeps each

    page.context.set_offline(True)
    walk.save_five_forms()
    walk.reopen(live_server)
    assert ActivityRecord.objects.count() == Contact.objects.count() == Report.objects.count() == 0

    walk.back_online()
    walk.page.wait_for_selector("#outbox-count:text-is('没有待发送的内容。')", timeout=30000)
    walk.shot("sent")
    assert walk.page.locator(".outbox-item").count() == 0
    report = assert_each_was_sent_once(walk, veteran)

    # A correction saved offline while the town approves the period: refused, said in words.
    walk.page.context.set_offline(True)
    walk.save_report("4")
    assert waiting(walk.page) == "1 条待发送"
    reports.approve_report(by=world.bob, report=report)
    # Her session ended meanwhile: nothing is sent and nothing lost; she is asked to sign in first.
    walk.page.context.clear_cookies()
    walk.back_online()
    walk.page.wait_for_selector(".outbox-item[data-state=sign_in]", timeout=30000)
    assert "请先登录" in walk.page.inner_text(".outbox-item") and waiting(walk.page) == "1 条待发送"
    walk.shot("sign-in-first")
    walk.page.click(".outbox-item a.button:text-is('登录')")
    walk.page.fill("input[name=username]", "carol")
    walk.page.fill("input[name=password]", PASSWORD)
    walk.page.click("button[type=submit]")
    walk.page.wait_for_selector(".outbox-item.refused", timeout=30000)
    assert "/reports/submit/" in walk.page.url  # back where she was
    refused = walk.page.inner_text(".outbox-item.refused")
    assert "报告已审核通过，不能再修改" in refused
    for action in ("查看现在的样子", "修改后重新发送", "放弃我的"):
        assert action in refused
    assert waiting(walk.page) == "1 条未被接受：可做的操作见下。"
    walk.shot("refused")
    assert Report.objects.get(pk=report.pk).values["fever_found"] == 3
    # "Edit and send again": the form as it stands now, with what she saved filled in.
    walk.page.click(".outbox-item.refused >> text=修改后重新发送")
    walk.page.wait_for_selector(".outbox-said")
    assert "已填在下面" in walk.page.inner_text(".outbox-said")
    assert walk.page.input_value("input[name=fever_found]") == "4"
    assert errors == []


def on_the_day_form(page, live_server, world, screenshot_dir) -> Walk:
    """The clerk signed in on her phone, on the day's work form (with a network)."""
    _, round_ = _records(world)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "carol")
    ready(page)
    walk = Walk(page, world, round_, screenshot_dir)
    page.click(walk.day_form)
    ready(page)
    return walk


def test_a_day_s_work_whose_answer_the_weak_signal_lost_waits_in_the_outbox_and_is_recorded_once(
    page, live_server, world, screenshot_dir
):
    """The phone believes it has a network; the form reaches the server but its answer is lost on the
    way back. Without the worker the browser would show its error page and the clerk would save again;
    here she is back on the form with it waiting in the outbox, and its resend makes no second record."""
    walk = on_the_day_form(page, live_server, world, screenshot_dir)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    posts = []

    def weak_signal(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.url)
        if len(posts) == 1:
            route.fetch()  # it arrives and is saved; the answer never comes back
            return route.abort("connectionreset")
        return route.continue_()

    page.context.route("**/activities/day/**", weak_signal)
    page.fill("input[name=count_door_to_door]", "7")
    page.fill("input[name=reached_door_to_door]", "21")
    page.click("form.dayform button[type=submit]")
    page.wait_for_selector(".outbox-said:text-is('已发送 1 条。')", timeout=30000)
    assert waiting(page) == "没有待发送的内容。" and page.locator(".outbox-item").count() == 0
    walk.shot("weak-signal-sent")
    assert len(posts) == 2 and "/activities/day/" in page.url
    assert list(ActivityRecord.objects.values_list("count", "people_reached")) == [(7, 21)]


def test_a_page_not_kept_opens_the_phone_s_own_page_saying_so_without_a_network(
    page, live_server, world, screenshot_dir
):
    walk = on_the_day_form(page, live_server, world, screenshot_dir)
    home(page)  # now that the worker is in charge, the home page is kept too
    page.click(walk.day_form)
    ready(page)
    page.wait_for_function("caches.open('qunfang-pages').then((c) => c.match('/no-network/')).then(Boolean)")
    page.context.set_offline(True)
    page.click("p.back a")  # the village's activity figures: a page that is not kept
    page.wait_for_selector("h1:text-is('这个页面没有保存在手机上')")
    walk.shot("not-kept")
    page.click("main a.button:text-is('回到首页')")
    page.wait_for_selector(walk.day_form)  # the village's page, kept
