"""The reports themselves, written by Qunfang from the figures it keeps: Qingxin's briefing of 24
January to 3 February 2020 (made final, sent up to the city and published with the open letter the
bureau published), and Hunnan's briefing about 在水一方 with its community figures and 夏宇's deed."""

from datetime import date

from qunfang.briefings import services
from qunfang.briefings.models import Briefing
from qunfang.core.models import OrgUnit, User
from qunfang.mobilization.models import Deed

OPEN_LETTER = (
    "全区广大退役军人：\n"
    "当前，新型冠状病毒感染的肺炎疫情防控形势严峻。广大退役军人曾经是保家卫国的钢铁长城，"
    "在疫情面前，希望大家永葆军人本色，做到：带头遵守防控规定，少出门、不聚集、戴口罩；"
    "带头参与群防群控，积极报名志愿服务，协助村（社区）开展排查、测温、宣传；"
    "带头传递正能量，不信谣、不传谣。让我们携起手来，合力抗击疫情！"
)


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if Briefing.objects.filter(place=qingxin).exists():
        return []
    admin = User.objects.get(username="qx_admin")
    letter = services.save_notice(
        by=admin,
        place=qingxin,
        kind="open_letter",
        title="永葆军人本色，合力抗击疫情——致全区退役军人的倡议书",
        body=OPEN_LETTER,
        signed="清远市清新区退役军人事务局",
    )
    services.publish_notice(by=admin, notice=letter)
    briefing = services.draft_briefing(
        by=admin,
        place=qingxin,
        start=date(2020, 1, 24),
        end=date(2020, 2, 3),
        author="清新区退役军人事务局办公室",
    )
    for step in (services.finalize_briefing, services.submit_briefing, services.publish_briefing):
        step(by=admin, briefing=briefing)

    community = OrgUnit.objects.get(name="在水一方社区")
    hunnan_admin = User.objects.get(username="hn_admin")
    deeds = Deed.objects.under(community)
    hunnan = services.draft_briefing(
        by=hunnan_admin,
        place=community,
        start=date(2020, 2, 13),
        end=date(2020, 2, 25),
        deeds=deeds,
        author="浑南区退役军人事务局",
    )
    services.finalize_briefing(by=hunnan_admin, briefing=hunnan)
    return [
        f"Briefings: Qingxin's of 24 January – 3 February 2020 written from the kept figures "
        f"(/briefings/{briefing.pk}/, public at /public/places/{qingxin.pk}/); Hunnan's about 在水一方 "
        f"(/briefings/{hunnan.pk}/)."
    ]
