"""Building blocks every app's API shares: bounded ids and pages, and the documented error answers."""

from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

from qunfang.lib.dates import EARLIEST, LATEST, within_years

# Ids beyond a 64-bit integer reach no row and would overflow the database driver: refuse them as 422.
Id = Annotated[int, Field(ge=1, le=2**62)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")  # PostgreSQL cannot store them
    return value


# Text from outside, as Django's form fields take it: without NUL characters. (Other control characters
# and lone surrogates are refused for every string of a request by the API's parser: lib/text.py.)
Text = Annotated[str, AfterValidator(_no_nul)]


def _aware_within_years(value: datetime) -> datetime:
    if not within_years(value):
        raise ValueError(f"a time between {EARLIEST.year} and {LATEST.year}")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # a naive time is the server's local time, as on the forms
    return value


def _day_within_years(value: date) -> date:
    if not within_years(value):
        raise ValueError(f"a day between {EARLIEST.year} and {LATEST.year}")
    return value


Moment = Annotated[datetime, AfterValidator(_aware_within_years)]
Day = Annotated[date, AfterValidator(_day_within_years)]


class ErrorOut(Schema):
    detail: str | list[Any]


# Every operation may answer these; declaring them keeps the OpenAPI document honest.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

# Django's own message for a choice outside the offered ones (gettext finds it in Django's catalogue too),
# for an API that checks an id against what the page would offer.
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


class Pages(LimitOffsetPagination):
    """Limit and offset with bounds on both, so that no request asks the database for the impossible."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)
