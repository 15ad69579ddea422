"""Synthetic rolls for the demo, `qunfang synth` and the benchmarks, as the spreadsheets bureaus keep.

ID numbers are checksum-valid with real birth dates, but their region code starts with 9, which no
province has: they look right and validate, and can never be a real person's. Mobiles are 139 numbers
counted up from a base, so a roll's numbers are distinct.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from openpyxl import Workbook

from qunfang.core.models import OrgUnit
from qunfang.core.personal import check_character
from qunfang.registry import roll

SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = [
    "建国", "志强", "海军", "卫东", "永红", "国庆", "军", "伟", "立新", "振华", "德明", "文斌", "小平",
    "春生", "红兵", "金龙", "玉兰", "秀英", "桂芳", "建华", "向阳", "学军", "爱民", "拥军", "建军",
]  # fmt: skip
CATEGORIES = ["退役士兵"] * 8 + ["军转干部", "军休干部"]
BRANCHES = ["陆军"] * 5 + ["海军", "空军", "火箭军", "武警"]
TAGS = ["", "", "", "", "愿意做志愿者", "驾驶员", "医护", "驾驶员、愿意做志愿者", "电工", "厨师"]
FIRST_BIRTH = date(1940, 1, 1)
BIRTH_DAYS = 21_900  # sixty years of birthdays, times a thousand sequence numbers, per region
HEADINGS = [roll.COLUMNS[key][0] for key in roll.EXPORT_COLUMNS[:14]]


def synthetic_id(region: str, number: int) -> str:
    """The `number`-th synthetic ID number of a region (distinct for numbers below 21.9 million)."""
    born = FIRST_BIRTH + timedelta(days=number % BIRTH_DAYS)
    first17 = f"9{region[1:6]}{born:%Y%m%d}{number // BIRTH_DAYS % 1000:03d}"
    return first17 + check_character(first17)


def rows(
    places: Sequence[OrgUnit],
    count: int,
    *,
    start: int = 0,
    phone_base: int = 13900000000,
    region: str | None = None,
) -> Iterator[list]:
    """`count` roll rows spread round-robin over `places` (villages, or towns), as the columns of
    HEADINGS: name, ID number, town, village, mobile, address, category, status, branch, years, party
    membership, tags and SMS opt-out. Row `start + i` is the same person every time."""
    towns = {place.pk: (place.parent.name if place.parent_id else "") for place in places}
    for i in range(start, start + count):
        place = places[i % len(places)]
        born = FIRST_BIRTH + timedelta(days=i % BIRTH_DAYS)
        enlisted = born.year + 18 + i % 3
        yield [
            SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)],
            synthetic_id(region or place.code or "441803", i),
            towns[place.pk],
            place.name,
            str(phone_base + i),
            f"{place.name}{i % 40 + 1}组{i % 97 + 1}号",
            CATEGORIES[i % len(CATEGORIES)],
            "在册",
            BRANCHES[i % len(BRANCHES)],
            enlisted,
            min(enlisted + 2 + i % 14, 2020),
            "中共党员" if i % 3 == 0 else "群众",
            TAGS[i % len(TAGS)],
            "否",
        ]


SYNTH_PROVINCE_CODE = "98"  # no province has it


def synth_tree(*, districts: int = 10, towns: int = 10, villages: int = 10) -> tuple[OrgUnit, list[OrgUnit]]:
    """A synthetic province of one city for `qunfang synth`, made through the services (so audited),
    or the one made before: (province, its villages)."""
    from qunfang.core import services
    from qunfang.core.models import Level

    province = OrgUnit.objects.filter(code=SYNTH_PROVINCE_CODE.ljust(12, "0")).first()
    if province is None:
        province = services.create_place(
            by=None, parent=None, name="合成省", level=Level.PROVINCE, code=SYNTH_PROVINCE_CODE
        )
        city = services.create_place(by=None, parent=province, name="合成市", level=Level.CITY)
        for d in range(districts):
            district = services.create_place(by=None, parent=city, name=f"合成{d}区", level=Level.DISTRICT)
            for t in range(towns):
                town = services.create_place(
                    by=None, parent=district, name=f"合成{d}区{t}镇", level=Level.TOWN
                )
                for v in range(villages):
                    services.create_place(
                        by=None, parent=town, name=f"合成{d}区{t}镇{v}村", level=Level.VILLAGE
                    )
    found = (
        OrgUnit.objects.under(province).filter(level=Level.VILLAGE).select_related("parent").order_by("path")
    )
    return province, list(found)


def xlsx(table_rows: Iterable[Sequence], *, title: str = "退役军人花名册") -> bytes:
    """A roll as bureaus keep it: a title row, the heading row, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append([title])
    sheet.append(HEADINGS)
    for row in table_rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
