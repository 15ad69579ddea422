"""What the writes of operations share: the longest shift, the days of home observation, and small checks."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.models import OrgUnit

LONGEST_SHIFT = timedelta(hours=24)
OBSERVATION_DAYS = 14  # home observation after a risk area or a contact, before work again


def _under(place: OrgUnit, inside: OrgUnit) -> bool:
    return place.path.startswith(inside.path)


def _not_in_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _required(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()
