"""Writes of messaging: templates, campaigns started (the recipient list frozen into one message row
each, in one statement), and messages sent through the channel's backend, each exactly once.

One module a topic; every name is also here, where callers import it from."""

from __future__ import annotations

from qunfang.messaging.services.audiences import (
    AUDIENCES,
    Audience,
    Preview,
    _freeze,  # timed on its own by benchmarks/campaign.py and sending.py
    audience,
    preview,
    render,
)
from qunfang.messaging.services.calls import (
    CALL_STATES,
    number_to_call,
    record_call,
)
from qunfang.messaging.services.campaigns import (
    LONGEST_SCHEDULE,
    create_campaign,
    retry_failed,
    schedule_campaign,
    start_campaign,
    start_due_campaigns,
    unschedule_campaign,
)
from qunfang.messaging.services.outside import (
    EARLIEST_SENT,
    MOST_SENT,
    RECEIPT_MAX_BYTES,
    RECEIPT_TYPES,
    record_outside_campaign,
)
from qunfang.messaging.services.receipts import (
    RECEIPTS_AFTER,
    RECEIPTS_PER_ROUND,
    RECEIPTS_WITHIN,
    collect_receipts,
)
from qunfang.messaging.services.sending import (
    BATCH,
    MAX_ATTEMPTS,
    PAUSE_AFTER_REFUSALS,
    RECIPIENT_RELATIONS,
    WRITE_EVERY,
    _outgoing,
    quiet_until,
    send_campaign,
    send_campaign_task,
    take_from_rate,
)
from qunfang.messaging.services.templates import (
    SMS_LIMIT,
    SMS_PART,
    SMS_SINGLE,
    VARIABLE,
    VARIABLES,
    Length,
    check_body,
    save_template,
    sms_length,
)

__all__ = [
    "_freeze",
    "AUDIENCES",
    "Audience",
    "BATCH",
    "CALL_STATES",
    "EARLIEST_SENT",
    "LONGEST_SCHEDULE",
    "Length",
    "MAX_ATTEMPTS",
    "MOST_SENT",
    "PAUSE_AFTER_REFUSALS",
    "Preview",
    "RECEIPTS_AFTER",
    "RECEIPTS_PER_ROUND",
    "RECEIPTS_WITHIN",
    "RECEIPT_MAX_BYTES",
    "RECEIPT_TYPES",
    "RECIPIENT_RELATIONS",
    "SMS_LIMIT",
    "SMS_PART",
    "SMS_SINGLE",
    "VARIABLE",
    "VARIABLES",
    "WRITE_EVERY",
    "_outgoing",
    "audience",
    "check_body",
    "collect_receipts",
    "create_campaign",
    "number_to_call",
    "preview",
    "quiet_until",
    "record_call",
    "record_outside_campaign",
    "render",
    "retry_failed",
    "save_template",
    "schedule_campaign",
    "send_campaign",
    "send_campaign_task",
    "sms_length",
    "start_campaign",
    "start_due_campaigns",
    "take_from_rate",
    "unschedule_campaign",
]
