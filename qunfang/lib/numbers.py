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
