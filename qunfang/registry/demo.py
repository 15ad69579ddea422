"""A few synthetic veterans in every demo village, so the roll has something to show. The full
synthetic roll (11,500 in Qingxin, 14,000+ in Hunnan) comes with the registry's bulk import.
ID numbers are checksum-valid but invented: the sequence digits start at 9xx, and no real person's
number is used."""

from datetime import date, timedelta

from qunfang.core.models import Level, OrgUnit
from qunfang.core.personal import check_character
from qunfang.registry import services
from qunfang.registry.models import Category, Veteran

SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "志强", "海军", "卫东", "永红", "国庆", "军", "伟", "立新", "振华"]
PER_VILLAGE = 3


def synthetic_id(region: str, born: date, sequence: int) -> str:
    first17 = f"{region[:6]}{born:%Y%m%d}{900 + sequence % 100:03d}"
    return first17 + check_character(first17)


def load() -> list[str]:
    if Veteran.objects.exists():
        return []
    villages = OrgUnit.objects.filter(level=Level.VILLAGE).order_by("pk")
    number = 0
    for village in villages:
        for _ in range(PER_VILLAGE):
            born = date(1950, 1, 1) + timedelta(days=(number * 997) % 18000)
            services.create_veteran(
                by=None,
                place=village,
                name=SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)],
                id_number=synthetic_id(village.code or "441803", born, number),
                phone=f"1390763{number:04d}",
                category=list(Category)[number % 3],
            )
            number += 1
    return [f"Veterans roll: {number} synthetic veterans in {villages.count()} villages."]
