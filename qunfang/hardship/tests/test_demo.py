"""The demo's ordinary year 2019 at Qingxin: the veterans' Spring Festival gifts, recorded as donations,
taken into the care fund; four cases of 龙颈镇's villages, one closed after its follow-up, one paid and
waiting for its visit, one returned with the town's reason, one waiting for the district; the fund's
balance what the gifts left after the payments, and the kept totals agreeing."""

from datetime import date

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.hardship import selectors, services
from qunfang.hardship.demo import GIFTS
from qunfang.hardship.models import CaseState, Fund, HardshipCase, LineKind


def test_the_demo_year_of_hardship_help(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    fund = Fund.objects.get(place=qingxin)
    taken = fund.lines.filter(kind=LineKind.DONATION)
    assert taken.count() == len(GIFTS) and all(line.donation.donor.is_veteran for line in taken)
    states = dict(HardshipCase.objects.filter(fund=fund).values_list("state", "place__name"))
    assert set(states) == {CaseState.CLOSED, CaseState.PAID, CaseState.RETURNED, CaseState.SENT}
    returned = HardshipCase.objects.get(state=CaseState.RETURNED)
    assert returned.steps.last().reason == "请补充医院费用清单和医保报销单据"
    gifts = sum(int(amount) for _day, amount in GIFTS) * 100
    assert fund.balance_fen == gifts - 700_000  # 4,000 and 3,000 yuan paid
    found = selectors.figures_for(
        Scope.for_user(User.objects.get(username="qx_admin")), qingxin, date(2019, 1, 1), date(2019, 12, 31)
    )
    assert (found.people_helped_in_period, found.yuan_paid_in_period) == (2, "7000.00")
    assert (found.cases_open, found.cases_paid) == (2, 2)
    assert services.count_disagreements() == 0
