"""The demo's donations are the reports': Qingxin's drive 161,796 yuan (30,000 for Wuhan, 20,000 for the
front line, the rest undesignated), the 384 veterans' 11,796 yuan handed over on 3 February 2020;
Hunnan's 120 bottles of disinfectant and 40 suits delivered to 在水一方 on 18 February."""

from datetime import date
from decimal import Decimal

from qunfang.core.models import OrgUnit
from qunfang.donations import selectors
from qunfang.donations.models import Delivery, Drive, HandOver, StockLevel


def test_the_demo_donations_are_the_reports(demo):
    qingxin = OrgUnit.objects.get(code="441803000000")
    drive = Drive.objects.get(place=qingxin)
    assert selectors.drive_total(qingxin, drive) == Decimal("161796.00")
    by_purpose = {row["purpose"]: row["amount"] for row in selectors.totals_by_purpose(qingxin, drive)}
    assert by_purpose == {
        "": Decimal("111796.00"),
        "定向支援武汉": Decimal("30000.00"),
        "清新防控一线": Decimal("20000.00"),
    }
    sheet = HandOver.objects.get(place=qingxin)
    assert (sheet.day, sheet.total, sheet.donations.count()) == (date(2020, 2, 3), Decimal("11796.00"), 384)
    assert sheet.recipient == "清新区慈善会"
    community = OrgUnit.objects.get(name="在水一方社区")
    delivery = Delivery.objects.get(to_place=community)
    assert delivery.day == date(2020, 2, 18)
    stock = {level.item.name: level.on_hand for level in StockLevel.objects.filter(place=community)}
    assert stock == {"消毒液": 120, "防护服": 40}
