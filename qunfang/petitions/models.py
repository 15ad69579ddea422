"""Petitions and rights (信访, 权益维护): a petition raised by one or more veterans of a station's place,
taken through its four steps — found, registered, resolved, visited again (发现-登记-化解-回访) — each
with its deadline (days per step, set by a bureau as data) and its history; and each station's monthly
risk screening (不稳定风险排查), signed off by the station and then by the person in charge above.

A petition is late when the deadline of its current step has passed: it then shows on the work list of
the town above it, and once late by the bureau's `escalate_after_days` more, on the district's. This
is read from the petition's own `step_due` (indexed), never reckoned from its history."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class State(models.TextChoices):
    FOUND = "found", _("Found")
    REGISTERED = "registered", _("Registered")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Visited again")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (State.FOUND, State.REGISTERED)  # not yet resolved: what "open" counts
WAITING_STATES = (State.FOUND, State.REGISTERED, State.RESOLVED)  # a next step is due


class Kind(models.TextChoices):
    TREATMENT = "treatment", _("Pension and treatment")
    PLACEMENT = "placement", _("Placement and employment")
    MEDICAL = "medical", _("Medical care")
    HOUSING = "housing", _("Housing and living")
    INSURANCE = "insurance", _("Social insurance")
    OTHER = "other", _("Other matter")


class StepDeadlines(models.Model):
    """How many days each step may take, set by a bureau for its places (the nearest place above a
    petition that has a row sets its deadlines; `DEFAULT_DAYS` where none has)."""

    place = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    register_days = models.PositiveSmallIntegerField(_("days to register once found"))
    resolve_days = models.PositiveSmallIntegerField(_("days to resolve once registered"))
    revisit_days = models.PositiveSmallIntegerField(_("days to visit again once resolved"))
    escalate_after_days = models.PositiveSmallIntegerField(_("days late before the district is told"))

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition deadlines")
        verbose_name_plural = _("petition deadlines")

    def __str__(self) -> str:
        return f"{self.place_id}: {self.register_days}/{self.resolve_days}/{self.revisit_days}"


# The usual practice of the regulations on petitions (信访工作条例): registered within a few days,
# answered within 60 days (here 30, as stations aim), visited again within 15.
DEFAULT_DAYS = {"register_days": 3, "resolve_days": 30, "revisit_days": 15, "escalate_after_days": 7}


class Petition(models.Model):
    """One matter raised by one or more veterans of the place (a joint or group petition names every
    petitioner on the roll; `people` counts all who raised it, on the roll or not)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the station's place
    veterans = models.ManyToManyField(
        "registry.Veteran", related_name="petitions", verbose_name=_("petitioners")
    )
    people = models.PositiveIntegerField(_("people who raised it"), default=1)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("subject"), max_length=100)
    matter = models.TextField(_("what was raised"), max_length=2000)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.FOUND)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    found_on = models.DateField(_("found on"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    revisited_on = models.DateField(_("visited again on"), null=True, blank=True)
    # The deadline of the step now due (none once visited again or withdrawn): what lateness reads.
    step_due = models.DateField(_("next step due"), null=True, blank=True)
    resolve_due = models.DateField(null=True, blank=True)  # the resolving deadline, kept for "on time"
    resolved_on_time = models.BooleanField(null=True, blank=True)
    answer = models.TextField(_("answer given"), max_length=2000, blank=True)
    revisit_note = models.TextField(_("what the petitioner said"), max_length=2000, blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["step_due", "-found_on", "-pk"]
        # the late ones of a place and below: path prefix via place, then step_due
        indexes = [models.Index(fields=["state", "step_due"], name="petition_due")]
        constraints = [models.CheckConstraint(condition=models.Q(people__gte=1), name="petition_has_people")]

    def __str__(self) -> str:
        return self.subject

    @property
    def state_label(self) -> str:
        return State(self.state).label

    def is_late(self, today: date) -> bool:
        return self.step_due is not None and self.step_due < today

    @property
    def next_step(self) -> str:
        """The step now due, as its service is named: register, resolve, revisit; '' for none."""
        return {State.FOUND: "register", State.REGISTERED: "resolve", State.RESOLVED: "revisit"}.get(
            self.state, ""
        )


class Step(models.TextChoices):
    FOUND = "found", _("Found")
    REGISTERED = "registered", _("Registered")
    RESOLVED = "resolved", _("Resolved")
    REVISITED = "revisited", _("Visited again")
    OWNER = "owner", _("Owner changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PetitionStep(models.Model):
    """One line of a petition's history: what was done, on which day, by whom, against which deadline."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=12, choices=Step.choices)
    day = models.DateField(_("day"))
    due = models.DateField(null=True, blank=True)  # the deadline the step had
    note = models.TextField(_("note"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["petition", "pk"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.step} {self.day}"

    @property
    def late(self) -> bool:
        return self.due is not None and self.day > self.due

    @property
    def step_label(self) -> str:
        return Step(self.step).label


class PetitionTotal(models.Model):
    """Kept sums (lib/tallies): per place (and every place above it) and day, the petitions found, those
    resolved and resolved on time, those visited again; a withdrawn petition is taken off again."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    found = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    revisited = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day"], name="one_petition_total_a_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day}: {self.found}/{self.resolved}"


class Screening(models.Model):
    """A station's monthly risk screening (不稳定风险排查): what it found, signed off by one of the
    station, then countersigned by the person in charge of a place above (someone else)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    people = models.PositiveIntegerField(_("people screened"))
    risks = models.PositiveIntegerField(_("risks found"))
    note = models.TextField(_("what was found"), max_length=2000, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_as = models.ForeignKey(  # the place above in whose name it was countersigned
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk screening")
        verbose_name_plural = _("risk screenings")
        ordering = ["-month", "place__path"]
        constraints = [models.UniqueConstraint(fields=["place", "month"], name="one_screening_a_month")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.month:%Y-%m}"
