"""Qingxin's ordinary year 2019 before the outbreak, through the same services as the pages: a veteran
of 迳口村 asks why his subsidy for the year stopped (found by the village clerk on a visit), the clerk
registers it for herself, the town's station finds the cause (his file had not followed his move from
another town) and it is paid, and she visits him again; the village's December screening is signed
off by her and countersigned by the town. The people and the matter are invented, in the reports' way."""

from datetime import date

from qunfang.core.models import OrgUnit, User
from qunfang.petitions import services
from qunfang.petitions.models import Petition
from qunfang.registry.models import Status, Veteran


def load() -> list[str]:
    jingkou = OrgUnit.objects.filter(name="迳口村").first()
    veteran = (
        Veteran.objects.under(jingkou).filter(status=Status.ACTIVE).order_by("pk").first()
        if jingkou
        else None
    )
    if veteran is None or Petition.objects.under(jingkou).exists():
        return []
    clerk, town = User.objects.get(username="jk_clerk"), User.objects.get(username="lj_station")
    petition = services.record_found(
        by=clerk,
        place=jingkou,
        veterans=[veteran],
        kind="treatment",
        day=date(2019, 3, 4),
        subject="2019年度定期生活补助未到账",
        matter="走访时本人反映：2019年起定期生活补助停发，未接到任何通知。",
    )
    services.register(
        by=clerk, petition=petition, day=date(2019, 3, 5), owner=clerk, note="登记，报镇服务站核查。"
    )
    services.resolve(
        by=town,
        petition=petition,
        day=date(2019, 3, 26),
        answer="经核查，本人2018年由太和镇迁入，补助档案未随迁转入。已补办转移手续，3月补发1至3月补助。",
    )
    services.revisit(
        by=clerk, petition=petition, day=date(2019, 4, 9), satisfied=True, note="补助已到账，本人表示满意。"
    )
    screening = services.sign_screening(
        by=clerk,
        place=jingkou,
        month=date(2019, 12, 1),
        people=46,
        risks=0,
        note="本月走访排查，未发现不稳定因素。",
    )
    services.countersign_screening(by=town, screening=screening)
    return [
        f"Petitions: {veteran.name}'s petition at 迳口村 found, registered, resolved and visited again (2019)"
    ]
