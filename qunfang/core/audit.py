"""The audit log's writer. Services call `record` inside their transaction, so an entry exists exactly
when the write it describes does."""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from qunfang.core import replica
from qunfang.core.models import AuditEntry, OrgUnit, User


@dataclass(frozen=True)
class Origin:
    address: str | None
    channel: str


# Where the current write comes from. Middleware and the API set it per request, so that services need
# not be handed the request just to log an address; commands and tasks keep the default.
current_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar(
    "current_origin",
    default=Origin(None, "cli"),  # noqa: B039 (Origin is frozen, so sharing it is safe)
)


@contextlib.contextmanager
def working_as(origin: Origin):
    """What runs inside is recorded as coming from `origin` (a task); afterwards the thread's origin is
    what it was, so that a task run in a request's or a test's thread does not leave its mark there."""
    token = current_origin.set(origin)
    try:
        yield
    finally:
        current_origin.reset(token)


TASK = Origin(None, "task")


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-safe values, for `before` and `after`."""
    values = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[name] = value
    return values


def acting_user(by: Any) -> User | None:
    """The user to store as who did something: None for the system (a command, the demo) and for an
    anonymous or unsaved user."""
    return by if isinstance(by, User) and by.pk else None


def record(
    *,
    by: Any,
    action: str,
    place: OrgUnit | None,
    target: models.Model | type[models.Model],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    origin = current_origin.get()
    actor = by if by is not None and getattr(by, "pk", None) else None
    if actor is not None:
        replica.mark_written_by(actor.pk)
    return AuditEntry.objects.create(
        actor=actor,
        # Someone without an account (a veteran signed in with a code, portal/access.py) names themselves.
        actor_name=actor.get_username() if actor else getattr(by, "audit_name", ""),
        place=place,
        action=action,
        target_type=target._meta.label_lower,
        # A model itself is the target of work on all its rows (the kept totals made again).
        target_id="" if isinstance(target, type) else str(target.pk or ""),
        target_label=str(target._meta.verbose_name_plural if isinstance(target, type) else target)[:200],
        before=before,
        after=after,
        address=origin.address,
        channel=origin.channel,
    )
