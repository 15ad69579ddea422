"""A WeCom (企业微信) group robot: posts each message to the bureau's work group through the robot's
webhook, mentioning the recipient by mobile number so that it reaches them in the group. Configured by
QUNFANG_WECOM_ROBOT_WEBHOOK. Plain requests: the robot's API is one JSON POST."""

from __future__ import annotations

from django.conf import settings

from qunfang.messaging.backends import Outgoing, Rate, SendError, http_session, json_answer

# WeCom's error codes a later attempt may get past: the system busy, the robot's 20 a minute exceeded.
RETRYABLE = {-1, 45009}
# A text message holds at most 2,048 bytes of UTF-8.
MOST_BYTES = 2048


class WeComRobotBackend:
    provider = "wecom"

    def __init__(self) -> None:
        self.webhook = settings.WECOM_ROBOT_WEBHOOK
        self.rate = Rate.parse(settings.MESSAGING_RATES["wecom"])
        self.session = http_session(self.webhook)

    def send(self, message: Outgoing) -> str:
        if not self.webhook:
            raise SendError("No WeCom group robot is configured (QUNFANG_WECOM_ROBOT_WEBHOOK).", retry=False)
        if len(message.text.encode()) > MOST_BYTES:
            raise SendError(f"A WeCom text holds at most {MOST_BYTES} bytes.", retry=False)
        body = {
            "msgtype": "text",
            "text": {
                "content": message.text,
                "mentioned_mobile_list": [r.phone.removeprefix("+86") for r in message.recipients if r.phone],
            },
        }
        answer = json_answer("WeCom", self.session, "POST", self.webhook, json=body)
        if answer.get("errcode") != 0:
            code = answer.get("errcode")
            raise SendError(f"{code}: {answer.get('errmsg', '')}"[:300], retry=code in RETRYABLE)
        return f"wecom-{message.key}"  # the robot gives no id of its own

    def find_sent(self, messages: list[Outgoing]) -> dict[str, str]:
        """A group robot cannot be asked what it posted: after a crash the few messages in doubt are posted
        again (a repeated line in a work group, rather than a lost one)."""
        return {}
