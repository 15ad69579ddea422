"""Qingxin's ordinary year 2019 before the outbreak: at Spring Festival the district's veterans gave to
a care fund (their gifts recorded through the donations services, then taken into the fund), the
bureau set its eligibility rules, and the stations of 龙颈镇 brought hardship cases up the tree: one
paid and followed up (closed), one paid and waiting for its visit, one returned by the town with its
reason, one approved by the town and waiting for the district. Names, amounts and needs are invented;
the people are the demo's roll and sign-ins."""

from datetime import date

from qunfang.core.models import OrgUnit, User
from qunfang.donations import services as donations
from qunfang.hardship import services
from qunfang.hardship.models import Fund, RuleKind
from qunfang.registry.models import Status, Veteran

# (day, yuan) of the veterans' Spring Festival gifts to the fund.
GIFTS = [
    (date(2019, 1, 25), "2000"), (date(2019, 1, 25), "500"), (date(2019, 1, 26), "1000"),
    (date(2019, 1, 28), "300"), (date(2019, 1, 28), "800"), (date(2019, 1, 29), "5000"),
    (date(2019, 1, 30), "200"), (date(2019, 1, 31), "1200"), (date(2019, 2, 1), "600"),
    (date(2019, 2, 2), "3000"), (date(2019, 2, 2), "400"), (date(2019, 2, 3), "1500"),
]  # fmt: skip


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if Fund.objects.filter(place=qingxin).exists():
        return []
    people = {
        name: User.objects.get(username=name) for name in ("qx_admin", "lj_station", "jk_clerk", "nk_clerk")
    }
    fund = _fund(qingxin, people["qx_admin"])
    for kind, amount, months in (
        (RuleKind.MEDICAL_COSTS_OVER, "10000", None),
        (RuleKind.INCOME_PER_HEAD_UNDER, "12000", None),
        (RuleKind.NOT_HELPED_WITHIN, None, 12),
    ):
        services.add_rule(by=people["qx_admin"], place=qingxin, kind=kind, amount=amount, months=months)
    told = _cases(fund, people)
    fund.refresh_from_db()  # the payments moved its balance in the database
    return [
        f"Hardship: Qingxin's care fund took in {len(GIFTS)} veterans' gifts; {told}; "
        f"it holds {fund.balance} yuan"
    ]


def _fund(qingxin: OrgUnit, admin: User) -> Fund:
    fund = services.create_fund(by=admin, place=qingxin, name="清新区退役军人关爱基金",
                                purpose="退役军人自愿捐助，帮扶困难退役军人家庭")  # fmt: skip
    # The gifts belong to no drive: the district's one drive is the outbreak's (donations' demo).
    givers = list(Veteran.objects.under(qingxin).filter(status=Status.ACTIVE).order_by("-pk")[: len(GIFTS)])
    for n, (day, amount) in enumerate(GIFTS):
        veteran = givers[n] if n < len(givers) else None
        name = veteran.name if veteran else f"退役军人{n + 1}"
        donor = donations.save_donor(by=admin, place=qingxin, name=name, veteran=veteran, is_veteran=True)
        gift = donations.record_cash(
            by=admin, place=qingxin, donor=donor, day=day, amount=amount, note="2019年春节关爱基金捐款"
        )
        services.take_in_donation(
            by=admin, fund=fund, donation=gift, day=date(2019, 2, 11), note="春节募捐入账"
        )
    return fund


def _veterans(village_name: str, count: int) -> list[Veteran]:
    village = OrgUnit.objects.get(name=village_name, parent__name="龙颈镇")
    return list(Veteran.objects.filter(place=village, status=Status.ACTIVE).order_by("pk")[:count])


def _cases(fund: Fund, people: dict) -> str:
    admin, town, jingkou, nankeng = (people[n] for n in ("qx_admin", "lj_station", "jk_clerk", "nk_clerk"))
    first, third = (_veterans("迳口村", 2) + [None, None])[:2]
    second, fourth = (_veterans("南坑村", 2) + [None, None])[:2]
    told = []
    if first:  # paid and followed up: closed
        case = _opened(jingkou, first, fund, date(2019, 3, 5), "36000", "5000", "4",
                       "住院手术，家庭自付医疗费用较多", "妻子务农，儿子在读高中")  # fmt: skip
        _up(case, jingkou, town, admin, "5000", "4000")
        services.pay(by=admin, case=case, amount="4000", day=date(2019, 3, 20), note="银行转账")
        services.follow_up(by=jingkou, case=case, day=date(2019, 4, 10), note="已康复出院，生活基本稳定")
        told.append("one paid and followed up")
    if second:  # fails the income check, sent up with the station's reason; paid, its visit due
        case = _opened(nankeng, second, fund, date(2019, 6, 12), None, "3000", "3",
                       "6月暴雨致房屋受损，需修缮", "家庭年收入约5万元")  # fmt: skip
        _up(case, nankeng, town, admin, "3000", "3000", reason="房屋受灾属突发困难，建议给予临时救助")
        services.pay(by=admin, case=case, amount="3000", day=date(2019, 6, 28), note="银行转账")
        told.append("one paid, its visit due")
    if third:  # returned by the town with its reason
        case = _opened(jingkou, third, fund, date(2019, 9, 2), "12000", "8000", "2", "慢性病长期服药", "")
        services.send_up(by=jingkou, case=case)
        services.return_case(by=town, case=case, reason="请补充医院费用清单和医保报销单据")
        told.append("one returned by the town")
    if fourth:  # approved by the town, waiting for the district
        case = _opened(nankeng, fourth, fund, date(2019, 11, 20), "15000", "2000", "5",
                       "子女上学费用困难，父亲住院", "")  # fmt: skip
        services.send_up(by=nankeng, case=case)
        services.approve(by=town, case=case, amount="2000", reason="情况属实")
        told.append("one waiting for the district")
    return ", ".join(told)


def _opened(by, veteran, fund, day, medical, asked, size, need, situation):
    income = "50000" if medical is None else "20000"
    return services.open_case(by=by, place=veteran.place, veteran=veteran, fund=fund, need=need,
                              situation=situation, household_size=size, household_income=income,
                              medical_costs=medical, asked=asked, day=day)  # fmt: skip


def _up(case, station, town, district, town_amount, district_amount, reason: str = "") -> None:
    services.send_up(by=station, case=case, reason=reason)
    services.approve(by=town, case=case, amount=town_amount, reason="情况属实，同意上报")
    services.approve(by=district, case=case, amount=district_amount, reason="同意")
