"""Honour plaques (光荣牌): which veterans' households have theirs, hung on which day, replaced when the
family moved or it was damaged or lost (with the reason), kept but never replaced after the veteran's
death. A household here is a veteran on the roll with the family recorded with them (registry's
`Veteran` and `FamilyMember`): one plaque hangs at a time for it, so each hanging is a line of the
veteran's plaque history, the first one and each replacement of the one before."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class Reason(models.TextChoices):
    FIRST = "first", _("First plaque")
    MOVED = "moved", _("Replaced: the family moved")
    DAMAGED = "damaged", _("Replaced: damaged")
    LOST = "lost", _("Replaced: lost")


REPLACEMENTS = (Reason.MOVED, Reason.DAMAGED, Reason.LOST)


class Plaque(models.Model):
    """One plaque hung at a veteran's household: the first, or a replacement of the one before. A line
    recorded by mistake is cancelled (kept, with why), never deleted."""

    veteran = models.ForeignKey("registry.Veteran", on_delete=models.PROTECT, related_name="plaques")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the veteran's then
    day = models.DateField(_("hung on"))
    reason = models.CharField(_("why"), max_length=10, choices=Reason.choices, default=Reason.FIRST)
    replaces = models.ForeignKey(  # the plaque it replaced (a cancelled replacement leaves it hanging)
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replacements"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    cancelled = models.CharField(_("cancelled, why"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour plaque")
        verbose_name_plural = _("honour plaques")
        ordering = ["-day", "-pk"]
        constraints = [
            # one first plaque a household (a cancelled one does not count)
            models.UniqueConstraint(
                fields=["veteran"], condition=models.Q(reason="first", cancelled=""), name="one_first_plaque"
            )
        ]

    def __str__(self) -> str:
        return f"{self.veteran_id} {self.day} {self.reason}"

    @property
    def reason_label(self) -> str:
        return Reason(self.reason).label


class PlaqueTotal(models.Model):
    """Kept sums (lib/tallies): per place (and every place above it) and day, the first plaques hung and
    the replacements; a cancelled line is taken off again."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    first = models.IntegerField(default=0)
    replaced = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day"], name="one_plaque_total_a_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day}: {self.first}+{self.replaced}"
