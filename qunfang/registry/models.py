"""The roll of veterans: who they are and where they live. ID numbers and phones are `Protected`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.core.personal import ID_NUMBER, PHONE, BlindIndexField, ProtectedField


class Category(models.TextChoices):
    RETIRED_SOLDIER = "retired_soldier", _("Retired soldier")
    TRANSFERRED_OFFICER = "transferred_officer", _("Transferred officer")
    RETIRED_CADRE = "retired_cadre", _("Retired cadre")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    ACTIVE = "active", _("Lives here")
    MOVED = "moved", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Veteran(models.Model):
    place = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="veterans", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = ProtectedField(_("ID number"), kind=ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number", unique=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, editable=False)
    phone = ProtectedField(_("phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    address = models.CharField(_("address"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.RETIRED_SOLDIER
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("veteran")
        verbose_name_plural = _("veterans")
        ordering = ["place__path", "name"]

    def __str__(self) -> str:
        return self.name
