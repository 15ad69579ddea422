"""Everyday care of veterans: one file per person and contact on a cadence. The categories of the
national information collection (建档立卡) as data, each veteran's categories and life events; the
bureau's cadence rules (who, a call or a home visit, how often, when an overdue one goes up to the town
and the district); what is due, kept as one row per person and rule (`ContactDue`) moved on when a
contact is recorded; the calls and visits done, with their photo and gift; festival rounds.

"What is due" is never reckoned from a person's history on a page: the due rows are kept with each
write, and the counts of them by place and day are kept up the tree (lib/tallies)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.registry.models import ThroughVeteranQuerySet


class CareCategory(models.Model):
    """A category of the national collection (no place), or one a bureau added for its own people."""

    place = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(default=100)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("care category")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="one_care_category_name")]

    def __str__(self) -> str:
        return self.name


class CategoryAssignment(models.Model):
    veteran = models.ForeignKey("registry.Veteran", on_delete=models.CASCADE, related_name="care_categories")
    category = models.ForeignKey(CareCategory, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughVeteranQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "category__name"]
        constraints = [models.UniqueConstraint(fields=["veteran", "category"], name="one_assignment")]

    def __str__(self) -> str:
        return f"{self.veteran_id} {self.category_id}"


class EventKind(models.TextChoices):
    ENTERED = "entered", _("Entered the roll")
    MOVED_IN = "moved_in", _("Moved in")
    HOSPITALISED = "hospitalised", _("Hospitalised")
    PASSED_AWAY = "passed_away", _("Passed away")
    OTHER = "other", _("Other")


class LifeEvent(models.Model):
    veteran = models.ForeignKey("registry.Veteran", on_delete=models.CASCADE, related_name="life_events")
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughVeteranQuerySet.as_manager()

    class Meta:
        verbose_name = _("life event")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.veteran_id} {self.kind} {self.day}"


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Home visit")


class CareRule(models.Model):
    """A bureau's rule for the people under its place: those of any of the categories and any of the
    tags (none chosen: everyone) and, if set, older than an age; a call or a visit every so many
    months; an overdue one goes up to the town, then the district, after so many days."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("what"), max_length=8, choices=ContactKind.choices)
    every_months = models.PositiveSmallIntegerField(_("every (months)"))
    categories = models.ManyToManyField(
        CareCategory, blank=True, related_name="+", verbose_name=_("categories")
    )
    tags = models.ManyToManyField("registry.Tag", blank=True, related_name="+", verbose_name=_("tags"))
    older_than = models.PositiveSmallIntegerField(_("older than (years)"), null=True, blank=True)
    town_after_days = models.PositiveSmallIntegerField(_("up to the town after (days overdue)"), default=7)
    district_after_days = models.PositiveSmallIntegerField(
        _("up to the district after (days overdue)"), default=30
    )
    starts = models.DateField(_("first due"))
    active = models.BooleanField(_("in force"), default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("care rule")
        ordering = ["place__path", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(every_months__gt=0), name="rule_has_interval")
        ]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A festival round (Spring Festival, 八一): one visit to each chosen person by their station, with
    a gift from the station's stock, watched to the end like a campaign."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    day = models.DateField(_("visit by"))
    gift_item = models.ForeignKey(
        "donations.Item",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gift"),
    )
    gift_quantity = models.PositiveIntegerField(_("gift per person"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("festival round")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return self.name


class DueReason(models.TextChoices):
    RULE = "rule", _("Care rule")
    HOSPITAL = "hospital", _("In hospital")
    ROUND = "round", _("Festival round")


class ContactDue(models.Model):
    """Kept: the next call or visit a person is owed under a rule (or after a stay in hospital, or in a
    festival round), at the person's place (moved with them), with the days it goes up the tree."""

    veteran = models.ForeignKey("registry.Veteran", on_delete=models.CASCADE, related_name="care_dues")
    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")  # the person's, kept
    rule = models.ForeignKey(CareRule, null=True, blank=True, on_delete=models.CASCADE, related_name="dues")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE, related_name="dues")
    reason = models.CharField(max_length=10, choices=DueReason.choices, default=DueReason.RULE)
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    due = models.DateField()
    town_on = models.DateField()  # the day an overdue one shows on the town's list
    district_on = models.DateField()

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["veteran", "rule"], name="one_due_per_rule"),
            models.UniqueConstraint(fields=["veteran", "round"], name="one_due_per_round"),
            models.UniqueConstraint(
                fields=["veteran"], condition=models.Q(reason="hospital"), name="one_hospital_visit_due"
            ),
        ]
        indexes = [
            models.Index(fields=["place", "due"], name="dues_of_a_place"),
            models.Index(fields=["town_on"], name="dues_gone_up"),
        ]

    def __str__(self) -> str:
        return f"{self.veteran_id} {self.kind} {self.due}"


class Contact(models.Model):
    """A call or a home visit done, at the person's place of the day; the due it met and whether on
    time; a photo; the gift taken from the station's stock (its ledger line)."""

    veteran = models.ForeignKey("registry.Veteran", on_delete=models.PROTECT, related_name="care_contacts")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what"), max_length=8, choices=ContactKind.choices)
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.CharField(max_length=200, blank=True)  # under MEDIA_ROOT (lib/uploads)
    photo_name = models.CharField(max_length=200, blank=True)
    gift_move = models.OneToOneField(
        "donations.StockMove", null=True, blank=True, on_delete=models.PROTECT, related_name="care_contact"
    )
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    due_day = models.DateField(null=True, blank=True)  # the earliest due it met
    on_time = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.veteran_id} {self.kind} {self.day}"

    @property
    def gift(self) -> str:
        move = self.gift_move
        return f"{move.item.name} {-move.quantity}{move.item.unit}" if move else ""


class DueTotal(models.Model):
    """Kept (lib/tallies): per place (and every place above it), due day and kind, the open dues."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=8)
    dues = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day", "kind"], name="one_due_total_a_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.kind}: {self.dues}"


class ContactTotal(models.Model):
    """Kept (lib/tallies): per place (and above), day and kind, the contacts done and those on time."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=8)
    done = models.IntegerField(default=0)
    met = models.IntegerField(default=0)  # of them, those that met a due
    on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "day", "kind"], name="one_contact_total_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.kind}: {self.done}"
