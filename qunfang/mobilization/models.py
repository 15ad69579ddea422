"""What people did, counted: the types of activity, the append-only ledger of records, and the daily
totals kept for every place and each of its ancestors as the records are written."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import BilingualName, OrgUnit
from qunfang.core.personal import ID_NUMBER, PHONE, BlindIndexField, ProtectedField


class ActivityCategory(models.TextChoices):
    PUBLICITY = "publicity", _("Publicity")
    PREVENTION = "prevention", _("Prevention")
    SERVICE = "service", _("Service")
    COMMAND = "command", _("Command and duty")


class ActivityType(BilingualName, models.Model):
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
    volunteers = models.ManyToManyField(
        "Volunteer", blank=True, related_name="records", verbose_name=_("volunteers who took part")
    )
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
        # As the audit log names it: the day's work (the entry names the place beside it).
        return f"{self.day} {self.activity_type} {self.count}"


class DailyTotal(models.Model):
    """The sums of the ledger for a place and everything under it, for one day and activity type.
    Written in the same transaction as each record: the record's place in place, every ancestor's
    share as a PendingDailyTotal delta, folded in later. A figure is its kept row plus its deltas."""

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
        # Holds every column a period's sums read, so they come from the index alone (no table pages).
        indexes = [
            models.Index(
                fields=["place", "day", "activity_type", "count", "people_reached"], name="daily_total_sums"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.activity_type_id}: {self.count}"


class PendingDailyTotal(models.Model):
    """A delta to an ancestor's kept daily total, appended by a record instead of updating the row that
    every station under the ancestor updates (the nation's row for the day and activity, at the peak
    of an outbreak, by every writer): an insert waits for nobody. Moved into DailyTotal by the fold
    (qunfang.lib.tallies)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    count = models.BigIntegerField(default=0)
    people_reached = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["place", "day", "activity_type"], name="pending_daily_total_keys")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.activity_type_id}+{self.count}"


class Skill(models.TextChoices):
    MEDICAL = "medical", _("First aid and medical")
    DRIVING = "driving", _("Driving")
    PUBLICITY = "publicity", _("Publicity and broadcasting")
    PATROL = "patrol", _("Patrol and checkpoint duty")
    LOGISTICS = "logistics", _("Supplies and deliveries")
    COUNSELLING = "counselling", _("Counselling")
    PAPERWORK = "paperwork", _("Registration and paperwork")


class Availability(models.TextChoices):
    ANY_TIME = "any_time", _("Any time")
    WEEKDAYS = "weekdays", _("Weekdays")
    WEEKENDS = "weekends", _("Weekends")
    EVENINGS = "evenings", _("Evenings")
    ON_CALL = "on_call", _("On call in an emergency")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the station")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class Volunteer(models.Model):
    """A person who gives time through a station: a veteran from the roll (linked when the ID number
    matches) or anyone else. Signs up at the station, or alone through the station's QR code and is
    then confirmed by the station."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    name = models.CharField(_("name"), max_length=50)
    id_number = ProtectedField(_("ID number"), kind=ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number")
    phone = ProtectedField(_("phone"), kind=PHONE)
    phone_index = BlindIndexField(source="phone")
    veteran = models.ForeignKey(
        "registry.Veteran",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteering",
        verbose_name=_("veteran in the roll"),
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.CharField(
        _("availability"), max_length=16, choices=Availability.choices, default=Availability.ANY_TIME
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    signed_up_alone = models.BooleanField(_("signed up through the QR code"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["place__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["place", "id_number_index"], name="one_volunteer_per_station")
        ]

    def __str__(self) -> str:
        return self.name

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[code]) for code in self.skills if code in labels]


class Team(models.Model):
    """A team or work group with a leader: the four groups the Hunnan bureau split its staff into."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=60)
    duties = models.CharField(_("duties"), max_length=300, blank=True)
    leader = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(Volunteer, blank=True, related_name="teams", verbose_name=_("members"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["place__path", "name"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="one_team_name_per_place")]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """A person or a team sent to work at a place for a period. Belongs to the place they are sent
    to, so that its station sees who is coming, and every level above sees it too."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent to"))
    volunteer = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
        verbose_name=_("person"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
        verbose_name=_("team"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    task = models.CharField(_("task"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(volunteer__isnull=True) ^ models.Q(team__isnull=True),
                name="deployment_of_a_person_or_a_team",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="deployment_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer or self.team} → {self.place_id}"


class Deed(models.Model):
    """What a named person did, worth telling: a briefing can later quote it, with its photos."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    day = models.DateField(_("day"))
    person = models.CharField(_("who"), max_length=100)
    volunteer = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deeds",
        verbose_name=_("volunteer"),
    )
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(_("what happened"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deed")
        verbose_name_plural = _("deeds")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """A photo of a deed or of an activity record, resized and stripped of its camera data on upload."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    image = models.ImageField(upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    deed = models.ForeignKey(Deed, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    record = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name
