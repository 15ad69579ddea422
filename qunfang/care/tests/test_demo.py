"""The demo's 2019 in Qingxin, written through the services: two festival rounds with gifts from the
villages' stock, a year of calls, a few left undone; its kept counts agree with its rows."""

from qunfang.care.models import CareRule, Contact, Round
from qunfang.care.selectors import round_progress
from qunfang.care.services import kept
from qunfang.core.models import OrgUnit
from qunfang.donations.models import StockLevel


def test_qingxins_2019_rounds_gifts_and_calls(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    assert CareRule.objects.filter(place=qingxin).count() == 3
    spring = Round.objects.get(name="2019年春节走访慰问")
    progress = {row["place"].name: (row["done"], row["left"]) for row in round_progress(spring, qingxin)}
    assert set(progress) == {"迳口村", "南坑村"} and all(left == 1 for _done, left in progress.values())
    given = Contact.objects.filter(round=spring).exclude(gift_move=None).count()
    rice = StockLevel.objects.filter(item__name="慰问大米", place__name="迳口村").get()
    assert (
        given == sum(done for done, _left in progress.values()) and rice.on_hand == 30 - progress["迳口村"][0]
    )
    assert Contact.objects.filter(kind="call").exists() and kept.count_disagreements() == 0
