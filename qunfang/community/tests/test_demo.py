"""The demo's 在水一方 is the Hunnan report's: 33 buildings, 1,901 households, 8,089 residents, four
gates, passes issued, a screening round in progress, about 500 merchants of which 55 open and given the
notice; all of it made through the services."""

from qunfang.community.models import Building, Gate, Household, Merchant, Pass, Resident, ScreeningRound
from qunfang.community.selectors import merchants
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User


def test_zaishuiyifang_has_the_reports_figures(demo):  # the whole community: 8,089 residents
    community = OrgUnit.objects.get(name="在水一方社区")
    assert Building.objects.filter(community=community).count() == 33
    assert Household.objects.filter(building__community=community).count() == 1901
    assert Resident.objects.filter(community=community).count() == 8089
    assert Gate.objects.filter(community=community).count() == 4
    assert Pass.objects.filter(community=community, revoked_at=None).count() == 600
    round_ = ScreeningRound.objects.get(community=community)
    assert (
        not round_.closed
        and round_.calls.exclude(outcome="").exists()
        and round_.calls.filter(outcome="").exists()
    )
    counts = merchants.counts(Scope.for_user(User.objects.get(username="hn_admin")), community)
    assert counts["all"] == 500 and counts["open"] == 55 and counts["open_no_notice"] == 0
    assert Merchant.objects.filter(community=community, notices__isnull=False).count() == 55
