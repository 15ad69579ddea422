"""Daily and zero reporting: what a level of places reports each period (a data set and its fields
and rules), and each place's report of a period with every version it went through."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import BilingualName, Level, OrgUnit


class Periodicity(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DataSet(BilingualName, models.Model):
    """What the places of a level report each period. A bureau defines its own for the places under
    it (`owner`); one without an owner (the seeded epidemic report) is reported everywhere."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    owner = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("defined by"),
    )
    name_zh = models.CharField(_("name in Chinese"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=120)
    level = models.CharField(_("reported by"), max_length=16, choices=Level.choices, default=Level.VILLAGE)
    periodicity = models.CharField(
        _("period"), max_length=8, choices=Periodicity.choices, default=Periodicity.DAILY
    )
    # Due at this hour of the day after the period ends ("10:00 the next day").
    deadline_hour = models.PositiveSmallIntegerField(_("deadline hour, the next day"), default=10)
    # Places that have not reported are reminded this many hours before the deadline.
    remind_hours_before = models.PositiveSmallIntegerField(_("remind, hours before the deadline"), default=2)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def period_of(self, day: date) -> date:
        """The first day of the period that holds `day` (weekly periods start on Mondays)."""
        return day - timedelta(days=day.weekday()) if self.periodicity == Periodicity.WEEKLY else day

    def reported_under(self, place: OrgUnit) -> str | None:
        """The path prefix of the places under `place` that report this data set, or None if none
        does: the deeper of the place and the owner, when one holds the other."""
        if self.owner is None or place.path.startswith(self.owner.path):
            return place.path
        if self.owner.path.startswith(place.path):
            return self.owner.path
        return None


class DataField(BilingualName, models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name in Chinese"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=120)
    unit = models.CharField(_("unit"), max_length=10, default="人")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["data_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "code"], name="one_field_code_per_data_set")
        ]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """A check between two fields of a report, such as "close contacts >= confirmed cases"."""

    class Operator(models.TextChoices):
        AT_LEAST = ">=", "≥"
        AT_MOST = "<=", "≤"

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(DataField, on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(max_length=2, choices=Operator.choices)
    right = models.ForeignKey(DataField, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"

    def holds(self, values: dict[str, int]) -> bool:
        left, right = values.get(self.left.code, 0), values.get(self.right.code, 0)
        return left >= right if self.operator == self.Operator.AT_LEAST else left <= right


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class Report(models.Model):
    """A place's report of one period: its latest values, whether it is a zero report, on time or late,
    and where it stands with the level above. Every submission is kept as a version."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="reports")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    period_start = models.DateField(_("period"))
    values = models.JSONField(default=dict)
    zero = models.BooleanField(_("zero report"), default=False)
    late = models.BooleanField(_("late"), default=False)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    first_submitted_at = models.DateTimeField()
    # The level above's last decision: who approved or returned it, when, and why it was returned.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "place__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "place", "period_start"], name="one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        # As the audit log names it: the data set and the day (the entry names the place beside it).
        return f"{self.data_set} {self.period_start}"


class ReportVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    values = models.JSONField(default=dict)
    zero = models.BooleanField(default=False)
    # The form's one-time key: a report sent twice on a bad network is one version.
    submission = models.CharField(max_length=64, unique=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class ReportTally(models.Model):
    """Kept counts and sums of a period's reports for a place and each of its ancestors: how many
    reported, late, as zero, approved; each figure's sum as submitted ("sum:<field>") and as approved
    ("approved:<field>"). Written with each report, so completeness and totals of any place are a few
    rows away (see qunfang.lib.tallies)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    key = models.CharField(max_length=60)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "data_set", "period_start", "key"], name="one_tally_per_key"
            )
        ]
        # The value too, so that reads come from the index alone (PostgreSQL: index-only scans).
        indexes = [
            models.Index(fields=["place", "data_set", "period_start", "key", "value"], name="tally_values")
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.period_start} {self.key}={self.value}"


class PendingReportTally(models.Model):
    """A delta to an ancestor's kept tally, appended by a submission instead of updating the row that
    every place under the ancestor updates (an insert waits for nobody), and moved into ReportTally by
    the fold (qunfang.lib.tallies). A figure is its kept row plus its pending deltas."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+", db_index=False)
    period_start = models.DateField()
    key = models.CharField(max_length=60)
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["place", "data_set", "period_start", "key"], name="pending_tally_keys")
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.period_start} {self.key}+{self.value}"


class Reminder(models.Model):
    """A place was reminded of a period's report it had not sent: kept so that nobody is reminded
    twice, however many times the reminder job runs."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "period_start", "place"], name="one_reminder_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.period_start}"
