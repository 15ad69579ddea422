"""A community's gates, the guards' shifts at them, the access passes (出入证) it issues and the
crossings its guards record. A pass is printed with a signed token in its QR code, so a guard's phone
can check it without a network; the signing key is derived from the installation's master key and
never stored (only its public half is)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.community.models.register import Household, Resident
from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class Gate(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the community
    name = models.CharField(_("name"), max_length=50)  # "东门", "南门（车行）"
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="one_gate_name")]

    def __str__(self) -> str:
        return self.name


class GuardShift(models.Model):
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="shifts")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the community
    guard = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["start", "gate"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gate} {self.start:%m-%d %H:%M}"


class PassKey(models.Model):
    """The public half of a community's signing key of a version; raising the version retires every
    pass signed before (a lost phone with printed passes on it, a leaked key)."""

    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    public_key = models.CharField(max_length=64)  # base64url of the raw 32 bytes
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "version"], name="one_key_version")]

    def __str__(self) -> str:
        return f"{self.community_id} v{self.version}"


class Pass(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the household's
    number = models.PositiveIntegerField(_("number"))  # printed; one sequence per community
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="passes")
    # Empty for a household's pass: any one member may use it.
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # "One member may go out every two days": the days between exits, or empty for no limit.
    exit_every_days = models.PositiveSmallIntegerField(_("one exit every (days)"), null=True, blank=True)
    key_version = models.PositiveIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access pass")
        ordering = ["community", "number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="one_pass_number")]

    def __str__(self) -> str:
        return f"No. {self.number:05d}"


class Direction(models.TextChoices):
    OUT = "out", _("Out")
    IN = "in", _("In")


class Crossing(models.Model):
    """One person through a gate on a pass, as the guard's phone recorded it. The phone names each
    record (client_id), so a record synced twice is kept once."""

    client_id = models.UUIDField(unique=True)
    access_pass = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="crossings")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="crossings")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the pass's
    direction = models.CharField(max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    at = models.DateTimeField()  # the phone's time corrected by its offset from the server's
    phone_at = models.DateTimeField()  # the phone's own clock, kept to show a skewed phone
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    synced_at = models.DateTimeField(auto_now_add=True)
    # Let through by a guard whose list was older than the pass's revocation, and such: shown, not lost.
    problem = models.CharField(max_length=200, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["access_pass", "direction", "at"], name="crossings_by_pass")]

    def __str__(self) -> str:
        return f"{self.access_pass_id} {self.direction} {self.at}"
