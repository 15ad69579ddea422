"""Qingxin's honour plaques of 2019, through the same services as the pages: the village clerk of 迳口村
hangs the plaques of the village's veterans' households before 八一 (1 August), one replaced in
October when the family moved house within the village; the rest of the district's households are
the list still to receive one."""

from datetime import date

from qunfang.core.models import OrgUnit, User
from qunfang.plaques import services
from qunfang.plaques.models import Plaque
from qunfang.registry.models import Status, Veteran

HUNG = 12  # the first dozen households of the village


def load() -> list[str]:
    jingkou = OrgUnit.objects.filter(name="迳口村").first()
    if jingkou is None or Plaque.objects.under(jingkou).exists():
        return []
    clerk = User.objects.get(username="jk_clerk")
    households = list(Veteran.objects.under(jingkou).filter(status=Status.ACTIVE).order_by("pk")[:HUNG])
    for n, veteran in enumerate(households):
        services.hang(by=clerk, veteran=veteran, day=date(2019, 7, 22 + n % 8), note="八一前悬挂")
    if not households:
        return []
    services.hang(
        by=clerk, veteran=households[0], day=date(2019, 10, 15), reason="moved", note="搬迁新居，重新悬挂"
    )
    return [
        f"Plaques: {len(households)} households of 迳口村 hung before 八一 2019, one replaced after a move"
    ]
