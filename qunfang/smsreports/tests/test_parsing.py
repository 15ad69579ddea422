"""A report written any way a station's phone writes it reads back as the figures meant: words or their
aliases in any case, full-width or half-width digits, any separator or none, with or without the
report's word; against the figures themselves (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qunfang.smsreports import keywords, parsing

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FIELDS = {
    "fever_found": ("发热", "fr"),
    "home_quarantined": ("隔离", "gl"),
    "close_contacts": ("密接", "mj"),
    "confirmed": ("确诊", "qz"),
}


@pytest.fixture
def vocabulary(world):
    return keywords.vocabulary(world.nankeng)


@st.composite
def written(draw):
    values = draw(st.dictionaries(st.sampled_from(sorted(FIELDS)), st.integers(0, 99_999), min_size=1))
    if values.get("close_contacts", 0) < values.get("confirmed", 0):  # the data set's rule, not the parser's
        values["close_contacts"] = values.get("confirmed", 0)
    parts = []
    for code, value in values.items():
        word = draw(st.sampled_from(FIELDS[code]))
        word = word.upper() if draw(st.booleans()) else word
        number = str(value).translate(FULL_WIDTH) if draw(st.booleans()) else str(value)
        parts.append(word + draw(st.sampled_from(["", " ", "　"])) + number)
    text = draw(st.sampled_from([" ", "，", "、", "；", ",", " , "])).join(parts)
    prefix = draw(st.sampled_from(["", "日报 ", "RB", "rb：", "日报"]))
    return prefix + text, values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=written())
def test_a_report_written_any_way_reads_back_as_meant(vocabulary, case):
    text, values = case
    reading = parsing.read(text, vocabulary)
    assert (reading.kind, reading.data_set_code, reading.zero) == ("report", "epidemic_daily", False)
    assert reading.values == values


@pytest.mark.parametrize("text", ["0", "０", "日报 0", "rb 0", "日报 零", "RB０", "日报，0。"])
def test_zero_reports(vocabulary, text):
    reading = parsing.read(text, vocabulary)
    assert reading.zero and reading.data_set_code == "epidemic_daily" and not reading.values


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("体温 35 消毒 4", {"temperature_checks": 35, "sites_disinfected": 4}),
        ("工作 xd2", {"sites_disinfected": 2}),
    ],
)
def test_the_days_work(vocabulary, text, counts):
    reading = parsing.read(text, vocabulary)
    assert reading.kind == "work" and reading.counts == counts


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("发热x", "发热x"),
        ("日报 发热", "缺少数字"),
        ("3 发热", "缺少项目名称"),
        ("日报 发热1 发热2", "写了两次"),
        ("日报 发热1 体温2", "不属于"),
        ("日报 发热-1", "负数"),
        ("日报 发热12345678", "超出"),
        ("日报 13-40 0", "不是有效日期"),
        ("", "空的"),
        ("，。、", "空的"),
    ],
)
def test_what_is_wrong_is_said_with_how_to_write_it(vocabulary, text, says):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(parsing.Unreadable) as refused:
        reading = parsing.read(text, vocabulary)
        parsing.day_of(reading, __import__("datetime").date(2026, 12, 4))
    assert says in str(refused.value)
