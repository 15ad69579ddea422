"""Writes of daily reporting. A report is submitted (with figures, or explicitly as zero), corrected
until the level above approves it, and every submission is kept as a version."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.reporting.models import DataSet, Report, ReportStatus, ReportVersion


def deadline(data_set: DataSet, period_start: date) -> datetime:
    """When the report of the period is due: the set hour of the day after the period ends."""
    length = 7 if data_set.periodicity == "weekly" else 1
    day_after = period_start + timedelta(days=length)
    return timezone.make_aware(datetime.combine(day_after, time(hour=data_set.deadline_hour)))


def _checked_values(data_set: DataSet, values: dict, zero: bool) -> dict[str, int]:
    fields = list(data_set.fields.all())
    if zero:
        return {field.code: 0 for field in fields}
    errors: dict[str, list[str]] = {}
    checked = {}
    for field in fields:
        raw = values.get(field.code, 0)
        try:
            number = int(raw if raw not in ("", None) else 0)
        except (TypeError, ValueError):
            errors.setdefault(field.code, []).append(_("Enter a whole number."))
            continue
        if isinstance(raw, float) and not raw.is_integer():
            errors.setdefault(field.code, []).append(_("Enter a whole number."))
        elif number < 0:
            errors.setdefault(field.code, []).append(_("A figure cannot be negative."))
        checked[field.code] = number
    unknown = sorted(set(values) - {field.code for field in fields})
    if unknown:
        errors.setdefault("values", []).append(_("Unknown field: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not errors:
        for rule in data_set.rules.select_related("left", "right"):
            if not rule.holds(checked):
                errors.setdefault(rule.left.code, []).append(
                    _("%(left)s must be %(operator)s %(right)s.")
                    % {
                        "left": rule.left.name,
                        "operator": rule.get_operator_display(),
                        "right": rule.right.name,
                    }
                )
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def submit_report(
    *,
    by: User | None,
    data_set: DataSet,
    place: OrgUnit,
    period_start: date,
    values: dict | None = None,
    zero: bool = False,
    submission: str,
) -> Report:
    """Submit or correct a place's report of a period. The same `submission` sent again returns the
    report as it is and stores nothing; an approved report is locked."""
    earlier = ReportVersion.objects.filter(submission=submission).select_related("report").first()
    if earlier:
        if earlier.report.place_id != place.pk:
            raise ValidationError({"submission": _("This submission key is used already.")})
        return earlier.report
    if place.level != data_set.level:
        raise ValidationError(
            _("%(place)s does not report %(data_set)s.") % {"place": place.name, "data_set": data_set.name}
        )
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("The period is in the future.")})
    checked = _checked_values(data_set, values or {}, zero)
    now = timezone.now()
    report = (
        Report.objects.select_for_update()
        .filter(data_set=data_set, place=place, period_start=period_start)
        .first()
    )
    if report and report.status == ReportStatus.APPROVED:
        raise ValidationError(_("The report is approved and can no longer be changed."))
    before = {"values": report.values, "zero": report.zero} if report else None
    if report is None:
        report = Report(
            data_set=data_set,
            place=place,
            period_start=period_start,
            first_submitted_at=now,
            late=now > deadline(data_set, period_start),
        )
    report.values, report.zero, report.status = checked, zero, ReportStatus.SUBMITTED
    report.save()
    number = report.versions.count() + 1
    ReportVersion.objects.create(
        report=report,
        number=number,
        values=checked,
        zero=zero,
        submission=submission,
        submitted_by=by if by and by.pk else None,
        submitted_at=now,
    )
    audit.record(
        by=by,
        action="report.submit" if number == 1 else "report.correct",
        place=place,
        target=report,
        before=before,
        after={"values": checked, "zero": zero},
    )
    return report
