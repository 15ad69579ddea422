"""A phone campaign's calls: the number to dial (audited) and the call's outcome."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import User
from qunfang.core.writes import service
from qunfang.messaging.models import CallOutcome, Message, MessageState
from qunfang.messaging.services.sending import _finish_if_done


@service
def number_to_call(*, by: User, message: Message) -> str:
    """The full number of a call given to `by`, for dialling; the audit log keeps who saw it."""
    audit.record(
        by=by, action="campaign.reveal_number", place=message.campaign.place, target=message.campaign,
        after={"message": message.pk},
    )  # fmt: skip
    if message.station_id:
        return message.station.phone
    person = message.veteran or message.volunteer
    return person.phone.reveal() if person.phone else ""


# A call's outcome moves its message: reached is delivered, a wrong number failed, no answer back in
# the queue to call again, a reached person who needs help stays sent until followed up.
CALL_STATES = {
    CallOutcome.REACHED: MessageState.DELIVERED,
    CallOutcome.WRONG_NUMBER: MessageState.FAILED,
    CallOutcome.NO_ANSWER: MessageState.QUEUED,
    CallOutcome.FOLLOW_UP: MessageState.SENT,
}


@service
def record_call(*, by: User, message: Message, outcome: str, note: str = "") -> Message:
    """The caller marks how a call went. Only the message's caller (or a sender of the campaign's
    place) may; a call is recorded again if the caller phones a second time."""
    if outcome not in CALL_STATES:
        raise ValidationError({"outcome": _("Choose how the call went.")})
    if outcome in (CallOutcome.WRONG_NUMBER, CallOutcome.FOLLOW_UP) and not note.strip():
        raise ValidationError({"note": _("Say what was wrong or what help is needed.")})
    message = Message.objects.select_for_update().select_related("campaign").get(pk=message.pk)
    message.outcome, message.note = outcome, note.strip()[:300]
    message.state, message.attempts = CALL_STATES[outcome], message.attempts + 1
    message.updated_at = timezone.now()
    message.save(update_fields=["outcome", "note", "state", "attempts", "updated_at"])
    audit.record(
        by=by,
        action="campaign.call",
        place=message.campaign.place,
        target=message.campaign,
        after={"message": message.pk, "outcome": outcome},
    )
    _finish_if_done(message.campaign)
    return message
