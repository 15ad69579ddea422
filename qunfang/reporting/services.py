"""Writes of daily reporting. A report is submitted (with figures, or explicitly as zero), corrected
until the level above approves it, and every submission is kept as a version."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import Membership, OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.core.writes import in_steps, service, within_a_service, writes_nothing
from qunfang.lib.dates import short_moment
from qunfang.lib.tallies import Tally, table
from qunfang.messaging.backends import Outgoing, Recipient, send
from qunfang.reporting.models import (
    DataField,
    DataSet,
    PendingReportTally,
    Reminder,
    Report,
    ReportStatus,
    ReportTally,
    ReportVersion,
)

# Counts and sums of each place's reports, kept for it and every ancestor: the villages of a district
# reporting at once append the district's deltas rather than queue on its rows (lib/tallies).
TALLIES = Tally(
    ReportTally,
    keys=("place_id", "data_set_id", "period_start", "key"),
    sums=("value",),
    pending=PendingReportTally,
)


@writes_nothing
def period_length(data_set: DataSet) -> int:
    return 7 if data_set.periodicity == "weekly" else 1


@writes_nothing
def deadline(data_set: DataSet, period_start: date) -> datetime:
    """When the report of the period is due: the set hour of the day after the period ends."""
    day_after = period_start + timedelta(days=period_length(data_set))
    return timezone.make_aware(datetime.combine(day_after, time(hour=data_set.deadline_hour)))


@writes_nothing
def reminder_time(data_set: DataSet, period_start: date) -> datetime:
    return deadline(data_set, period_start) - timedelta(hours=data_set.remind_hours_before)


def _checked_values(data_set: DataSet, values: dict, zero: bool) -> dict[str, int]:
    fields = list(data_set.fields.all())
    if zero:
        return {field.code: 0 for field in fields}
    errors: dict[str, list[str]] = {}
    checked = {}
    for field in fields:
        raw = values.get(field.code, 0)
        try:
            if isinstance(raw, bool | list | dict):
                raise TypeError
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


def _add_to_tallies(report: Report, changes: dict[str, int]) -> None:
    """Add `changes` (tally key → amount) to the report's place and every ancestor; the caller holds
    the transaction."""
    period = connection.ops.adapt_datefield_value(report.period_start)
    TALLIES.add_up_the_tree(
        report.place.path,
        [(report.data_set_id, period, key, amount) for key, amount in changes.items() if amount],
    )


def _submission_changes(before: Report | None, after: Report) -> dict[str, int]:
    """What a submission changes in the tallies: a first one is counted (late, zero), a correction
    only moves the sums and the zero count by the difference."""
    changes: dict[str, int] = {}
    if before is None:
        changes["reported"] = 1
        changes["late"] = int(after.late)
    changes["zero"] = int(after.zero) - int(before.zero if before else 0)
    for code, value in after.values.items():
        changes[f"sum:{code}"] = value - (before.values.get(code, 0) if before else 0)
    return changes


def _earlier_submission(submission: str, place: OrgUnit) -> Report | None:
    earlier = ReportVersion.objects.filter(submission=submission).select_related("report").first()
    if earlier and earlier.report.place_id != place.pk:
        raise ValidationError({"submission": _("This submission key is used already.")})
    return earlier.report if earlier else None


def _locked_report(
    data_set: DataSet, place: OrgUnit, period_start: date, now: datetime, values: dict, zero: bool
) -> tuple[Report, bool]:
    """The period's report of the place, locked until the transaction ends, made with `values` if there
    is none. Two first submissions at once (two phones of one station) both find none: the second's
    insert meets the unique constraint and it takes the first's report instead."""
    found = Report.objects.select_for_update().filter(
        data_set=data_set, place=place, period_start=period_start
    )
    report = found.first()
    if report:
        return report, False
    try:
        with transaction.atomic():  # a savepoint: the conflict must not spoil the caller's transaction
            return Report.objects.create(
                data_set=data_set,
                place=place,
                period_start=period_start,
                first_submitted_at=now,
                late=now > deadline(data_set, period_start),
                values=values,
                zero=zero,
            ), True
    except IntegrityError:
        return found.get(), False


