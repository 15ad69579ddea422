"""Chinese by default, English on request, and every string translated."""

import re
from pathlib import Path

from django.conf import settings


def test_pages_are_in_chinese_even_for_an_english_browser(world, as_user):
    page = as_user(world.alice, language="en").get(f"/places/{world.qingxin.pk}/").content.decode()
    assert "下辖地点" in page


def test_the_switch_turns_pages_into_english(world, as_user):
    client = as_user(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Places under it" in client.get(f"/places/{world.qingxin.pk}/").content.decode()


def po_entries(text: str) -> list[dict]:
    """The entries of a .po file as {msgid: …, msgstr: …, fuzzy: bool}; the header is left out."""
    entries = []
    for block in text.split("\n\n"):
        fields: dict = {"fuzzy": False}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                fields["fuzzy"] |= "fuzzy" in line
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries.append(fields)
    return entries


def test_every_message_has_a_chinese_translation():
    po = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po").read_text()
    entries = po_entries(po)
    untranslated = [e["msgid"] for e in entries if any(not v for k, v in e.items() if k.startswith("msgstr"))]
    assert len(entries) > 100
    assert untranslated == []
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []


def test_an_unknown_place_gets_a_chinese_not_found_page(world, as_user):
    response = as_user(world.carol).get("/places/999999/")
    assert response.status_code == 404
    assert "不在您的地点范围内" in response.content.decode()


def test_the_api_answers_an_unknown_place_with_404(world, as_user):
    response = as_user(world.carol).get("/api/v1/places/999999")
    assert response.status_code == 404


# A half-width mark with a Chinese character (or Chinese quote) on either side; spaces between do not
# matter. The brackets of %(name)s placeholders are not marks in a sentence.
CHINESE = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"
HALF_WIDTH = re.compile(rf"{CHINESE} *[,;:!?()]|[,;:!?()] *{CHINESE}")


def test_chinese_sentences_use_full_width_punctuation():
    po = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po").read_text()
    half = [
        value
        for entry in po_entries(po)
        for key, value in entry.items()
        if key.startswith("msgstr") and HALF_WIDTH.search(re.sub(r"%\([a-z_0-9]+\)[sdf]", "%s", value))
    ]
    assert half == []


def test_a_closed_service_hall_is_not_read_as_a_closed_place(world, as_user):
    from qunfang.core import services

    services.update_place(by=world.alice, place=world.longjing, hall_status="closed")
    page = as_user(world.leo).get(f"/places/{world.qingxin.pk}/").content.decode()
    assert "服务大厅：关闭" in page


def test_the_audit_log_reads_in_words_in_both_languages(world, as_user):
    """The issue's steps: the Chinese audit page showed code (activity.record, sites_disinfected,
    {'kind': 'veterans'…}, zero True)."""
    from datetime import date

    from qunfang.messaging import services as messaging
    from qunfang.mobilization import services as mobilization
    from qunfang.mobilization.selectors import activity_types
    from qunfang.reporting import services as reporting
    from qunfang.reporting.selectors import data_sets

    kind = activity_types().get(code="sites_disinfected")
    mobilization.record_day(
        by=world.carol, place=world.jingkou, day=date(2020, 2, 3), entries=[mobilization.Entry(kind, 12, 0)]
    )
    data_set = data_sets(world.jingkou).first()
    reporting.submit_report(
        by=world.carol,
        data_set=data_set,
        place=world.jingkou,
        period_start=date(2020, 2, 3),
        values={},
        zero=True,
        submission="zero-1",
    )
    template = messaging.save_template(
        by=world.alice, place=world.qingxin, name="通知", body="{name}您好", channel="sms"
    )
    messaging.create_campaign(
        by=world.alice, place=world.qingxin, name="通知", template=template, filters={"kind": "veterans"}
    )
    page = as_user(world.alice).get("/audit/").content.decode()
    codes = ("activity.record", "sites_disinfected", "report.submit", "campaign.create", "{'kind'", "True")
    for code in (*codes, "station_staff", ">sms<"):
        assert code not in page, code
    assert "记录工作记录" in page and f"{kind.name_zh}</th>" in page and "零报告</th>" in page
    assert "新建通知" in page and "类型：退役军人" in page and "短信" in page and "服务站工作人员" in page
    english = as_user(world.alice)
    english.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    page = english.get("/audit/").content.decode()
    assert "recorded" in page and kind.name_en in page and "activity.record" not in page
