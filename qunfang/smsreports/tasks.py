"""Reports by SMS on the worker's clock: Tencent's replies pulled each minute when configured
(settings.SMS_PULL_TENCENT), each taken through the same service as a pushed one."""

from __future__ import annotations

import logging

from django.conf import settings

from qunfang.core.background import background_task
from qunfang.core.writes import in_steps
from qunfang.messaging.backends import SendError
from qunfang.messaging.tencent import TencentSmsBackend
from qunfang.smsreports import inbound, services

log = logging.getLogger("qunfang.smsreports")
PAGE = 100  # the most PullSmsReplyStatus hands out at once
MOST_PAGES = 50  # a minute's pull stops here; the next minute takes the rest


class TencentReplies(TencentSmsBackend):
    """Tencent's PullSmsReplyStatus, signed as SendSms is (TC3-HMAC-SHA256)."""

    def pull(self) -> list[dict]:
        answer = self._call("PullSmsReplyStatus", {"Limit": PAGE, "SmsSdkAppId": self.app_id})
        pulled = answer.get("PullSmsReplyStatusSet", [])
        return pulled if isinstance(pulled, list) else []


@in_steps("each reply pulled is its own message, taken (and kept) whatever becomes of the next")
def pull_replies(client: TencentReplies | None = None) -> int:
    """Take every reply waiting at Tencent; answers how many were taken. Each is handed out once by
    Tencent and taken once here (its id, services.take_message), and the cursor notes how far it came."""
    client = client or TencentReplies()
    taken = 0
    for _page in range(MOST_PAGES):
        pulled = client.pull()
        messages = inbound.tencent_pulled(pulled)
        for message in messages:
            services.take_message(message)
        if messages:
            services.note_pull(provider="tencent", taken=len(messages), last=messages[-1])
        taken += len(messages)
        if len(pulled) < PAGE:
            break
    return taken


@background_task()
def pull_tencent_replies() -> int:
    if not settings.SMS_PULL_TENCENT:
        return 0
    try:
        return pull_replies()
    except SendError as error:
        log.warning("Tencent's replies not pulled: %s", error)
        return 0
