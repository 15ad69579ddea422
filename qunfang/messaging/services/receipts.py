"""Delivery receipts collected from the providers that report them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from qunfang.core.writes import in_steps
from qunfang.messaging.backends import Receipt, SendError, backend
from qunfang.messaging.models import Message, MessageState
from qunfang.messaging.services.sending import RECIPIENT_RELATIONS, _outgoing

# --- delivery receipts -----------------------------------------------------------------------------------

RECEIPTS_WITHIN = timedelta(days=3)  # providers keep receipts about this long
# At most this many messages asked about per channel and round (every five minutes): Aliyun is asked
# message by message, and its query has a rate of its own.
RECEIPTS_PER_ROUND = 1000
RECEIPTS_AFTER = timedelta(minutes=1)  # a handset's receipt takes a while: not asked about sooner


@in_steps(
    "each provider's receipts are settled as they come; one provider down must not hold back the others"
)
def collect_receipts(now: datetime | None = None) -> int:
    """Ask the providers that report delivery about the messages they took in the last days and have
    not reported on yet: each becomes delivered, or failed with the provider's reason. Asked once per
    channel, as some providers hand each receipt out once. Answers how many messages it settled."""
    settled = 0
    now = now or timezone.now()
    recent = Message.objects.filter(
        state=MessageState.SENT,
        campaign__started_at__gte=now - RECEIPTS_WITHIN,
        updated_at__lte=now - RECEIPTS_AFTER,
    ).select_related("campaign__template", *RECIPIENT_RELATIONS)
    channels = recent.values_list("campaign__template__channel", flat=True).distinct()
    for channel in list(channels):
        sender = backend(channel)
        if not hasattr(sender, "receipts"):
            continue
        waiting = list(
            recent.filter(campaign__template__channel=channel).order_by("updated_at")[:RECEIPTS_PER_ROUND]
        )
        try:
            found = sender.receipts([_outgoing(message.campaign, message) for message in waiting])
        except SendError:
            continue  # the provider is away: asked again on the next round
        settled += _apply_receipts(waiting, found)
    return settled


def _apply_receipts(waiting: list[Message], found: dict[str, Receipt]) -> int:
    now, settled = timezone.now(), []
    for message in waiting:
        receipt = found.get(f"qf{message.pk}")
        if receipt:
            message.state = MessageState.DELIVERED if receipt.delivered else MessageState.FAILED
            message.error, message.updated_at = receipt.error, now
            settled.append(message)
    Message.objects.bulk_update(settled, ["state", "error", "updated_at"], batch_size=500)
    # Those still without word go to the back of the line, so that the next round asks about others.
    unanswered = [message.pk for message in waiting if f"qf{message.pk}" not in found]
    Message.objects.filter(pk__in=unanswered).update(updated_at=now)
    return len(settled)
