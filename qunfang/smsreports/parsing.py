"""Reading a report written as an SMS: "0" or "日报 0" (a zero report), "日报 发热0 隔离3" (figures by
keyword), "体温 35 消毒 4" (the day's work), with an optional day after the report's word ("日报 12-03
发热0"). Full-width characters, Chinese and ASCII punctuation, words run together ("发热0隔离3",
"日报发热0") and case are forgiven; anything else is refused with what was wrong and how to write it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from qunfang.smsreports.keywords import WORK, ZERO_WORDS, Vocabulary

MOST_CHARACTERS = 200  # longer is no report: seven SMS joined
LARGEST = 1_000_000  # a figure of a station's day; beyond it a slip of the thumb
PUNCTUATION = re.compile(r"[\s,，.。;；:：、!！?？/\\|()（）\[\]【】<>《》\"'“”‘’=＝+_~`·…—]+")
TOKEN = re.compile(r"-?\d+|[^\d\s-]+|-")
EXAMPLE_WORK = ("activity:temperature_checks", "activity:sites_disinfected")
DAY = re.compile(r"^(\d{1,2})(?:-|月)(\d{1,2})日?$")


class Unreadable(ValueError):
    """The text is no report: the reason, in the station's words, with an example to follow."""


@dataclass
class Reading:
    kind: str  # "report" or "work"
    data_set_code: str = ""
    zero: bool = False
    values: dict[str, int] = field(default_factory=dict)  # the data set's field codes
    counts: dict[str, int] = field(default_factory=dict)  # activity codes
    day: tuple[int, int] | None = None  # (month, day) when the text names one


def normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _tokens(text: str) -> list[str]:
    found = []
    for part in PUNCTUATION.split(text):
        if DAY.match(part):
            found.append(part)
        elif part:
            found.extend(TOKEN.findall(part))
    return found


def _segment(word: str, vocabulary: Vocabulary) -> list[str] | None:
    """A word run together from known ones ("日报发热"), split; None when it is not."""
    if word in vocabulary.tokens:
        return [word]
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            if best[start] is not None and word[start:end] in vocabulary.tokens:
                best[end] = [*best[start], word[start:end]]
                break
    return best[len(word)]


def example(vocabulary: Vocabulary, kind: str = "report") -> str:
    """How to write it, in the station's own words."""
    if kind == WORK:
        kinds = [e for e in vocabulary.entries if e.target.startswith("activity:")]
        liked = [
            e for e in kinds if e.target in ("activity:temperature_checks", "activity:sites_disinfected")
        ]
        words = [e.word for e in (liked if len(liked) == 2 else kinds[:2])]
        return " ".join(f"{word} {n}" for word, n in zip(words, (35, 4), strict=False))
    report = next((e for e in vocabulary.entries if e.target.startswith("report:")), None)
    if report is None:
        return ""
    prefix = f"field:{report.target.removeprefix('report:')}:"
    fields = [e for e in vocabulary.entries if e.target.startswith(prefix)]
    liked = [e for e in fields if e.target.endswith((":fever_found", ":home_quarantined"))]
    words = [e.word for e in sorted(liked or fields[:2], key=lambda e: not e.target.endswith("fever_found"))]
    return " ".join([report.word, *(f"{word}{n}" for word, n in zip(words, (0, 3), strict=False))])


def _refuse(reason: str, vocabulary: Vocabulary, kind: str = "report") -> Unreadable:
    how = example(vocabulary, kind)
    if how:
        reason = _("%(reason)s Send it as “%(example)s”.") % {"reason": reason, "example": how}
    return Unreadable(reason)