@service
def submit_report(
    *,
    by: User | None,
    data_set: DataSet,
    place: OrgUnit,
    period_start: date,
    values: dict | None = None,
    zero: bool = False,
    submission: str,
    at: datetime | None = None,
    base_version: int | None = None,
) -> Report:
    """Submit or correct a place's report of a period. The same `submission` sent again returns the
    report as it is and stores nothing; an approved report is locked. `at` is when it was made (paper
    reports typed in later give it), by default now. `base_version`, the number of versions the sender
    saw (a form kept on a phone without a network), refuses a correction of a report that was sent
    again meanwhile, from another phone, rather than overwriting it."""
    earlier = _earlier_submission(submission, place)
    if earlier:
        return earlier
    if place.level != data_set.level or data_set.reported_under(place) is None:
        raise ValidationError(
            _("%(place)s does not report %(data_set)s.") % {"place": place.name, "data_set": data_set.name}
        )
    now = at or timezone.now()
    if period_start > timezone.localdate(now):
        raise ValidationError({"period_start": _("The period is in the future.")})
    if period_length(data_set) == 7 and period_start.weekday() != 0:
        raise ValidationError({"period_start": _("A weekly report's period starts on a Monday.")})
    checked = _checked_values(data_set, values or {}, zero)
    report, created = _locked_report(data_set, place, period_start, now, checked, zero)
    # Whoever held the lock before us may have been this very submission, sent twice at once.
    earlier = _earlier_submission(submission, place)
    if earlier:
        return earlier
    if report.status == ReportStatus.APPROVED:
        raise ValidationError(_("The report is approved and can no longer be changed."))
    _check_base_version(report, created, base_version)
    before = None if created else Report(values=report.values, zero=report.zero)
    if not created:  # a new report was made with these values already
        report.values, report.zero, report.status = checked, zero, ReportStatus.SUBMITTED
        report.save()
    _add_to_tallies(report, _submission_changes(before, report))
    number = 1 if created else report.versions.count() + 1
    ReportVersion.objects.create(
        report=report,
        number=number,
        values=checked,
        zero=zero,
        submission=submission,
        submitted_by=audit.acting_user(by),
        submitted_at=now,
    )
    audit.record(
        by=by,
        action="report.submit" if number == 1 else "report.correct",
        place=place,
        target=report,
        before={"values": before.values, "zero": before.zero} if before else None,
        after={"values": checked, "zero": zero},
    )
    return report


def _check_base_version(report: Report, created: bool, base_version: int | None) -> None:
    current = 0 if created else report.versions.count()
    if base_version is not None and current > base_version:
        raise ValidationError(
            _(
                "This report was sent again after this form was opened, from another phone or page: it "
                "now has %(count)s versions. Open it as it stands now, and send yours again if it is still "
                "right."
            )
            % {"count": current}
        )


def _check_reviewer(by: User | None, report: Report, scope) -> None:
    """The level above reviews: the reviewer must be able to approve at the report's parent place,
    which its own station staff cannot."""
    parent = report.place.parent
    if scope is not None and (parent is None or not scope.allows(Capability.APPROVE_REPORTS, parent)):
        raise PermissionDenied(_("Only the level above may approve or return this report."))


@service
def approve_report(*, by: User | None, report: Report, scope=None) -> Report:
    """Approve a submitted report: it is locked, and its figures join the approved totals of its place
    and every ancestor at once."""
    report = Report.objects.select_for_update().select_related("place").get(pk=report.pk)
    _check_reviewer(by, report, scope)
    if report.status == ReportStatus.APPROVED:
        return report  # approving twice (a double tap) is approving once
    if report.status == ReportStatus.RETURNED:
        raise ValidationError(_("The report was returned; it can be approved once it is corrected."))
    report.status, report.reviewed_by, report.reviewed_at = (
        ReportStatus.APPROVED,
        audit.acting_user(by),
        timezone.now(),
    )
    report.return_reason = ""
    report.save()
    changes = {"approved": 1, **{f"approved:{code}": value for code, value in report.values.items()}}
    _add_to_tallies(report, changes)
    audit.record(by=by, action="report.approve", place=report.place, target=report, after=report.values)
    return report


