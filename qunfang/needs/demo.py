"""Hunnan's need (hunnan-2020-02-25.txt), through the same services as the pages: 在水一方社区 asks for
disinfectant and protective suits on 10 February 2020; the veteran 夏宇 promises 120 bottles and 40
suits; the donations' delivery of 18 February (Hunnan's stock to the community, loaded by the donations'
demo before this one) meets the need. The day the need was posted is invented; the rest is the report's."""

from datetime import date

from qunfang.core.models import OrgUnit, User
from qunfang.donations.models import Delivery
from qunfang.needs import services
from qunfang.needs.models import Need


def load() -> list[str]:
    community = OrgUnit.objects.get(name="在水一方社区")
    if Need.objects.filter(place=community).exists():
        return []
    admin = User.objects.get(username="hn_admin")
    need = services.post_need(
        by=admin,
        place=community,
        title="消毒液和防护服",
        posted_on=date(2020, 2, 10),
        by_date=date(2020, 2, 20),
        why="社区封闭管理，卡口值守人员和消杀工作急需",
        lines=[(("消毒液", "瓶"), 120), (("防护服", "件"), 40)],
    )
    disinfectant, suits = need.lines.order_by("pk")
    promises = [
        services.commit(
            by=admin,
            line=line,
            donor_name="夏宇",
            quantity=count,
            named_publicly=True,
            made_on=date(2020, 2, 12),
        )
        for line, count in ((disinfectant, 120), (suits, 40))
    ]
    delivery = Delivery.objects.get(to_place=community, day=date(2020, 2, 18))
    services.fulfil_with_delivery(by=admin, need=need, delivery=delivery, commitments=promises)
    need.refresh_from_db()
    return [f"Needs: 在水一方's need for disinfectant and suits {need.get_status_display()} on 18 February"]
