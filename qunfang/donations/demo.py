"""The two reports' gifts, through the same services as the pages. Qingxin (qingxin-2020-02-04.txt):
161,796 yuan in all — 谷城集团 (the veteran 王景卫's company) 100,000 yuan on 29 January with masks and
protective suits; 沙河慈善会 (organised by the veteran 阮家洪) 50,000, of which 30,000 for Wuhan and
20,000 for Qingxin's front line; 384 veterans 11,796 yuan, received by the bureau on the morning of 3
February and handed to the district charity association. Hunnan (hunnan-2020-02-25.txt): the veteran
夏宇's 4 boxes (120 bottles) of disinfectant and 40 protective suits, delivered to 在水一方 on 18
February. The masks' and suits' counts of the Qingxin gift ("一批") are invented; the rest is the reports'."""

from datetime import date

from qunfang.core.models import OrgUnit, User
from qunfang.donations import selectors, services
from qunfang.donations.models import Drive
from qunfang.mobilization.demo import split
from qunfang.registry.models import Veteran

NAMED = ["张清", "罗显铜", "伍次球", "李树镜", "林镜南", "黄水龙"]  # the report names six of the 384
VETERANS, VETERANS_YUAN = 384, 11_796
# How much each of the 384 gave, as shares: most gave 20 to 50 yuan, a few 100 or 200.
SHARES = [2, 3, 2, 5, 3, 2, 10, 3, 2, 5, 3, 20]


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if Drive.objects.filter(place=qingxin).exists():
        return []
    return [_qingxin(qingxin), _hunnan()]


def _qingxin(qingxin: OrgUnit) -> str:
    admin = User.objects.get(username="qx_admin")
    drive = services.save_drive(
        by=admin,
        place=qingxin,
        name="新型冠状病毒感染的肺炎疫情防控专项募捐",
        start=date(2020, 1, 28),
        purpose="响应区人民政府倡议书，号召退役军人为疫情防控捐款捐物",
        designations=["定向支援武汉", "清新防控一线"],
    )
    company = services.save_donor(
        by=admin, place=qingxin, name="谷城集团", kind="company", contact="王景卫", address="清新区太平镇"
    )
    services.record_cash(
        by=admin,
        place=qingxin,
        donor=company,
        day=date(2020, 1, 29),
        amount="100000",
        drive=drive,
        note="退役军人王景卫带领集团捐赠",
    )
    for item, unit, count in (("医用口罩", "只", 10_000), ("防护服", "件", 200)):
        services.receive_goods(
            by=admin,
            place=qingxin,
            item=services.item_named(item, unit),
            quantity=count,
            day=date(2020, 1, 29),
            donor=company,
            drive=drive,
            note="防疫物资一批",
        )
    charity = services.save_donor(
        by=admin, place=qingxin, name="沙河慈善会", kind="charity", contact="阮家洪"
    )
    services.record_cash(
        by=admin,
        place=qingxin,
        donor=charity,
        day=date(2020, 1, 31),
        amount="50000",
        drive=drive,
        designations=[("定向支援武汉", "30000"), ("清新防控一线", "20000")],
        note="2019年全市最美退役军人阮家洪组织",
    )
    veterans = list(Veteran.objects.under(qingxin).order_by("pk")[: VETERANS - 6])
    names = NAMED + [v.name for v in veterans]
    names += [f"退役军人{n}" for n in range(len(names) + 1, VETERANS + 1)]  # a small test roll has fewer
    amounts = split(VETERANS_YUAN, [SHARES[n % len(SHARES)] for n in range(VETERANS)])
    gifts = []
    for n, (name, amount) in enumerate(zip(names, amounts, strict=True)):
        veteran = veterans[n - 6] if 6 <= n < 6 + len(veterans) else None
        donor = services.save_donor(by=admin, place=qingxin, name=name, veteran=veteran, is_veteran=True)
        gifts.append(
            services.record_cash(
                by=admin, place=qingxin, donor=donor, day=date(2020, 2, 3), amount=amount, drive=drive
            )
        )
    services.hand_over(
        by=admin,
        place=qingxin,
        donations=gifts,
        recipient="清新区慈善会",
        day=date(2020, 2, 3),
        signed_by="区慈善会经办人",
    )
    total = selectors.drive_total(qingxin, drive)
    handed = f"{VETERANS} veterans' {VETERANS_YUAN} yuan handed over on 3 February"
    return f"Donations: Qingxin's drive {total} yuan in all; {handed}"


def _hunnan() -> str:
    hunnan = OrgUnit.objects.get(code="210112000000")
    community = OrgUnit.objects.get(name="在水一方社区")
    admin = User.objects.get(username="hn_admin")
    xia = services.save_donor(by=admin, place=hunnan, name="夏宇", contact="沈阳军诚驾校校长")
    disinfectant, suits = services.item_named("消毒液", "瓶"), services.item_named("防护服", "件")
    for item, count, note in ((disinfectant, 120, "四箱共120瓶"), (suits, 40, "")):
        services.receive_goods(
            by=admin, place=hunnan, item=item, quantity=count, day=date(2020, 2, 18), donor=xia, note=note
        )
    services.deliver(
        by=admin,
        place=hunnan,
        lines=[(disinfectant, 120), (suits, 40)],
        day=date(2020, 2, 18),
        delivered_by="夏宇",
        received_by="在水一方社区干部",
        to_place=community,
        note="在许海清局长的邀请协调下捐赠",
    )
    return "Donations: Hunnan's 120 bottles of disinfectant and 40 suits delivered to 在水一方 on 18 February"
