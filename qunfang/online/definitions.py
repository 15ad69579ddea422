"""What a service's definition and an application's answers must be: the checks services.py runs
before it writes (a field list, a document list and a review path), the answers read against the
fields, and the place that takes a step of the path for a veteran. Nothing here writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qunfang.core.models import LEVEL_RANK, OrgUnit
from qunfang.lib.dates import EARLIEST, LATEST
from qunfang.lib.text import unwanted_in
from qunfang.online.models import ActingLevel, FieldKind, ReviewStepKind

MOST_FIELDS, MOST_DOCUMENTS, MOST_STEPS, MOST_OPTIONS = 20, 10, 12, 30
LONGEST_LABEL, LONGEST_ANSWER = 60, 500
LONGEST_DEADLINE = 365  # days
LARGEST_NUMBER = Decimal("1e12")


def clean_text(value, field: str, longest: int, *, required: bool = False, what: str = "") -> str:
    """User text, stripped; refused with control characters, when too long, or empty when required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Write this as text.")})
    value = value.strip()
    if unwanted_in(value):
        raise ValidationError({field: _("The text holds an invisible control character; type it again.")})
    if len(value) > longest:
        raise ValidationError({field: _("At most %(count)s characters.") % {"count": longest}})
    if required and not value:
        raise ValidationError({field: what or _("This field is required.")})
    return value


def _list(value, field: str, most: int) -> list:
    if not isinstance(value, list):
        raise ValidationError({field: _("Give a list.")})
    if len(value) > most:
        raise ValidationError({field: _("At most %(count)s entries.") % {"count": most}})
    if not all(isinstance(entry, dict) for entry in value):
        raise ValidationError({field: _("Each entry must be an object with its label.")})
    return value


def _labels_unique(entries: list[dict], field: str) -> None:
    labels = [entry["label"] for entry in entries]
    if len(set(labels)) != len(labels):
        raise ValidationError({field: _("Two entries have the same label: give each its own.")})


def clean_fields(value) -> list[dict]:
    """The form's fields: a label, a kind (text, number, date, choice with its options), required."""
    found = []
    for entry in _list(value, "fields", MOST_FIELDS):
        label = clean_text(
            entry.get("label"), "fields", LONGEST_LABEL, required=True, what=_("Each field needs a label.")
        )
        kind = entry.get("kind")
        if kind not in FieldKind.values:
            raise ValidationError({"fields": _("A field is text, a number, a date or a choice.")})
        options = entry.get("options") or []
        if kind == FieldKind.CHOICE:
            if not isinstance(options, list) or not 2 <= len(options) <= MOST_OPTIONS:
                raise ValidationError({"fields": _("A choice needs 2 to 30 options.")})
            options = [clean_text(option, "fields", LONGEST_LABEL, required=True) for option in options]
            if len(set(options)) != len(options):
                raise ValidationError({"fields": _("A choice has the same option twice.")})
        elif options:
            raise ValidationError({"fields": _("Only a choice has options.")})
        found.append(
            {"label": label, "kind": kind, "options": options, "required": bool(entry.get("required"))}
        )
    _labels_unique(found, "fields")
    return found


def clean_documents(value) -> list[dict]:
    """The documents asked for, each a photo: a label and whether it is required."""
    found = [
        {
            "label": clean_text(
                entry.get("label"),
                "documents",
                LONGEST_LABEL,
                required=True,
                what=_("Each document needs a label."),
            ),
            "required": bool(entry.get("required")),
        }
        for entry in _list(value, "documents", MOST_DOCUMENTS)
    ]
    _labels_unique(found, "documents")
    return found


def clean_path(value) -> list[dict]:
    """The review path: each step's acting level, what it is, and its deadline in days."""
    steps = _list(value, "path", MOST_STEPS)
    if not steps:
        raise ValidationError({"path": _("The review path needs at least one step.")})
    found = []
    for entry in steps:
        if entry.get("level") not in ActingLevel.values:
            raise ValidationError(
                {
                    "path": _(
                        "Each step is taken by a village or town station, a district, a city or a province."
                    )
                }
            )
        if entry.get("kind") not in ReviewStepKind.values:
            raise ValidationError(
                {
                    "path": _(
                        "Each step is a check, a review, making the card, signing for it or handing it out."
                    )
                }
            )
        days = entry.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= LONGEST_DEADLINE:
            raise ValidationError({"path": _("Each step's deadline is 1 to 365 days.")})
        found.append({"level": entry["level"], "kind": entry["kind"], "days": days})
    return found


def acting_place(home: OrgUnit, level: str) -> OrgUnit:
    """The place that takes a step for a veteran of `home`: home or its ancestor at the level, or the
    nearest one above it when the tree skips that level (a county-level city under a province)."""
    chain = [home, *OrgUnit.objects.filter(pk__in=home.ancestor_ids).order_by("-depth")]
    wanted = LEVEL_RANK[level]
    below = [place for place in chain if LEVEL_RANK[place.level] <= wanted]
    return below[0] if below else chain[-1]


def _answer(field: dict, value) -> str:
    label, kind = field["label"], field["kind"]
    text = clean_text(value if value is not None else "", label, LONGEST_ANSWER)
    if not text:
        if field["required"]:
            raise ValidationError({label: _("Fill in “%(label)s”.") % {"label": label}})
        return ""
    if kind == FieldKind.NUMBER:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= LARGEST_NUMBER:
            raise ValidationError({label: _("“%(label)s” must be a number.") % {"label": label}})
        return format(number.normalize(), "f")
    if kind == FieldKind.DATE:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is None or not EARLIEST <= day <= LATEST:
            raise ValidationError({label: _("“%(label)s” must be a date (YYYY-MM-DD).") % {"label": label}})
        return day.isoformat()
    if kind == FieldKind.CHOICE and text not in field["options"]:
        raise ValidationError(
            {label: _("Choose one of the offered answers for “%(label)s”.") % {"label": label}}
        )
    return text


def clean_answers(fields: list[dict], answers) -> dict[str, str]:
    """The answers by field label, each read as its field's kind; an answer to no field is refused."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Give the answers by the fields' labels.")})
    labels = {field["label"] for field in fields}
    if unknown := [key for key in answers if key not in labels]:
        raise ValidationError(
            {"answers": _("This service has no field “%(label)s”.") % {"label": str(unknown[0])[:60]}}
        )
    return {field["label"]: _answer(field, answers.get(field["label"])) for field in fields}
