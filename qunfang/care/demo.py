"""Qingxin's ordinary year 2019, before the outbreak, through the same services as the pages. The bureau
sets its rules (key contacts a call each quarter; the disabled and martyrs' families a home visit every
six months; over 80 a home visit each quarter); the stations of 迳口村 and 南坑村 hold rice and oil given
for the festivals; the Spring Festival and 八一 rounds visit the key people with a gift from the stock,
the calls of the year are made; a few visits are left undone, and are overdue. The people and counts are
the demo's own (the reports tell of 2020)."""

from datetime import date

from qunfang.care import services
from qunfang.care.models import CareCategory, CareRule, ContactKind, EventKind
from qunfang.care.seed import ensure_categories
from qunfang.core.models import OrgUnit, User
from qunfang.donations import services as donations
from qunfang.registry import services as registry
from qunfang.registry.models import Status, Veteran

KEY_CONTACT = "重点联系"
PEOPLE_A_VILLAGE = 8
CATEGORIES = ["伤残军人", "烈士遗属", "军队离退休干部", "退役士兵"]
SPRING_FESTIVAL, BAYI = date(2019, 2, 1), date(2019, 7, 30)
CALL_DAYS = [date(2019, 3, 20), date(2019, 6, 18), date(2019, 9, 24), date(2019, 12, 17)]


def load() -> list[str]:
    qingxin = OrgUnit.objects.get(code="441803000000")
    if CareRule.objects.filter(place=qingxin).exists():
        return []
    admin = User.objects.get(username="qx_admin")
    ensure_categories(CareCategory)  # seeded by a migration; a flushed test database has lost them
    villages = {name: OrgUnit.objects.get(name=name, parent__name="龙颈镇") for name in ("迳口村", "南坑村")}
    people = {name: _key_people(place, admin) for name, place in villages.items()}
    if not any(people.values()):
        return []
    _rules(admin, qingxin)
    rice, oil = donations.item_named("慰问大米", "袋"), donations.item_named("花生油", "桶")
    for place in villages.values():
        for item in (rice, oil):
            donations.receive_goods(
                by=admin,
                place=place,
                item=item,
                quantity=30,
                day=date(2019, 1, 20),
                note="区退役军人事务局下拨节日慰问品",
            )
    chosen = [v for found in people.values() for v in found]
    spring = services.plan_round(
        by=admin,
        place=qingxin,
        name="2019年春节走访慰问",
        day=SPRING_FESTIVAL,
        veterans=chosen,
        gift_item=rice,
        gift_quantity=1,
    )
    bayi = services.plan_round(
        by=admin,
        place=qingxin,
        name="2019年“八一”走访慰问",
        day=BAYI,
        veterans=chosen,
        gift_item=oil,
        gift_quantity=1,
    )
    for username, name in (("jk_clerk", "迳口村"), ("nk_clerk", "南坑村")):
        _a_year(User.objects.get(username=username), people[name], spring, bayi, rice, oil)
    return [f"  Care: Qingxin's rules, the 2019 Spring Festival and 八一 rounds ({len(chosen)} people)"]


def _key_people(village: OrgUnit, admin: User) -> list[Veteran]:
    """The village's first few people, marked as key contacts with a category, on the roll since 2015."""
    found = list(
        Veteran.objects.filter(place=village, status=Status.ACTIVE).order_by("pk")[:PEOPLE_A_VILLAGE]
    )
    categories = {c.name: c for c in CareCategory.objects.filter(place=None, name__in=CATEGORIES)}
    for n, veteran in enumerate(found):
        services.record_event(by=None, veteran=veteran, kind=EventKind.ENTERED, day=date(2015, 3, 1))
        services.set_categories(
            by=None, veteran=veteran, categories=[categories[CATEGORIES[n % len(CATEGORIES)]]]
        )
        registry.update_veteran(by=admin, veteran=veteran, tags=[KEY_CONTACT])  # the district's tag
    return found


def _rules(admin: User, qingxin: OrgUnit) -> None:
    key = list(veteran_tags(qingxin))
    services.save_rule(
        by=admin,
        place=qingxin,
        name="重点联系对象：每季度电话联系",
        kind=ContactKind.CALL,
        every_months=3,
        starts=date(2019, 1, 1),
        tags=key,
    )
    cared = CareCategory.objects.filter(place=None, name__in=["伤残军人", "烈士遗属"])
    services.save_rule(
        by=admin,
        place=qingxin,
        name="伤残军人、烈士遗属：每半年上门走访",
        kind=ContactKind.VISIT,
        every_months=6,
        starts=date(2019, 1, 1),
        categories=cared,
        town_after_days=10,
        district_after_days=30,
    )
    services.save_rule(
        by=admin,
        place=qingxin,
        name="80岁以上：每季度上门走访",
        kind=ContactKind.VISIT,
        every_months=3,
        starts=date(2019, 1, 1),
        older_than=80,
        tags=key,
    )


def veteran_tags(place: OrgUnit):
    from qunfang.registry.models import Tag

    return Tag.objects.filter(name=KEY_CONTACT, place__path__startswith=place.path)


def _a_year(clerk: User, people: list[Veteran], spring, bayi, rice, oil) -> None:
    """The station's year: the festival visits with their gifts (the last person of each round left
    undone), and the quarter's calls to each key contact (the last quarter's missed for two)."""
    for veteran in people[:-1]:
        services.record_contact(
            by=clerk,
            veteran=veteran,
            kind=ContactKind.VISIT,
            day=date(2019, 1, 30),
            round=spring,
            gift_item=rice,
            gift_quantity=1,
            note="春节前上门慰问，送上慰问大米，老人身体尚好",
        )
    for veteran in people[1:]:
        services.record_contact(
            by=clerk,
            veteran=veteran,
            kind=ContactKind.VISIT,
            day=date(2019, 7, 29),
            round=bayi,
            gift_item=oil,
            gift_quantity=1,
            note="“八一”前夕走访慰问",
        )
    for quarter, day in enumerate(CALL_DAYS):
        for veteran in people[: -2 if quarter == 3 else None]:
            services.record_contact(
                by=clerk, veteran=veteran, kind=ContactKind.CALL, day=day, note="电话问候，了解近况"
            )
