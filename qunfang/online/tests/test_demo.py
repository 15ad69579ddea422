"""The demo's services online at Qingxin after the hall closed on 24 January 2020: the starting set,
eleven 社保接续 applications of 龙颈镇's veterans (ten approved, one of them returned for a missing
document and amended, one waiting for the district), a 优待证 through four levels to handed out; the
kept totals agreeing with the steps."""

from datetime import date

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.online import selectors, totals
from qunfang.online.models import Application, ApplicationState, OnlineService, Taken


def test_the_demo_of_services_online(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    assert set(OnlineService.objects.filter(place=qingxin).values_list("name", flat=True)) == {
        "社保接续",
        "优待证",
        "光荣牌",
        "帮扶援助",
        "证明开具",
    }
    continuation = Application.objects.filter(service__name="社保接续")
    assert continuation.count() == 11
    assert all(a.created_at.date() >= date(2020, 1, 24) for a in continuation)
    states = sorted(continuation.values_list("state", flat=True))
    assert states.count(ApplicationState.DONE) == 10 and states.count(ApplicationState.UNDER_REVIEW) == 1
    returned = continuation.get(steps__taken=Taken.RETURNED)
    assert (
        returned.state == ApplicationState.DONE
        and "参保缴费凭证" in returned.steps.get(taken="returned").reason
    )
    assert returned.documents.filter(label="参保缴费凭证", current=True).exists()
    card = Application.objects.get(service__name="优待证")
    assert card.state == ApplicationState.DONE
    acted = list(card.steps.filter(taken=Taken.APPROVED).values_list("place__level", flat=True))
    assert acted == ["town", "district", "city", "province", "province", "district", "village"]
    assert totals.count_disagreements() == 0
    found = selectors.figures_for(
        Scope.for_user(User.objects.get(username="qx_admin")), qingxin, date(2020, 1, 1), date(2020, 12, 31)
    )
    assert (found.received_in_period, found.approved_in_period, found.returned_in_period) == (12, 11, 1)
