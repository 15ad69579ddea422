"""Writes of honour plaques: the first plaque of a veteran's household, a replacement (the family
moved, it was damaged or lost), a line cancelled when recorded by mistake. Refused: a plaque for no
veteran, for one no longer on the roll or who has passed away (the family keeps the plaque it has; it
is not replaced), a second first plaque, a replacement before the plaque it replaces, a day to come.
Each write is one transaction with its kept totals and its audit entry."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service, within_a_service, writes_nothing
from qunfang.lib.tallies import Tally
from qunfang.plaques.models import REPLACEMENTS, Plaque, PlaqueTotal, Reason
from qunfang.registry.models import Status, Veteran

TOTALS = Tally(PlaqueTotal, keys=("place_id", "day"), sums=("first", "replaced"))


@writes_nothing
def current_plaque(veteran: Veteran) -> Plaque | None:
    """The plaque hanging at the veteran's household now: the latest line not cancelled."""
    return veteran.plaques.filter(cancelled="").order_by("-day", "-pk").first()


def _household(veteran: Veteran | None) -> Veteran:
    """The veteran whose household gets the plaque, refused when there is none to hang it for."""
    if veteran is None:
        raise ValidationError(
            {"veteran": _("A plaque is hung for a veteran's household: choose the veteran on the roll.")}
        )
    if veteran.status == Status.MOVED:
        raise ValidationError(
            {
                "veteran": _("%(name)s has moved away from the roll: the household is no longer here.")
                % {"name": veteran.name}
            }
        )
    return veteran


def _count(plaque: Plaque, sign: int) -> None:
    first = sign if plaque.reason == Reason.FIRST else 0
    TOTALS.add_up_the_tree(
        plaque.place.path,
        [(connection.ops.adapt_datefield_value(plaque.day), first, sign - first)],
    )


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _check_order(veteran: Veteran, reason: str, day: date, hanging: Plaque | None) -> None:
    """A first plaque for a living veteran's household without one; a replacement of the one hanging,
    not before it, and never after the veteran's death (the family keeps the plaque)."""
    name = {"name": veteran.name}
    if reason == Reason.FIRST:
        if veteran.status == Status.DECEASED:
            message = _(
                "%(name)s has passed away: a first plaque is hung only for a living veteran's household."
            )
            raise _refused("veteran", message % name)
        if hanging is not None:
            message = _("This household has its plaque, hung on %(day)s: record a replacement instead.")
            raise _refused("reason", message % {"day": hanging.day.isoformat()})
        return
    if veteran.status == Status.DECEASED:
        raise _refused(
            "reason",
            _("%(name)s has passed away: the family keeps the plaque, and it is not replaced.") % name,
        )
    if hanging is None:
        raise _refused("reason", _("This household has no plaque yet: hang its first one."))
    if day < hanging.day:
        message = _("A replacement cannot be before the plaque it replaces (%(day)s).")
        raise _refused("day", message % {"day": hanging.day.isoformat()})


@service
def hang(
    *,
    by: User | None,
    veteran: Veteran | None,
    day: date,
    reason: str = Reason.FIRST,
    note: str = "",
    submission: str | None = None,
) -> Plaque:
    """A plaque hung at the veteran's household: the first (`reason` first) or a replacement of the one
    hanging (moved, damaged, lost)."""
    if submission:
        earlier = Plaque.objects.filter(submission=submission).first()
        if earlier and (veteran is None or earlier.veteran_id != veteran.pk):
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    veteran = _household(veteran)
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("The date cannot be in the future.")})
    hanging = current_plaque(veteran)
    _check_order(veteran, reason, day, hanging)
    plaque = Plaque.objects.create(
        veteran=veteran,
        place=veteran.place,
        day=day,
        reason=reason,
        note=(note or "").strip()[:200],
        by=by,
        replaces=hanging if reason in REPLACEMENTS else None,
        submission=submission or None,
    )
    _count(plaque, 1)
    audit.record(
        by=by,
        action="plaque.record",
        place=veteran.place,
        target=plaque,
        after={"veteran": veteran.pk, "day": day.isoformat(), "reason": reason},
    )
    return plaque


@service
def cancel(*, by: User | None, plaque: Plaque, reason: str) -> Plaque:
    """A line recorded by mistake, cancelled: only the household's latest, so that the one it replaced
    hangs again; kept with why, off every count."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the line is cancelled.")})
    if plaque.cancelled:
        raise ValidationError(_("This line is cancelled already."))
    if current_plaque(plaque.veteran) != plaque:
        raise ValidationError(_("Only the latest plaque of a household can be cancelled."))
    plaque.cancelled = reason[:200]
    plaque.save(update_fields=["cancelled"])
    _count(plaque, -1)
    audit.record(by=by, action="plaque.revoke", place=plaque.place, target=plaque, after={"reason": reason})
    return plaque


# --- the kept totals ------------------------------------------------------------------------------------


@within_a_service
def move_totals(sender, *, place: OrgUnit, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved (core.move_place, same transaction): its plaque totals follow it."""
    TOTALS.move(place.pk, old_path, new_path)


def _own_sums_sql() -> str:
    """Each place's own plaques per day (the cancelled left out), first ones and replacements."""
    table = Plaque._meta.db_table
    return (
        f"SELECT place_id, day, SUM(CASE WHEN reason = '{Reason.FIRST}' THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN reason = '{Reason.FIRST}' THEN 0 ELSE 1 END) FROM {table}"
        " WHERE cancelled = '' GROUP BY place_id, day"
    )


@writes_nothing
def count_disagreements() -> int:
    """How many kept plaque totals differ from the plaques summed up the tree."""
    return TOTALS.count_disagreements(_own_sums_sql())


@service
def rebuild_totals() -> int:
    """The kept totals thrown away and made again from the plaques (after a restore, or to check)."""
    rebuilt = TOTALS.rebuild(_own_sums_sql())
    audit.record(
        by=None, action="plaques.rebuild_totals", place=None, target=PlaqueTotal, after={"rows": rebuilt}
    )
    return rebuilt
