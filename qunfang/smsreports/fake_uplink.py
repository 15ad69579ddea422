"""The providers' inbound side, played for the tests, the demo and the benchmark: the bodies Aliyun and
Tencent push to our callbacks (batched, each delivered twice, in a shuffled order when asked), and a
Tencent gateway that also serves PullSmsReplyStatus behind the same TC3 checks as SendSms
(messaging/fake_gateway.py)."""

from __future__ import annotations

import random
import threading
from collections import deque
from datetime import datetime
from zoneinfo import ZoneInfo

from qunfang.messaging.fake_gateway import FakeTencentSms, Request

CHINA = ZoneInfo("Asia/Shanghai")


def aliyun_item(sequence_id: int, phone: str, text: str, sent: datetime) -> dict:
    """One SmsUp as Aliyun pushes it."""
    return {
        "phone_number": phone,
        "send_time": sent.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
        "content": text,
        "sign_name": "群防",
        "dest_code": "1234",
        "sequence_id": sequence_id,
    }


def tencent_item(phone: str, text: str, sent: datetime) -> dict:
    """One reply as Tencent pushes it (回复短信)."""
    return {
        "nationcode": "86",
        "mobile": phone.removeprefix("+86"),
        "text": text,
        "sign": "群防",
        "time": int(sent.timestamp()),
        "extend": "",
    }


def pushes(items: list, *, batch: int = 1, twice: bool = True, seed: int | None = None) -> list:
    """The bodies a provider pushes: lists of `batch` items (Aliyun) or single items (batch 0, Tencent),
    each item in two bodies when `twice`, in a shuffled order when `seed` is given."""
    delivered = items + items if twice else list(items)
    if seed is not None:
        random.Random(seed).shuffle(delivered)
    if batch == 0:
        return delivered
    return [delivered[at : at + batch] for at in range(0, len(delivered), batch)]


class FakeTencentWithReplies(FakeTencentSms):
    """Tencent's gateway with replies waiting to be pulled: PullSmsReplyStatus hands each out once."""

    def __init__(self, **options):
        super().__init__(**options)
        self.replies: deque[dict] = deque()
        self._replies_lock = threading.Lock()

    def reply(self, phone: str, text: str, sent: datetime) -> None:
        with self._replies_lock:
            self.replies.append(
                {
                    "SmsSdkAppId": self.app_id,
                    "ReplyContent": text,
                    "ReplyUnixTime": int(sent.timestamp()),
                    "ReplyTime": sent.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                    "PhoneNumber": phone,
                    "SubscriberNumber": phone.removeprefix("+86"),
                    "CountryCode": "86",
                    "ExtendCode": "",
                    "SignName": "群防",
                }
            )

    def answer(self, request: Request, fault: str | None) -> tuple[int | None, dict]:
        status, answer = super().answer(request, fault)
        # The parent checks the key, the signature, the time, the version and the app, then answers
        # InvalidAction for an action it does not serve: only then is this pull allowed through.
        error = answer.get("Response", {}).get("Error", {})
        if request.headers.get("X-TC-Action") != "PullSmsReplyStatus" or error.get("Code") != "InvalidAction":
            return status, answer
        import json

        limit = int(json.loads(request.body).get("Limit", 100))
        with self._replies_lock:
            pulled = [self.replies.popleft() for _ in range(min(limit, len(self.replies)))]
        request_id = answer["Response"]["RequestId"]
        return 200, {"Response": {"PullSmsReplyStatusSet": pulled, "RequestId": request_id}}
