"""Phone screening: a round calls every household of a community, shared out by grid among callers.
A household not reached is called again the next day, so a round holds one call row per household and
day it was tried."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.community.models.register import Household, Resident
from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class ScreeningRound(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the community
    name = models.CharField(_("name"), max_length=100)
    script = models.TextField(_("call script"))
    started_on = models.DateField(_("first day"))
    closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening round")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class ScreeningOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, all well")
    SYMPTOMS = "symptoms", _("Symptoms")
    RISK_TRAVEL = "risk_travel", _("Recent travel from a risk area")
    NEEDS_HELP = "needs_help", _("Needs help")
    NO_ANSWER = "no_answer", _("No answer")
    NO_PHONE = "no_phone", _("No phone: visit at the door")


# Outcomes that make a follow-up for the household (a request assigned to the caller).
AT_RISK = (ScreeningOutcome.SYMPTOMS, ScreeningOutcome.RISK_TRAVEL, ScreeningOutcome.NEEDS_HELP)


class ScreeningCall(models.Model):
    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="calls")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the household's grid
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    # Empty until called; "no_phone" from the start for a household without a phone.
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices, blank=True)
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "place", "household"]
        constraints = [
            models.UniqueConstraint(fields=["round", "household", "day"], name="one_call_per_household_day")
        ]
        indexes = [models.Index(fields=["round", "caller", "day"], name="screening_calls_by_caller")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.household_id} {self.day}"
