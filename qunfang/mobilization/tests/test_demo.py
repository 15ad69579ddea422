"""The demo's district totals are the Qingxin report's figures, read from the kept totals."""

from datetime import date

from django.core.management import call_command

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.mobilization import selectors
from qunfang.mobilization.demo import REPORT, split
from qunfang.mobilization.tests.oracle import kept_totals, totals_from_ledger


def test_the_demo_district_totals_equal_the_reports_figures(demo):
    call_command("load_demo")  # again, over the shared demo: loads once
    qingxin = OrgUnit.objects.get(name="清新区")
    scope = Scope.for_user(User.objects.get(username="qx_admin"))
    totals = {
        t["type"].code: t for t in selectors.totals(scope, qingxin, date(2020, 1, 24), date(2020, 2, 3))
    }
    # Spelled out from the report itself, not taken from the demo module that makes them.
    assert {code: totals[code]["count"] for code in REPORT} == {
        "temperature_checks": 7_372,
        "people_served": 22_236,
        "visitors_dissuaded": 1_352,
        "gatherings_dispersed": 721,
        "sites_disinfected": 1_219,
        "duty_shifts": 1_689,
        "broadcasts": 9_862,
        "door_to_door": 7_562,
    }
    assert totals["door_to_door"]["reached"] == 32_665
    assert kept_totals() == totals_from_ledger()


def test_the_demo_sends_the_hunnan_bureaus_fourteen_staff_into_the_community_in_four_teams(demo):
    community = OrgUnit.objects.get(name="在水一方社区")
    scope = Scope.for_user(User.objects.get(username="zs_guard"))
    teams = {d.team.name for d in selectors.deployments(scope, community) if d.team}
    assert teams == {"一组：流动宣传", "二组：电话排查", "三组：卡点登记", "四组：心理疏导"}
    on_duty = selectors.who_can_take_part(scope, community, date(2020, 2, 18))
    assert on_duty.count() == 15  # the director and his 14 staff
    deed = selectors.deeds(scope, community, date(2020, 2, 18), date(2020, 2, 18)).get()
    assert "120瓶" in deed.story and deed.person == "夏宇"


def test_split_shares_a_total_exactly_in_proportion():
    assert split(10, [1, 1, 1]) == [4, 3, 3]
    assert split(5, [3, 1]) == [4, 1]
    assert sum(split(7_372, list(range(1, 232)))) == 7_372
