"""Figures as a reader takes them in: 161,796.00 and 11,509, the comma every three digits as Chinese
official documents write them. Django's own grouping follows the locale, and for zh-hans it has no
separator (and groups by four), so a bureau's 161796.00 would stay unreadable; and grouping turned on
for every number would also break ids in addresses. Hence this, applied where a figure is shown."""

from decimal import Decimal, InvalidOperation


def grouped(value) -> str:
    """An int, a Decimal or a number's text with a comma every three digits; anything else as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | float):
        number = value
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if isinstance(number, Decimal) and not number.is_finite():
        return str(value)
    return f"{number:,}"


# The units the configured activities and report fields count in, as English writes them; a unit not
# listed is shown as it was typed.
UNITS_IN_ENGLISH = {
    "人": "people",
    "人次": "person-times",
    "户": "households",
    "户次": "household-times",
    "次": "times",
    "处": "sites",
    "条": "items",
    "例": "cases",
    "元": "yuan",
    "个": "",
    "份": "copies",
    "场": "sessions",
}


def with_unit(name: str, unit: str) -> str:
    """ "测温（人次）" in Chinese, "Temperature checks (person-times)" in English: no Chinese unit in an
    English label."""
    from django.utils.translation import get_language

    if not unit:
        return name
    if (get_language() or "").startswith("zh"):
        return f"{name}（{unit}）"
    english = UNITS_IN_ENGLISH.get(unit, unit)
    return f"{name} ({english})" if english else name
