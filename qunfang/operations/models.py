"""A bureau's (or a station's) own work in an emergency: its staff and sections, the leading group and
who answers for what, work plans broken into tasks with owners (pushed down the tree to the stations
below), the staff's daily health check-in and return-to-work screening, leave, the 24-hour duty roster
with a leader on duty, and the office's routine measures (disinfection and the like).

Every row belongs to a place (directly, or through its staff member, group, plan or shift), which is
what scoping reads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.core.personal import PHONE, BlindIndexField, ProtectedField
from qunfang.lib.temperature import is_fever


class Section(models.Model):
    """A section, centre or office of a bureau (办公室, 优抚科, 服务中心): tasks can be given to it."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=60)
    duties = models.CharField(_("duties"), max_length=300, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        ordering = ["place__path", "name"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="one_section_name_per_place")]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person who works at a bureau or station. Linked to a user account when they sign in, so that
    they can check in and see their own tasks; without one, a colleague records for them."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("post"), max_length=60, blank=True)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("section"),
    )
    phone = ProtectedField(_("phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_member",
        verbose_name=_("user account"),
    )
    active = models.BooleanField(_("still on the staff"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["place__path", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Head of the group")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member")


class LeadingGroup(models.Model):
    """The leading group a bureau forms for an emergency (疫情防控工作领导小组)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    formed_on = models.DateField(_("formed on"))

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("leading group")
        ordering = ["place__path", "-formed_on", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMemberQuerySet(PlaceScopedQuerySet):
    place_path_field = "group__place__path"


class GroupMember(models.Model):
    group = models.ForeignKey(LeadingGroup, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    role = models.CharField(_("role in the group"), max_length=10, choices=GroupRole.choices)
    responsibility = models.CharField(_("responsible for"), max_length=300, blank=True)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "staff"], name="once_in_a_group")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_role_display()}"


class WorkPlan(models.Model):
    """A written work plan for a period, broken into tasks."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    title = models.CharField(_("title"), max_length=120)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    text = models.TextField(_("text of the plan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        ordering = ["place__path", "-start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="plan_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    DOING = "doing", _("Under way")
    DONE = "done", _("Done")


class Task(models.Model):
    """One task of a plan with one owner: a person, a section, a station (a place) or a team. Its
    `place` is where the owner is, so the owner's station sees it and the plan's place above too. A
    task pushed down the tree has the task it came from as `parent`."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="pushed_down"
    )
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("task"), max_length=200)
    detail = models.TextField(_("details"), blank=True)
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.TODO)
    owner_staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_station = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_team = models.ForeignKey(
        "mobilization.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        ordering = ["due", "pk"]
        constraints = [
            # Exactly one owner: the sum of the four "is set" flags is one.
            models.CheckConstraint(
                condition=(
                    Q(owner_staff__isnull=False, owner_section=None, owner_station=None, owner_team=None)
                    | Q(owner_staff=None, owner_section__isnull=False, owner_station=None, owner_team=None)
                    | Q(owner_staff=None, owner_section=None, owner_station__isnull=False, owner_team=None)
                    | Q(owner_staff=None, owner_section=None, owner_station=None, owner_team__isnull=False)
                ),
                name="task_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["parent", "owner_station"],
                condition=Q(parent__isnull=False, owner_station__isnull=False),
                name="pushed_down_once_per_place",
            ),
        ]
        indexes = [models.Index(fields=["place", "status", "due"])]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self):
        return self.owner_staff or self.owner_section or self.owner_station or self.owner_team

    @property
    def owner_kind(self) -> str:
        if self.owner_staff_id:
            return "staff"
        if self.owner_section_id:
            return "section"
        if self.owner_station_id:
            return "station"
        return "team"

    @property
    def overdue(self) -> bool:
        return self.status != TaskStatus.DONE and self.due < timezone.localdate()


class TaskNote(models.Model):
    """A progress note on a task, with the status it left the task in."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    text = models.CharField(_("progress"), max_length=500)
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class Symptom(models.TextChoices):
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    SHORT_OF_BREATH = "short_of_breath", _("Short of breath")
    TIRED = "tired", _("Tired, aching")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    NO_TASTE = "no_taste", _("Lost taste or smell")


class WorkMode(models.TextChoices):
    AT_WORK = "at_work", _("At work")
    REMOTE = "remote", _("Working from home")
    OFF = "off", _("Not working today")


class StaffQuerySet(PlaceScopedQuerySet):
    place_path_field = "staff__place__path"


class CheckIn(models.Model):
    """A staff member's health on a day: one a day (a second one corrects the first)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    whereabouts = models.CharField(_("where I am"), max_length=100)
    mode = models.CharField(_("working"), max_length=8, choices=WorkMode.choices, default=WorkMode.AT_WORK)
    came_back_from = models.CharField(_("came back from (if away)"), max_length=100, blank=True)
    came_back_on = models.DateField(_("came back on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("health check-in")
        ordering = ["-day", "staff__name"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="one_check_in_a_day")]

    def __str__(self) -> str:
        return f"{self.staff} {self.day}"

    @property
    def fever(self) -> bool:
        return is_fever(self.temperature)

    @property
    def unwell(self) -> bool:
        return self.fever or bool(self.symptoms)

    def symptom_names(self) -> list[str]:
        names = dict(Symptom.choices)
        return [str(names.get(code, code)) for code in self.symptoms]


class ReturnScreening(models.Model):
    """The one-off screening before a person's first day back at work."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="return_screenings")
    first_day = models.DateField(_("first day back"))
    came_from = models.CharField(_("coming back from"), max_length=100)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    risk_area = models.BooleanField(_("was in or passed through a risk area"), default=False)
    contact = models.BooleanField(_("had contact with a confirmed or suspected case"), default=False)
    observed_days = models.PositiveSmallIntegerField(_("days of home observation done"), default=0)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    cleared = models.BooleanField(_("cleared to return"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("return-to-work screening")
        ordering = ["-first_day", "pk"]

    def __str__(self) -> str:
        return f"{self.staff} {self.first_day}"


class LeaveKind(models.TextChoices):
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    ANNUAL = "annual", _("Annual leave")
    OTHER = "other", _("Other")


class Leave(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(_("kind"), max_length=10, choices=LeaveKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="leave_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.start}–{self.end}"


class DutyShift(models.Model):
    """A stretch of the 24-hour duty roster: who is on duty and the leader on duty, with the note
    handed to the next shift."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    leader = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader on duty"),
    )
    staff = models.ManyToManyField(StaffMember, blank=True, related_name="shifts", verbose_name=_("on duty"))
    handover_note = models.TextField(_("handover note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="duty_shift_ends_after_start")
        ]
        indexes = [models.Index(fields=["place", "start"])]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return (
            f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
            if start.date() == end.date()
            else f"{start:%Y-%m-%d %H:%M}–{end:%m-%d %H:%M}"
        )

    @property
    def ends_next_day(self) -> bool:
        return timezone.localtime(self.end).date() > timezone.localtime(self.start).date()


class MeasureKind(models.TextChoices):
    DISINFECTION = "disinfection", _("Disinfection")
    VENTILATION = "ventilation", _("Ventilation")
    MASKS = "masks", _("Masks handed out")
    ENTRANCE_CHECK = "entrance_check", _("Temperature checks at the entrance")
    OTHER = "other", _("Other")


class OfficeMeasure(models.Model):
    """A routine measure taken at an office site on a day: disinfected the hall, aired the rooms."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    site = models.CharField(_("where"), max_length=100)
    kind = models.CharField(_("measure"), max_length=16, choices=MeasureKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_by = models.CharField(_("done by"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("office measure")
        ordering = ["-day", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.day} {self.site}"


class CheckInReminder(models.Model):
    """A staff member was reminded to check in on a day: kept so that nobody is reminded twice."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="one_check_in_reminder_a_day")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day}"
