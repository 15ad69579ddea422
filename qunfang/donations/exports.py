"""The donations lists as spreadsheets: each list's columns, declared once (lib/exports)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qunfang.lib.exports import Column, Export


def _designations(gift) -> str:
    return "；".join(f"{p.purpose or gettext('Not designated')} {p.amount}" for p in gift.designations.all())


CASH = Export(
    Column("receipt_number", _("Receipt number"), lambda d: d.receipt_number),
    Column("day", _("Day"), lambda d: str(d.day)),
    Column("donor", _("Donor"), lambda d: d.donor.name),
    Column("drive", _("Drive"), lambda d: d.drive.name if d.drive else ""),
    Column("amount", _("Amount (yuan)"), lambda d: d.amount),
    Column("designations", _("Designations"), _designations),
    Column("place", _("Received at"), lambda d: d.place.name),
    Column("handed_over", _("Handed over"), lambda d: str(d.hand_over.day) if d.hand_over else ""),
)
