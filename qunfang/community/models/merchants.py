"""The shops and businesses of a community: visits with what was found, the notice letters handed over
(and the staff registration book with them), and each business's staff with their daily health
checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.core.personal import PHONE, BlindIndexField, ProtectedField


class MerchantKind(models.TextChoices):
    FOOD = "food", _("Restaurant or food stall")
    GROCERY = "grocery", _("Supermarket or grocery")
    PHARMACY = "pharmacy", _("Pharmacy or clinic")
    SERVICES = "services", _("Services (barber, repairs, laundry)")
    RETAIL = "retail", _("Other shop")
    OTHER = "other", _("Other")


class Merchant(models.Model):
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # grid or community
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MerchantKind.choices, default=MerchantKind.RETAIL
    )
    is_open = models.BooleanField(_("open for business"), default=False)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = ProtectedField(_("contact phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("merchant")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name", "address"], name="one_merchant")]

    def __str__(self) -> str:
        return self.name


class MerchantVisit(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="visits")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    is_open = models.BooleanField(_("found open"))
    findings = models.CharField(_("findings"), max_length=500, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}"


class NoticeDelivery(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="notices")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    notice = models.CharField(_("notice"), max_length=100)  # which letter: its title
    day = models.DateField(_("day"))
    signed_by = models.CharField(_("signed by"), max_length=50)
    with_staff_book = models.BooleanField(_("staff registration book given"), default=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["merchant", "notice"], name="one_notice_per_merchant")]

    def __str__(self) -> str:
        return f"{self.notice} {self.day}"


class MerchantStaff(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="staff")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    phone = ProtectedField(_("mobile"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    job = models.CharField(_("job"), max_length=50, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["merchant", "name"]

    def __str__(self) -> str:
        return self.name


class StaffHealthCheck(models.Model):
    staff = models.ForeignKey(MerchantStaff, on_delete=models.CASCADE, related_name="checks")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1)
    symptoms = models.BooleanField(_("cough, fatigue or other symptoms"), default=False)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="one_check_per_day")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day} {self.temperature}"
