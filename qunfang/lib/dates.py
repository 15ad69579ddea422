"""The years a record of ours can be about, for every day and time that comes in (forms, the API,
addresses). Beyond them a time zone's shift overflows Python's datetime (year 1 in Beijing is year 0
in UTC), week and period arithmetic runs off the calendar, and no real shift, gift or crossing lies."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def within_years(value: date | datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def check_within_years(value: date | datetime | None) -> None:
    """A form field's validator (set on every DateField and DateTimeField in `core.apps`)."""
    if not within_years(value):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )


def short_day(value: date | datetime | None) -> str:
    """A day as a list shows it: 02-03 within this year, 2020-02-03 in any other (a record of 2020 read
    in 2026 must not look like this February's)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.strftime("%m-%d" if value.year == timezone.localdate().year else "%Y-%m-%d")


def short_moment(value: datetime | None) -> str:
    """A moment as a list shows it: 02-03 14:05 within this year, 2020-02-03 14:05 in any other."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{short_day(local)} {local:%H:%M}"