@service
def approve_reports(*, by: User | None, reports: list[Report], scope=None) -> int:
    """Approve every submitted report of the list (the town's "approve all" after a quiet day)."""
    approved = 0
    for report in reports:
        if report.status == ReportStatus.SUBMITTED:
            approve_report(by=by, report=report, scope=scope)
            approved += 1
    return approved


@service
def return_report(*, by: User | None, report: Report, reason: str, scope=None) -> Report:
    """Send a report back to its station with the reason; it can be corrected and submitted again."""
    report = Report.objects.select_for_update().select_related("place").get(pk=report.pk)
    _check_reviewer(by, report, scope)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report goes back, so the station can fix it.")})
    if report.status == ReportStatus.APPROVED:
        raise ValidationError(_("The report is approved and can no longer be changed."))
    report.status, report.reviewed_by, report.reviewed_at = (
        ReportStatus.RETURNED,
        audit.acting_user(by),
        timezone.now(),
    )
    report.return_reason = reason[:300]
    report.save()
    audit.record(by=by, action="report.return", place=report.place, target=report, after={"reason": reason})
    return report


@within_a_service
def move_tallies(sender: Any, *, place: OrgUnit, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A subtree moved (core.move_place, same transaction): its reports' tallies follow it."""
    TALLIES.move(place.pk, old_path, new_path)


# --- reminders -----------------------------------------------------------------------------------------


@writes_nothing
def periods_to_remind(now: datetime) -> list[tuple[DataSet, date]]:
    """The (data set, period) pairs whose reminder time has come and whose deadline has not passed."""
    today = timezone.localdate(now)
    due = []
    for data_set in DataSet.objects.filter(active=True):
        length = period_length(data_set)
        for back in range(length + 2):
            period = today - timedelta(days=back)
            if length == 7 and period.weekday() != 0:
                continue  # weekly periods start on Mondays
            if reminder_time(data_set, period) <= now < deadline(data_set, period):
                due.append((data_set, period))
    return due


def _reminder_text(data_set: DataSet, place: OrgUnit, period_start: date) -> str:
    due = timezone.localtime(deadline(data_set, period_start))
    return _(
        "%(place)s: the %(data_set)s for %(day)s has not been sent. It is due by %(deadline)s; "
        "with nothing to report, send a zero report."
    ) % {
        "place": place.name,
        "data_set": data_set.name,
        "day": period_start.isoformat(),
        "deadline": due.strftime("%m-%d %H:%M"),
    }


@in_steps("each place is reminded in its own transaction, after its message went out")
def remind_missing(data_set: DataSet, period_start: date) -> int:
    """Remind every place that has not sent the period's report and was not reminded of it yet, through
    the messaging backend: its station staff by name and the station's phone. Run twice, it reminds
    once. Answers how many places were reminded."""
    missing = (
        OrgUnit.objects.under(data_set.owner.path if data_set.owner else "")
        .filter(level=data_set.level)
        .exclude(
            pk__in=Report.objects.filter(data_set=data_set, period_start=period_start).values("place_id")
        )
        .exclude(
            pk__in=Reminder.objects.filter(data_set=data_set, period_start=period_start).values("place_id")
        )
        .order_by("path")
    )
    reminded = 0
    for place in missing.iterator():
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                data_set=data_set,
                period_start=period_start,
                place=place,
                defaults={"sent_at": timezone.now(), "recipients": 0},
            )
            if created:
                _send_reminder(reminder)
                reminded += 1
    return reminded


