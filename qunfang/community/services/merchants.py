"""Writes of a community's merchants: registered, visited (what was found, open or not), given the notice
letter and the staff registration book (once per notice), their staff and each one's daily health
check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.community.models import (
    Merchant,
    MerchantKind,
    MerchantStaff,
    MerchantVisit,
    NoticeDelivery,
    StaffHealthCheck,
)
from qunfang.community.services.register import community_of, grid_or_community
from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import set_fields
from qunfang.core.writes import service
from qunfang.lib.temperature import temperature_reading

NOTICE = "致辖区商户的一封信"  # the letter of the Hunnan report: what the notice is, unless named


def _not_future(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"day": _("The date cannot be in the future.")})


@service
def save_merchant(
    *, by: User | None, community: OrgUnit, name: str, grid: OrgUnit | None = None, **facts
) -> Merchant:
    community = community_of(community)
    merchant = Merchant(community=community, place=grid_or_community(community, grid))
    set_fields(merchant, {"name": name, **facts})
    if not merchant.name:
        raise ValidationError({"name": _("Enter the merchant's name.")})
    if merchant.kind not in MerchantKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    if Merchant.objects.filter(community=community, name=merchant.name, address=merchant.address).exists():
        raise ValidationError({"name": _("This merchant is in the register already.")})
    merchant.save()
    audit.record(by=by, action="merchant.create", place=merchant.place, target=merchant)
    return merchant


@service
def record_visit(
    *, by: User | None, merchant: Merchant, day: date, is_open: bool, findings: str = ""
) -> MerchantVisit:
    _not_future(day)
    visit = MerchantVisit.objects.create(
        merchant=merchant, place_id=merchant.place_id, day=day, is_open=is_open,
        findings=findings.strip()[:500], visited_by=audit.acting_user(by),
    )  # fmt: skip
    if merchant.is_open != is_open:
        merchant.is_open = is_open
        merchant.save(update_fields=["is_open"])
    audit.record(
        by=by, action="merchant.visit", place=merchant.place, target=merchant, after={"open": is_open}
    )
    return visit


@service
def deliver_notice(
    *,
    by: User | None,
    merchant: Merchant,
    day: date,
    signed_by: str,
    notice: str = NOTICE,
    with_staff_book: bool = True,
) -> NoticeDelivery:
    _not_future(day)
    if not signed_by.strip():
        raise ValidationError({"signed_by": _("Enter who signed for the letter.")})
    if NoticeDelivery.objects.filter(merchant=merchant, notice=notice).exists():
        raise ValidationError(_("This merchant has this notice already."))
    delivery = NoticeDelivery.objects.create(
        merchant=merchant, place_id=merchant.place_id, notice=notice, day=day,
        signed_by=signed_by.strip()[:50], with_staff_book=with_staff_book, delivered_by=audit.acting_user(by),
    )  # fmt: skip
    audit.record(
        by=by, action="merchant.notice", place=merchant.place, target=merchant, after={"notice": notice}
    )
    return delivery


@service
def add_staff(
    *, by: User | None, merchant: Merchant, name: str, phone: str = "", job: str = ""
) -> MerchantStaff:
    staff = MerchantStaff(merchant=merchant, place_id=merchant.place_id)
    set_fields(staff, {"name": name, "phone": phone, "job": job})
    if not staff.name:
        raise ValidationError({"name": _("Enter the name.")})
    staff.save()
    audit.record(by=by, action="merchant.staff", place=merchant.place, target=merchant)
    return staff


@service
def record_health_check(
    *, by: User | None, staff: MerchantStaff, day: date, temperature, symptoms: bool = False
) -> StaffHealthCheck:
    """One check a day per person; a second one the same day corrects the first."""
    _not_future(day)
    try:
        reading: Decimal | None = temperature_reading(temperature)
    except ValidationError as error:
        raise ValidationError({"temperature": error.messages}) from None
    if reading is None:
        raise ValidationError({"temperature": _("Enter the temperature.")})
    check, _made = StaffHealthCheck.objects.update_or_create(
        staff=staff,
        day=day,
        defaults={"place_id": staff.place_id, "temperature": reading, "symptoms": symptoms},
    )
    audit.record(by=by, action="merchant.health", place=staff.place, target=staff.merchant)
    return check
