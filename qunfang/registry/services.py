"""Writes to the veterans roll: adding, editing, and revealing protected data (audited)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import ID_NUMBER, PHONE, parse_id_number
from qunfang.registry.models import Veteran

# Audit entries show protected fields as their masks: the log must not become a copy of the roll.
VETERAN_FIELDS = ["name", "place", "address", "category", "status"]
PROTECTED_FIELDS = {"id_number": ID_NUMBER, "phone": PHONE}


def _snapshot(veteran: Veteran) -> dict[str, Any]:
    values = audit.snapshot(veteran, VETERAN_FIELDS)
    values.update({name: str(getattr(veteran, name) or "") for name in PROTECTED_FIELDS})
    return values


def _apply(veteran: Veteran, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in PROTECTED_FIELDS and isinstance(value, str):
            value = value.strip() or None
            if value is not None:
                try:
                    value = veteran._meta.get_field(name).to_python(value)
                except ValidationError as error:
                    raise ValidationError({name: error.messages}) from None
        setattr(veteran, name, value.strip() if isinstance(value, str) else value)
    parsed = parse_id_number(veteran.id_number.reveal())
    veteran.birth_date, veteran.sex = parsed.birth_date, parsed.sex


def _check_unique_id(veteran: Veteran) -> None:
    index = veteran.id_number.index
    other = (
        Veteran.objects.filter(id_number_index=index).exclude(pk=veteran.pk).select_related("place").first()
    )
    if other is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "This ID number is already on the roll: %(name)s at %(place)s (record %(id)s)."
                )
                % {"name": other.name, "place": other.place.name, "id": other.pk}
            }
        )


@transaction.atomic
def create_veteran(*, by: User | None, place: OrgUnit, name: str, id_number: str, **fields: Any) -> Veteran:
    veteran = Veteran(place=place)
    _apply(veteran, {"name": name, "id_number": id_number, **fields})
    _check_unique_id(veteran)
    veteran.full_clean(exclude=["id_number", "phone", "id_number_index", "phone_index", "birth_date", "sex"])
    veteran.save()
    audit.record(by=by, action="veteran.create", place=place, target=veteran, after=_snapshot(veteran))
    return veteran


@transaction.atomic
def update_veteran(*, by: User | None, veteran: Veteran, **fields: Any) -> Veteran:
    veteran = Veteran.objects.select_for_update().get(pk=veteran.pk)
    before = _snapshot(veteran)
    _apply(veteran, fields)
    _check_unique_id(veteran)
    veteran.full_clean(exclude=["id_number", "phone", "id_number_index", "phone_index", "birth_date", "sex"])
    veteran.save()
    after = _snapshot(veteran)
    if after != before:
        audit.record(
            by=by, action="veteran.update", place=veteran.place, target=veteran, before=before, after=after
        )
    return veteran


@transaction.atomic
def reveal(*, by: User, veteran: Veteran, field: str) -> str:
    """The full value of a protected field, for a user whose capability the caller has checked."""
    if field not in PROTECTED_FIELDS:
        raise ValueError(field)
    value = getattr(veteran, field)
    audit.record(by=by, action="veteran.reveal", place=veteran.place, target=veteran, after={"field": field})
    return value.reveal() if value else ""
