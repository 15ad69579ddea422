"""The care figures on the dashboard (its card, with their definitions) and in a briefing's sentence."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone, translation

from qunfang.care import services
from qunfang.care.home import briefing_sections
from qunfang.care.selectors import CareFigures
from qunfang.testing.clients import client_for

TODAY = timezone.localdate()


def test_the_dashboard_shows_calls_visits_and_whats_overdue(world, people):
    services.save_rule(
        by=world.alice,
        place=world.qingxin,
        name="季度电话",
        kind="call",
        every_months=3,
        starts=TODAY - timedelta(days=5),
    )
    services.record_contact(by=world.carol, veteran=people[0], kind="call", day=TODAY)
    page = client_for(world.alice).get(f"/places/{world.qingxin.pk}/dashboard/").content.decode()
    assert "常态化联系" in page and "期间内电话联系退役军人（人次）" in page and "逾期未电话联系" in page


def test_a_briefing_says_the_periods_calls_and_visits_and_nothing_without_them():
    found = SimpleNamespace(care=CareFigures(calls_done=12, visits_done=3, done_on_time=10, calls_overdue=2))
    with translation.override("zh-hans"):
        (section,) = briefing_sections(found)
    assert (
        section["text"]
        == "电话联系退役军人12人次，上门走访3人次，其中按时完成10人次；逾期未联系、未走访2人次。"
    )
    assert briefing_sections(SimpleNamespace(care=CareFigures())) == []
