"""How figures and dates read: grouped by thousands (Django's zh-hans format has no separator), and a
day of another year with its year (a 2020 record read in 2026 must not look like this February's)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from freezegun import freeze_time

from qunfang.lib.dates import short_day, short_moment
from qunfang.lib.numbers import grouped


def test_figures_are_grouped_by_thousands_whatever_their_type():
    assert grouped(Decimal("161796.00")) == "161,796.00"
    assert grouped("161796.00") == "161,796.00"
    assert grouped(11509) == "11,509" and grouped(7) == "7" and grouped(-1234) == "-1,234"
    assert grouped(None) == "" and grouped("—") == "—" and grouped(Decimal("NaN")) == "NaN"


@freeze_time("2026-12-02 08:00:00")
def test_a_day_of_another_year_shows_its_year():
    assert short_day(date(2026, 2, 3)) == "02-03"
    assert short_day(date(2020, 2, 3)) == "2020-02-03"
    moment = datetime(2020, 2, 3, 6, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Beijing
    assert short_moment(moment) == "2020-02-03 14:30"
    shown = Template("{{ d|day }} {{ m|moment }} {{ n|grouped }}").render(
        Context({"d": date(2026, 11, 30), "m": moment, "n": 161796})
    )
    assert shown == "11-30 2020-02-03 14:30 161,796"


def test_names_with_numbers_sort_as_numbers():
    from qunfang.lib.text import natural_key

    names = [
        "第十一网格",
        "第三网格",
        "第二网格",
        "第一网格",
        "第十网格",
        "10栋",
        "2栋",
        "二〇二〇年",
        "第一百零五号",
    ]
    ordered = sorted(names, key=natural_key)
    assert ordered == [
        "2栋",
        "10栋",
        "二〇二〇年",
        "第一网格",
        "第二网格",
        "第三网格",
        "第十网格",
        "第十一网格",
        "第一百零五号",
    ]


def test_a_villages_grids_are_listed_first_second_third(world, as_user):
    """The issue's steps: grids listed 第一、第三、第二 (by the characters' code points)."""
    from qunfang.core.models import Level
    from qunfang.testing.world import place

    for name in ("迳口村第三网格", "迳口村第一网格", "迳口村第十网格", "迳口村第二网格"):
        place(world.jingkou, name, Level.GRID)
    page = as_user(world.carol).get(f"/places/{world.jingkou.pk}/").content.decode()
    shown = [name for name in ("第一网格", "第二网格", "第三网格", "第十网格") if name in page]
    assert sorted(shown, key=page.index) == ["第一网格", "第二网格", "第三网格", "第十网格"]


def test_a_label_carries_its_unit_in_the_pages_language():
    from django.utils import translation

    from qunfang.lib.numbers import with_unit

    with translation.override("zh-hans"):
        assert with_unit("测温", "人次") == "测温（人次）"
    with translation.override("en"):
        assert with_unit("Temperature checks", "人次") == "Temperature checks (person-times)"
        assert with_unit("Leaflets", "份") == "Leaflets (copies)"
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in with_unit("Sites disinfected", "处"))
