"""A community's register: its buildings (each in a grid, where the community has grids), the
households in them and the residents of each household, with their status (normal, in quarantine at
home or centrally, in hospital, moved out) since a date. Every record carries the place it is kept at
(the grid, or the community without grids), which is what the scoping reads: a grid worker sees the
households of her grid, the community's station all of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit, QueuedFileJob
from qunfang.core.personal import ID_NUMBER, PHONE, BlindIndexField, ProtectedField


class Building(models.Model):
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    number = models.CharField(_("building"), max_length=20)  # "12栋", "3号楼"

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community", "number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="one_building_number")]

    def __str__(self) -> str:
        return self.number


class Household(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the building's
    unit = models.CharField(_("unit"), max_length=10, blank=True)  # "2单元"
    room = models.CharField(_("room"), max_length=10)  # "302"
    phone = ProtectedField(_("household phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="one_household_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.building.number}{self.unit}{self.room}"


class ResidentStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HOME_QUARANTINE = "home_quarantine", _("Home quarantine")
    CENTRAL_QUARANTINE = "central_quarantine", _("Central quarantine")
    HOSPITALISED = "hospitalised", _("In hospital")
    MOVED_OUT = "moved_out", _("Moved out")


class Resident(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the household's
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("name"), max_length=50)
    id_number = ProtectedField(_("ID number"), kind=ID_NUMBER, null=True, blank=True)
    id_number_index = BlindIndexField(source="id_number")
    phone = ProtectedField(_("mobile"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    status = models.CharField(
        _("status"), max_length=20, choices=ResidentStatus.choices, default=ResidentStatus.NORMAL
    )
    status_since = models.DateField(_("since"), null=True, blank=True)
    travel = models.CharField(_("recent travel"), max_length=300, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "pk"]
        constraints = [
            # A person lives in one household of a community: a second one is refused, with where.
            models.UniqueConstraint(
                fields=["community", "id_number_index"], name="one_household_per_resident"
            )
        ]
        indexes = [models.Index(fields=["community", "status"], name="residents_by_status")]

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    """Each change of a resident's status, with its date: the history the register's dates come from."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=20, choices=ResidentStatus.choices)
    since = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resident", "-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.status} {self.since}"


class RegisterImport(QueuedFileJob):
    """A register spreadsheet on its way in: read whole and checked as a file at upload, its rows
    checked and written by a worker, all or none."""

    buildings = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)

    class Meta(QueuedFileJob.Meta):
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
