"""The categories of the national information collection of veterans and others entitled to care
(退役军人和其他优抚对象信息采集, 建档立卡), seeded by a migration and by tests whose flush removed them."""

NATIONAL_CATEGORIES = [
    "退役士兵",
    "转业军官",
    "转业干部",
    "军队离退休干部",
    "复员军人",
    "伤残军人",
    "带病回乡退伍军人",
    "参战参试退役军人",
    "烈士遗属",
    "因公牺牲军人遗属",
    "病故军人遗属",
    "现役军人家属",
]


def ensure_categories(CareCategory) -> None:
    for order, name in enumerate(NATIONAL_CATEGORIES, start=1):
        CareCategory.objects.get_or_create(place=None, name=name, defaults={"order": order})