def _reminder_recipients(place: OrgUnit) -> list[Recipient]:
    """Who a place's reminder goes to: its station staff by name, and the station's phone."""
    staff = Membership.objects.filter(place=place, user__is_active=True, role="station_staff")
    recipients = [
        Recipient(name=m.user.full_name or m.user.username, place=place.name)
        for m in staff.select_related("user")
    ]
    if place.phone:
        recipients.append(Recipient(name=place.name, phone=place.phone, place=place.name))
    return recipients


def _send_reminder(reminder: Reminder) -> None:
    """The reminder's message to the place's station staff by name and to the station's phone."""
    place = reminder.place
    recipients = _reminder_recipients(place)
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["recipients"])
    text = _reminder_text(reminder.data_set, place, reminder.period_start)
    send(Outgoing(recipients, text, topic="report-reminder", extra={"place_id": place.pk}))


@service
def remind_place(*, by: User | None, data_set: DataSet, place: OrgUnit, period_start: date) -> Reminder:
    """One place reminded by hand, from the page where it is found missing: once a period, as the
    reminder job does, so a reminder sent by either is not sent again."""
    if place.level != data_set.level or data_set.reported_under(place) is None:
        raise ValidationError(_("%(place)s does not send this report.") % {"place": place.name})
    if Report.objects.filter(data_set=data_set, period_start=period_start, place=place).exists():
        raise ValidationError(_("%(place)s has sent this report already.") % {"place": place.name})
    if not _reminder_recipients(place):
        raise ValidationError(
            _("Nobody can receive a reminder for %(place)s: it has no station staff and no station phone. "
              "Call the station, or give it a phone on its page.") % {"place": place.name}
        )  # fmt: skip
    reminder, created = Reminder.objects.get_or_create(
        data_set=data_set, period_start=period_start, place=place,
        defaults={"sent_at": timezone.now(), "recipients": 0},
    )  # fmt: skip
    if not created:
        sent = short_moment(reminder.sent_at)
        raise ValidationError(
            _("%(place)s was reminded at %(time)s already.") % {"place": place.name, "time": sent}
        )
    _send_reminder(reminder)
    audit.record(
        by=by, action="report.remind", place=place, target=data_set,
        after={"day": period_start.isoformat(), "recipients": reminder.recipients},
    )  # fmt: skip
    return reminder


@in_steps("each data set's period is reminded on its own (remind_missing)")
def send_due_reminders(now: datetime | None = None) -> int:
    """Every reminder whose time has come (the worker's clock calls this every few minutes)."""
    return sum(
        remind_missing(data_set, period) for data_set, period in periods_to_remind(now or timezone.now())
    )


# --- the kept tallies, checked and remade from the reports ------------------------------------------------


def _own_tallies_sql() -> str:
    """Each report's own tally rows (place, data set, period, key, value), in SQL that PostgreSQL and
    SQLite both run: the counts, and each figure as submitted and, when approved, as approved."""
    reports, fields = table(Report), table(DataField)
    values = f"r.{connection.ops.quote_name('values')}"
    if connection.vendor == "postgresql":
        figure = f"COALESCE(({values} ->> f.code)::bigint, 0)"
    else:
        figure = f"COALESCE(json_extract({values}, '$.' || f.code), 0)"
    row = "SELECT r.place_id, r.data_set_id, r.period_start"
    with_fields = f"FROM {reports} r JOIN {fields} f ON f.data_set_id = r.data_set_id WHERE NOT r.zero"
    approved = f"r.status = '{ReportStatus.APPROVED}'"
    return " UNION ALL ".join(
        [
            f"{row}, 'reported', 1 FROM {reports} r",
            f"{row}, 'late', 1 FROM {reports} r WHERE r.late",
            f"{row}, 'zero', 1 FROM {reports} r WHERE r.zero",
            f"{row}, 'approved', 1 FROM {reports} r WHERE {approved}",
            f"{row}, 'sum:' || f.code, {figure} {with_fields}",
            f"{row}, 'approved:' || f.code, {figure} {with_fields} AND {approved}",
        ]
    )


@writes_nothing
def count_tally_disagreements() -> int:
    """How many kept tallies differ from the reports counted and summed up the tree."""
    return TALLIES.count_disagreements(_own_tallies_sql())


