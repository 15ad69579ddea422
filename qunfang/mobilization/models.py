"""What people did, counted: the types of activity, the append-only ledger of records, and the daily
totals kept for every place and each of its ancestors as the records are written."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class ActivityCategory(models.TextChoices):
    PUBLICITY = "publicity", _("Publicity")
    PREVENTION = "prevention", _("Prevention")
    SERVICE = "service", _("Service")
    COMMAND = "command", _("Command and duty")


class ActivityType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80)
    unit = models.CharField(_("unit"), max_length=10, help_text="人次, 次, 处, 条")
    category = models.CharField(_("category"), max_length=16, choices=ActivityCategory.choices)
    counts_people_reached = models.BooleanField(_("counts people reached"), default=False)
    # The most one village may record in a day; a town may record ten times as much, and so on up.
    daily_limit = models.PositiveIntegerField(_("daily limit for a village"), default=5000)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class ActivityRecord(models.Model):
    """One entry of the ledger. Never changed: a correction is a new record that reverses this one
    (negative counts, `reverses` pointing here)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    day = models.DateField(_("day"), db_index=True)
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, verbose_name=_("activity"))
    count = models.IntegerField(_("count"))
    people_reached = models.IntegerField(_("people reached"), default=0)
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # The form's one-time key: a form sent twice (a double tap on a bad network) is recorded once.
    submission = models.CharField(max_length=64, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-day", "-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "activity_type"],
                condition=~models.Q(submission=""),
                name="one_record_per_submission_and_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.activity_type_id} {self.count}"


class DailyTotal(models.Model):
    """The sums of the ledger for a place and everything under it, for one day and activity type.
    Written in the same transaction as each record, for the record's place and every ancestor."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="+")
    count = models.BigIntegerField(default=0)
    people_reached = models.BigIntegerField(default=0)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "day", "activity_type"], name="one_total_per_place_day_type"
            )
        ]
        indexes = [models.Index(fields=["place", "day"])]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.activity_type_id}: {self.count}"
