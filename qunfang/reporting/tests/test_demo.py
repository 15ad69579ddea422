"""The demo's daily reports: Qingxin's villages from 24 January to 3 February 2020, mostly zero, some
late, a few missing, one returned and corrected; every day approved but the last."""

from datetime import date, timedelta

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.reporting import demo as reporting_demo
from qunfang.reporting import selectors
from qunfang.reporting.models import DataSet, Report, ReportStatus


def test_the_demo_reports_show_zero_late_missing_and_one_correction(demo):
    reporting_demo.load()  # again, over the shared demo: loads once
    data_set = DataSet.objects.get(code="epidemic_daily")
    qingxin = OrgUnit.objects.get(name="清新区")
    scope = Scope.for_user(User.objects.get(username="qx_admin"))
    days = [
        selectors.completeness(scope, data_set, qingxin, date(2020, 1, 24) + timedelta(days=n)).place
        for n in range(11)
    ]
    villages = days[0].expected
    assert villages == 20 and all(day.expected == villages for day in days)
    reported = sum(day.reported for day in days)
    assert villages * 11 - 15 < reported < villages * 11  # a few missing
    assert sum(day.zero for day in days) > reported * 0.8  # mostly zero
    assert 5 < sum(day.late for day in days) < 30
    assert days[-1].approved == 0 and all(day.approved == day.reported for day in days[:-1])
    corrected = Report.objects.get(place__name="迳口村", period_start=date(2020, 1, 28))
    assert corrected.status == ReportStatus.APPROVED and corrected.return_reason == ""
    assert [v.values["fever_found"] for v in corrected.versions.all()] == [3, 2]
    week = selectors.totals(scope, data_set, qingxin, date(2020, 1, 24), date(2020, 2, 3), approved=True)
    assert week["home_quarantined"] > 0
