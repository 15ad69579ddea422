"""Text hygiene in one place: what text from outside may hold, and how stored text is written out.

Control characters (other than tab and line breaks) and lone surrogates are refused where text comes
in: forms (a validator on every CharField, see `core.apps`) and the API (its JSON parser, see
`qunfang.api`). Rows stored before that rule, or written by other means, are still exported: writers
pass their strings through `printable`, so a spreadsheet or a Word document never fails on one.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls; the bidirectional
# embeddings, overrides and isolates, which make text shown read otherwise than it is stored (a name
# written backwards, a row's buttons moved); lone surrogates (a JSON "\ud800" decodes to one, and no
# database or file format can store it).
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def unwanted_in(value: str) -> str | None:
    """The first unwanted character of the text, or None."""
    found = UNWANTED.search(value)
    return found.group() if found else None


@deconstructible
class NoControlCharacters:
    message = _(
        "The text holds an invisible control character (U+%(code)04X), often pasted from another "
        "program. Type the text again, or paste it as plain text."
    )
    code = "control_character"

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and (found := unwanted_in(value)):
            raise ValidationError(self.message, code=self.code, params={"code": ord(found)})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)


no_control_characters = NoControlCharacters()


def printable(value: Any) -> Any:
    """The value with unwanted characters dropped, for writers that refuse them (Excel's XML, Word's)."""
    if isinstance(value, str) and UNWANTED.search(value):
        return UNWANTED.sub("", value)
    return value


def find_unwanted(data: Any, where: str = "") -> tuple[str, str] | None:
    """The first (location, character) of an unwanted character in parsed JSON, keys included."""
    if isinstance(data, str):
        found = unwanted_in(data)
        return (where, found) if found else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        inside = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and (found := unwanted_in(key)):
            return inside, found
        if found := find_unwanted(value, inside):
            return found
    return None


# Numbers inside names, as people write them: 12, 十二, 二十三, 一百零五, 〇五 (digit by digit).
_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"\d+|[〇零一二两三四五六七八九十百千]+")


def _chinese_number(text: str) -> int:
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))  # 二〇二〇
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]  # 十二: a unit with no digit before it is one of it
            digit = 0
    return total + digit


def natural_key(name: str) -> str:
    """A name's sort key with its numbers as numbers: 第二网格 before 第十一网格 before 第三十网格, 2栋
    before 10栋. Each number, in digits or Chinese numerals, becomes ten zero-padded digits."""

    def padded(match: re.Match) -> str:
        part = match.group()
        value = int(part) if part.isdigit() else _chinese_number(part)
        return f"{value:010d}"

    return _NUMBER.sub(padded, name)
