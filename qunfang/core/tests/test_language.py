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
