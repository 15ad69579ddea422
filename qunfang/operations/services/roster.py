"""The duty roster (nobody on two shifts at once), handover notes, and the office's measures."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service
from qunfang.operations.models import DutyShift, MeasureKind, OfficeMeasure, StaffMember
from qunfang.operations.services.rules import LONGEST_SHIFT, _not_in_future, _required
from qunfang.operations.services.staff import _staff_under

# --- duty roster ---------------------------------------------------------------------------------------


@service
def save_shift(
    *,
    by: User | None,
    place: OrgUnit,
    start: datetime,
    end: datetime,
    leader: StaffMember | None,
    staff: list[StaffMember],
    handover_note: str = "",
    shift: DutyShift | None = None,
) -> DutyShift:
    """A shift of the place's roster. Nobody is on two shifts at once, the leader on duty included."""
    if end <= start:
        raise ValidationError({"end": _("A shift ends after it starts.")})
    if end - start > LONGEST_SHIFT:
        raise ValidationError({"end": _("A shift lasts 24 hours at most.")})
    if leader is None and not staff:
        raise ValidationError({"staff": _("Put someone on duty.")})
    people = list({p.pk: p for p in [*staff, *([leader] if leader else [])]}.values())
    _staff_under(place, people, "staff")
    # Serialize the check-then-write per place (SQLite is serialized already).
    OrgUnit.objects.select_for_update().filter(pk=place.pk).first()
    clash = (
        DutyShift.objects.filter(start__lt=end, end__gt=start)
        .filter(Q(leader__in=people) | Q(staff__in=people))
        .exclude(pk=shift.pk if shift else None)
        .order_by("start")
        .first()
    )
    if clash:
        busy = [p.name for p in people if p.pk == clash.leader_id or clash.staff.filter(pk=p.pk).exists()]
        raise ValidationError(
            _("%(names)s already on duty %(when)s: a person cannot be on two shifts at once.")
            % {"names": "、".join(busy), "when": str(clash)}
        )
    shift = shift or DutyShift(place=place, created_by=audit.acting_user(by))
    shift.start, shift.end, shift.leader, shift.handover_note = start, end, leader, handover_note.strip()
    shift.save()
    shift.staff.set(staff)
    audit.record(
        by=by,
        action="duty_shift.save",
        place=place,
        target=shift,
        after={"leader": leader and leader.pk, "staff": sorted(p.pk for p in staff)},
    )
    return shift


@service
def write_handover(*, by: User | None, shift: DutyShift, note: str) -> DutyShift:
    note = _required(note, "handover_note", _("Write what the next shift needs to know."))
    shift.handover_note = note
    shift.save(update_fields=["handover_note"])
    audit.record(by=by, action="duty_shift.handover", place=shift.place, target=shift)
    return shift


# --- office measures -----------------------------------------------------------------------------------


@service
def record_measure(
    *, by: User | None, place: OrgUnit, day: date, site: str, kind: str, note: str = "", done_by: str = ""
) -> OfficeMeasure:
    _not_in_future(day, "day")
    site = _required(site, "site", _("Say where it was done."))
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose the measure.")})
    measure = OfficeMeasure.objects.create(
        place=place,
        day=day,
        site=site[:100],
        kind=kind,
        note=note.strip()[:300],
        done_by=done_by.strip()[:50],
        recorded_by=audit.acting_user(by),
    )
    audit.record(by=by, action="office_measure.record", place=place, target=measure)
    return measure


@service
def reveal_roster_phones(*, by: User, place: OrgUnit, monday: date) -> None:
    """The printed week with full phone numbers: who printed which week is kept in the audit log."""
    audit.record(
        by=by, action="duty_shift.print_phones", place=place, target=DutyShift,
        after={"week": monday.isoformat()},
    )  # fmt: skip
