"""Residents' requests and questions (by phone, at the gate, at the door, or raised by a screening
call), each assigned to someone and answered; and the shared standard answers staff reuse."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.community.models.register import Household
from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class RequestCategory(models.TextChoices):
    SUPPLIES = "supplies", _("Supplies for a quarantined household")
    MEDICINE = "medicine", _("Medicine")
    COUNSELLING = "counselling", _("Counselling")
    RULES = "rules", _("Question about the rules")
    FOLLOW_UP = "follow_up", _("Follow-up of a screening call")
    OTHER = "other", _("Other")


class RequestChannel(models.TextChoices):
    PHONE = "phone", _("By phone")
    GATE = "gate", _("At the gate")
    DOOR = "door", _("At the door")
    SCREENING = "screening", _("Screening call")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")


class StandardAnswer(models.Model):
    """An answer kept by a community or any place above it; staff below reuse it."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard answer")
        ordering = ["category", "question"]

    def __str__(self) -> str:
        return self.question


class ResidentRequest(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # household's or community
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("how it came"), max_length=20, choices=RequestChannel.choices)
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    text = models.CharField(_("request or question"), max_length=500)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    volunteer = models.ForeignKey(
        "mobilization.Volunteer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    screening_call = models.OneToOneField(
        "community.ScreeningCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident's request")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="requests_by_status")]

    def __str__(self) -> str:
        return self.text[:40]
