"""Campaigns sent through another platform (企信通), recorded with their receipt."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service
from qunfang.lib.uploads import delete_upload, save_upload
from qunfang.messaging.models import AudienceKind, Channel, OutsideCampaign

# --- campaigns sent through another platform -----------------------------------------------------------

RECEIPT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".csv", ".txt")
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
MOST_SENT = 10_000_000  # more than a province's veterans: a typing slip
EARLIEST_SENT = date(2000, 1, 1)  # no bureau sent SMS campaigns before


@service
def record_outside_campaign(
    *, by: User | None, place: OrgUnit, day: date, channel: str, audience: str, platform: str, sent: int,
    note: str = "", receipt=None, submission: str | None = None,
) -> OutsideCampaign:  # fmt: skip
    """A campaign sent through another platform, recorded with its receipt file; a form sent twice
    (the same `submission`) is kept once, and a refused one leaves no file behind."""
    if submission:
        earlier = OutsideCampaign.objects.filter(submission=submission).first()
        if earlier and earlier.place_id != place.pk:
            # Keys come from clients: another place's key must neither record nor show its record.
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    if day > timezone.localdate():
        raise ValidationError({"day": _("The date cannot be in the future.")})
    if day < EARLIEST_SENT:
        raise ValidationError({"day": _("A campaign sent before 2000 cannot be right.")})
    if channel not in Channel.values or channel == Channel.CONSOLE:
        raise ValidationError({"channel": _("Choose a channel from the list.")})
    if audience not in AudienceKind.values:
        raise ValidationError({"audience": _("Choose who it was sent to from the list.")})
    if not platform.strip():
        raise ValidationError({"platform": _("Name the platform it was sent through.")})
    if not 0 < sent <= MOST_SENT:
        raise ValidationError({"sent": _("Enter how many messages were sent, from 1 to 10,000,000.")})
    if receipt is not None:
        if not (receipt.name or "").lower().endswith(RECEIPT_TYPES):
            raise ValidationError(
                {"receipt": _("The receipt must be a PDF, a photo, a spreadsheet or text.")}
            )
        if receipt.size > RECEIPT_MAX_BYTES:
            raise ValidationError({"receipt": _("The receipt may be 10 MB at most.")})
    record = OutsideCampaign(
        place=place, day=day, channel=channel, audience=audience, platform=platform.strip()[:60], sent=sent,
        note=note.strip()[:200], submission=submission or None, recorded_by=audit.acting_user(by),
    )  # fmt: skip
    if receipt is not None:
        record.receipt = save_upload(receipt, "receipts")
        record.receipt_name = (receipt.name or "")[-200:]
    try:  # should the row not be written after all, the file goes with it
        record.save()
        audit.record(
            by=by, action="outside_campaign.create", place=place, target=record,
            after={"day": day.isoformat(), "channel": channel, "audience": audience, "sent": sent},
        )  # fmt: skip
    except BaseException:
        if record.receipt:
            delete_upload(record.receipt)
        raise
    return record