def _words_and_numbers(tokens: list[str], vocabulary: Vocabulary, kind: str) -> list[tuple[str, int]]:
    pairs: list[tuple[str, int]] = []
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.lstrip("-").isdigit() or token == "-":
            raise _refuse(_("“%(number)s” has no item before it.") % {"number": token}, vocabulary, kind)
        if at + 1 >= len(tokens) or not tokens[at + 1].lstrip("-").isdigit():
            raise _refuse(_("“%(word)s” has no number after it.") % {"word": token}, vocabulary, kind)
        number = tokens[at + 1]
        if number.startswith("-"):
            raise _refuse(_("“%(word)s” cannot be negative.") % {"word": token}, vocabulary, kind)
        if len(number) > 7 or int(number) > LARGEST:
            raise _refuse(
                _("“%(word)s %(number)s” is more than a station counts in a day.")
                % {"word": token, "number": number[:12]},
                vocabulary,
                kind,
            )
        pairs.append((token, int(number)))
        at += 2
    return pairs


def _split(tokens: list[str], vocabulary: Vocabulary) -> list[str]:
    """Known words run together are split; an unknown word is refused by name."""
    found: list[str] = []
    for token in tokens:
        if token.lstrip("-").isdigit() or DAY.match(token) or token in ZERO_WORDS:
            found.append(token)
            continue
        parts = _segment(token, vocabulary)
        if parts is None:
            raise _refuse(_("“%(word)s” is not a known word.") % {"word": token[:20]}, vocabulary)
        found.extend(parts)
    return found


def _default_data_set(vocabulary: Vocabulary) -> str:
    codes = [e.target.removeprefix("report:") for e in vocabulary.entries if e.target.startswith("report:")]
    daily = [code for code in codes if vocabulary.data_sets[code].periodicity == "daily"]
    return (daily or codes or [""])[0]


def read(text: str, vocabulary: Vocabulary) -> Reading:
    """What the text reports; Unreadable with the reason and an example when it is no report."""
    if len(text) > MOST_CHARACTERS:
        raise _refuse(_("The message is too long for a report."), vocabulary)
    tokens = _split(_tokens(normalized(text)), vocabulary)
    if not tokens:
        raise _refuse(_("The message is empty."), vocabulary)
    reading = Reading(kind="report", data_set_code=_default_data_set(vocabulary))
    first = vocabulary.tokens.get(tokens[0], "")
    if first.startswith("report:"):
        reading.data_set_code = first.removeprefix("report:")
        tokens = tokens[1:]
        if tokens and (day := DAY.match(tokens[0])):
            reading.day = (int(day.group(1)), int(day.group(2)))
            tokens = tokens[1:]
    elif first == WORK:
        reading.kind, tokens = WORK, tokens[1:]
    elif first.startswith("activity:"):
        reading.kind = WORK
    if reading.kind == "report" and not reading.data_set_code:
        raise Unreadable(_("This station reports nothing by SMS."))
    if reading.kind == "report" and len(tokens) == 1 and tokens[0] in ZERO_WORDS:
        reading.zero = True
        return reading
    if not tokens:
        raise _refuse(_("The message names no figure."), vocabulary, reading.kind)
    _fill(reading, _words_and_numbers(tokens, vocabulary, reading.kind), vocabulary)
    return reading


def _fill(reading: Reading, pairs: list[tuple[str, int]], vocabulary: Vocabulary) -> None:
    prefix = f"field:{reading.data_set_code}:" if reading.kind == "report" else "activity:"
    found = reading.values if reading.kind == "report" else reading.counts
    for token, number in pairs:
        target = vocabulary.tokens.get(token, "")
        if not target.startswith(prefix):
            raise _refuse(
                _("“%(word)s” is not part of this report.") % {"word": token}, vocabulary, reading.kind
            )
        code = target.removeprefix(prefix)
        if code in found:
            raise _refuse(_("“%(word)s” is written twice.") % {"word": token}, vocabulary, reading.kind)
        found[code] = number


def day_of(reading: Reading, today: date) -> date | None:
    """The day the text names, in the year that puts it nearest before today; None: it names none."""
    if reading.day is None:
        return None
    month, day = reading.day
    for year in (today.year, today.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            raise Unreadable(_("“%(month)s-%(day)s” is not a day.") % {"month": month, "day": day}) from None
        if found <= today:
            return found
    return None