@in_steps("each batch of deltas is folded in its own transaction, so the ancestors' rows are held briefly")
def fold_tallies() -> int:
    """Move the pending deltas of the ancestors' tallies into their kept rows (the worker's clock, and
    `qunfang tallies --fold`); the figures read the same before and after. Answers how many moved."""
    return TALLIES.fold()


@service
def rebuild_tallies() -> int:
    """Make the kept tallies again from the reports (after a restore, or to check), in the database."""
    rebuilt = TALLIES.rebuild(_own_tallies_sql())
    # A repair from the command line: the audit log says when the kept sums were made again.
    audit.record(
        by=None,
        action="reporting.rebuild_tallies",
        place=None,
        target=ReportTally,
        after={"rows": rebuilt},
    )
    return rebuilt


# --- data sets -------------------------------------------------------------------------------------------

DATA_SET_FIELDS = [
    "code",
    "name_zh",
    "name_en",
    "level",
    "periodicity",
    "deadline_hour",
    "remind_hours_before",
]


@service
def save_data_set(
    *,
    by: User | None,
    owner: OrgUnit | None,
    facts: dict[str, Any],
    fields: list[dict[str, str]],
    rules: list[tuple[str, str, str]] = (),
    data_set: DataSet | None = None,
) -> DataSet:
    """Define or change a data set of the bureau at `owner`: its facts, its fields (code, Chinese and
    English names, unit; in order) and its rules (left field code, operator, right field code). Once
    a data set has reports its fields keep their codes: names, units and new fields may change."""
    errors: dict[str, list[str]] = {}
    codes = [f["code"] for f in fields]
    if not fields:
        errors.setdefault("fields", []).append(_("Give the data set at least one field."))
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        errors.setdefault("fields", []).append(
            _("Each field needs its own code: %(codes)s.") % {"codes": ", ".join(repeated)}
        )
    taken = DataSet.objects.filter(code=facts["code"]).exclude(pk=data_set.pk if data_set else None)
    if taken.exists():
        errors.setdefault("code", []).append(_("Another data set has this code."))
    if data_set and Report.objects.filter(data_set=data_set).exists():
        kept = set(data_set.fields.values_list("code", flat=True))
        if not kept <= set(codes):
            errors.setdefault("fields", []).append(
                _("The data set has reports: its fields %(codes)s stay.")
                % {"codes": ", ".join(sorted(kept - set(codes)))}
            )
        if facts["level"] != data_set.level:
            errors.setdefault("level", []).append(
                _("The data set has reports: the level that reports it stays.")
            )
    for left, _operator, right in rules:
        if left == right or left not in codes or right not in codes:
            errors.setdefault("rules", []).append(_("A rule compares two different fields of the data set."))
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(data_set, DATA_SET_FIELDS) if data_set else None
    facts = {**facts, "name_en": facts.get("name_en") or facts["name_zh"]}  # named in Chinese only
    data_set = data_set or DataSet(owner=owner)
    for name in DATA_SET_FIELDS:
        setattr(data_set, name, facts[name])
    data_set.save()
    by_code = {}
    for position, values in enumerate(fields):
        by_code[values["code"]], _created = DataField.objects.update_or_create(
            data_set=data_set,
            code=values["code"],
            defaults={
                "name_zh": values["name_zh"],
                "name_en": values.get("name_en") or values["name_zh"],
                "unit": values.get("unit") or "",
                "position": position,
            },
        )
    DataField.objects.filter(data_set=data_set).exclude(code__in=codes).delete()
    data_set.rules.all().delete()
    for left, operator, right in rules:
        data_set.rules.create(left=by_code[left], operator=operator, right=by_code[right])
    audit.record(
        by=by,
        action="data_set.save",
        place=owner,
        target=data_set,
        before=before,
        after={
            **audit.snapshot(data_set, DATA_SET_FIELDS),
            "fields": codes,
            "rules": [" ".join(r) for r in rules],
        },
    )
    return data_set
