"""Building blocks every app's API shares: bounded ids and pages, and the documented error answers."""

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

# Ids beyond a 64-bit integer reach no row and would overflow the database driver: refuse them as 422.
Id = Annotated[int, Field(ge=1, le=2**62)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")  # PostgreSQL cannot store them
    return value


# Text from outside, as Django's form fields take it: without NUL characters.
Text = Annotated[str, AfterValidator(_no_nul)]


class ErrorOut(Schema):
    detail: str | list[Any]


# Every operation may answer these; declaring them keeps the OpenAPI document honest.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class Pages(LimitOffsetPagination):
    """Limit and offset with bounds on both, so that no request asks the database for the impossible."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)
