"""Services the bureau offers online (网上办事) and the veterans' applications for them.

A service is the bureau's data: its form fields, the documents (photos) it needs and its review path,
ordered steps each taken by the place of a level above the veteran (the ancestor at that level), with
a deadline in days. An application walks that path: at each step the place that must act approves it
(on to the next step's place; done after the last) or returns it to the veteran with a reason; the
veteran amends and sends it again, and it goes back to the step that returned it. Every step taken is
kept (ApplicationStep): the history the veteran reads and the figures are counted from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class FieldKind(models.TextChoices):
    TEXT = "text", pgettext_lazy("field kind", "Text")
    NUMBER = "number", pgettext_lazy("field kind", "Number")
    DATE = "date", pgettext_lazy("field kind", "Date")
    CHOICE = "choice", pgettext_lazy("field kind", "Choice")


class ActingLevel(models.TextChoices):
    """Which place takes a step: the veteran's place or its ancestor at this level (or the next one
    above when the tree skips it)."""

    VILLAGE = "village", _("Village station")
    TOWN = "town", _("Town station")
    DISTRICT = "district", _("District")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


class ReviewStepKind(models.TextChoices):
    CHECK = "check", pgettext_lazy("review step", "Check")
    REVIEW = "review", _("Review")
    MAKE_CARD = "make_card", _("Make the card")
    SIGN_FOR = "sign_for", _("Sign for")
    HAND_OUT = "hand_out", _("Hand out")


class OnlineService(models.Model):
    """A service a bureau (a district or above) offers online to the veterans under it.

    `fields`: [{"label", "kind", "options": [...], "required"}]; `documents`: [{"label", "required"}];
    `path`: [{"level", "kind", "days"}]: all checked by services.define_service when saved."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau"))
    name = models.CharField(_("name"), max_length=60)
    purpose = models.CharField(_("what it is for"), max_length=300, blank=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    fields = models.JSONField(default=list, blank=True)
    documents = models.JSONField(default=list, blank=True)
    path = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("online service")
        ordering = ["place__path", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="one_online_service_name")]

    def __str__(self) -> str:
        return self.name


class ApplicationState(models.TextChoices):
    UNDER_REVIEW = "review", _("Under review")
    RETURNED = "returned", _("Returned to the veteran")
    DONE = "done", pgettext_lazy("online application", "Approved")
    WITHDRAWN = "withdrawn", pgettext_lazy("online application", "Withdrawn")


class Application(models.Model):
    service = models.ForeignKey(OnlineService, on_delete=models.PROTECT, related_name="applications")
    veteran = models.ForeignKey(
        "registry.Veteran", on_delete=models.PROTECT, related_name="online_applications"
    )
    # The veteran's place when they applied: where the application is counted and who sees it (every
    # place that acts on it is this place or above it).
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)  # {field label: the answer as text}
    state = models.CharField(
        _("state"), max_length=10, choices=ApplicationState.choices, default=ApplicationState.UNDER_REVIEW
    )
    step = models.PositiveSmallIntegerField(default=0)  # index into service.path
    at = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the place that must act
    step_since = models.DateTimeField()  # when it reached this step (or was last sent again)
    step_due = models.DateTimeField()  # the step's deadline: late after it
    submission = models.CharField(max_length=64, unique=True, null=True, blank=True)  # core/once
    created_at = models.DateTimeField()

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("online application")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["at", "state", "step_due"], name="online_waiting_at")]

    def __str__(self) -> str:
        return f"{self.service} · {self.veteran}"

    @property
    def current_step(self) -> dict:
        return self.service.path[min(self.step, len(self.service.path) - 1)]


class DocumentScopedQuerySet(PlaceScopedQuerySet):
    place_path_field = "application__place__path"


class Document(models.Model):
    """A photo the application holds for one of the service's documents; an amended one replaces it
    (the old row stays, no longer current, for the history)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField(max_length=60)
    file = models.CharField(max_length=200)  # relative to MEDIA_ROOT (lib/uploads)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.name}"


class Taken(models.TextChoices):
    SENT = "sent", pgettext_lazy("online step", "Sent")
    SENT_AGAIN = "sent_again", pgettext_lazy("online step", "Sent again")
    APPROVED = "approved", pgettext_lazy("online step", "Approved")
    RETURNED = "returned", pgettext_lazy("online step", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("online step", "Withdrawn")


class StepScopedQuerySet(PlaceScopedQuerySet):
    place_path_field = "application__place__path"


class ApplicationStep(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    taken = models.CharField(max_length=12, choices=Taken.choices)
    step = models.PositiveSmallIntegerField(default=0)  # the path's step it was taken at
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # where
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    finished = models.BooleanField(default=False)  # this approval was the path's last step
    day = models.DateField()  # the local day it was taken, for the kept totals
    at = models.DateTimeField()

    objects = StepScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.taken}"


class ApplicationDay(models.Model):
    """Kept per place (and every place above it), day and service: the applications received (first
    sent), approved through their last step and returned to the veteran that day (lib/tallies)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    service_id = models.BigIntegerField()
    received = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "day", "service_id"], name="one_application_day")
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.service_id}"
