"""Templates: the variables a text may use, an SMS's length in parts, the checks a body passes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service, writes_nothing
from qunfang.messaging.models import Channel, Template

# What a template may say about its recipient; each becomes that person's value when the list freezes.
VARIABLES = {
    "name": gettext_lazy("the veteran's name"),
    "place": gettext_lazy("the veteran's village or community"),
}
VARIABLE = re.compile(r"\{(\w*)\}")
# China's SMS: 70 characters in one message; longer texts go in parts of 67. Providers refuse over 500.
SMS_SINGLE, SMS_PART, SMS_LIMIT = 70, 67, 500


@dataclass(frozen=True)
class Length:
    characters: int  # with the longest value each variable is likely to take
    segments: int


@writes_nothing
def sms_length(body: str) -> Length:
    """How long the text is once filled in (names up to 4 characters, places up to 10) and in how many
    SMS it goes."""
    filled = VARIABLE.sub(lambda m: "某" * (4 if m.group(1) == "name" else 10), body)
    characters = len(filled)
    segments = 1 if characters <= SMS_SINGLE else -(-characters // SMS_PART)
    return Length(characters, segments)


@writes_nothing
def check_body(body: str, channel: str) -> None:
    unknown = sorted({m.group(1) for m in VARIABLE.finditer(body)} - VARIABLES.keys())
    if unknown:
        raise ValidationError(
            {
                "body": _("The text uses {%(names)s}, which has no value; it may use {name} and {place}.")
                % {"names": "}, {".join(unknown)}
            }
        )
    if channel == Channel.SMS and sms_length(body).characters > SMS_LIMIT:
        raise ValidationError(
            {
                "body": _("An SMS holds at most %(limit)s characters once filled in; this one has %(n)s.")
                % {"limit": SMS_LIMIT, "n": sms_length(body).characters}
            }
        )


@service
def save_template(
    *, by: User | None, place: OrgUnit, template: Template | None = None, **fields: Any
) -> Template:
    check_body(fields["body"], fields["channel"])
    template = template or Template(place=place)
    for name, value in fields.items():
        setattr(template, name, value)
    template.save()
    audit.record(by=by, action="template.save", place=place, target=template, after=fields)
    return template
