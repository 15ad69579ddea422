"""Tencent Cloud SMS (短信, API 2021-01-11): SendSms, and the delivery receipts through
PullSmsSendStatus, over its JSON API signed with TC3-HMAC-SHA256 (signature v3).

Written here rather than taken from tencentcloud-sdk-python: the SDK is a large package for two signed
POSTs, and the signing below is the whole of it. Configured by environment:
QUNFANG_TENCENT_SMS_SECRET_ID, QUNFANG_TENCENT_SMS_SECRET_KEY, QUNFANG_TENCENT_SMS_APP_ID (the
SmsSdkAppId), QUNFANG_TENCENT_SMS_SIGN_NAME (the approved 签名) and QUNFANG_TENCENT_SMS_ENDPOINT
(https://sms.tencentcloudapi.com/ by default; the tests' fake gateway).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings

from qunfang.messaging.backends import Outgoing, Rate, Receipt, SendError, http_session, json_answer

SERVICE, VERSION, REGION = "sms", "2021-01-11", "ap-guangzhou"
CONTENT_TYPE = "application/json; charset=utf-8"
# Tencent's answers that a later attempt may get past; every other code fails the message for good.
RETRYABLE_PREFIXES = (
    "RequestLimitExceeded",
    "LimitExceeded.",
    "InternalError",
    "FailedOperation.JsonParseFail",
)


def tc3_signature(secret_key: str, *, host: str, payload: str, timestamp: int, service: str = SERVICE) -> str:
    """The request's signature, as Tencent's documentation builds it step by step: the canonical request
    (POST, path /, no query, the content type and host headers, the payload's hash), the string to sign
    with the date's credential scope, and a key derived from the secret through the date and service."""
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{CONTENT_TYPE}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{day}/{service}/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )

    def step(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = step(step(step(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, *, host: str, payload: str, timestamp: int) -> str:
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    signature = tc3_signature(secret_key, host=host, payload=payload, timestamp=timestamp)
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{day}/{SERVICE}/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


def retryable(code: str) -> bool:
    return code.startswith(RETRYABLE_PREFIXES)


class TencentSmsBackend:
    """One SendSms call per message; the message's key goes as SessionContext, which Tencent hands back
    with the delivery receipt."""

    provider = "tencent"

    def __init__(self) -> None:
        config = settings.TENCENT_SMS
        self.secret_id, self.secret_key = config["SECRET_ID"], config["SECRET_KEY"]
        self.app_id, self.sign_name, self.endpoint = config["APP_ID"], config["SIGN_NAME"], config["ENDPOINT"]
        self.host = urlparse(self.endpoint).netloc
        self.rate = Rate.parse(settings.MESSAGING_RATES["tencent"])
        self.session = http_session(self.endpoint)

    def _call(self, action: str, fields: dict) -> dict:
        """One signed call; the answer's Response, or SendError with Tencent's reason."""
        payload = json.dumps(fields, ensure_ascii=False)
        timestamp = int(time.time())
        headers = {
            "Authorization": authorization(
                self.secret_id, self.secret_key, host=self.host, payload=payload, timestamp=timestamp
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": action,
            "X-TC-Version": VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": REGION,
        }
        answer = json_answer(
            "Tencent SMS", self.session, "POST", self.endpoint, data=payload.encode(), headers=headers
        ).get("Response")
        if not isinstance(answer, dict):
            raise SendError("Tencent SMS answered without a Response", retry=True)
        if "Error" in answer:
            code = answer["Error"].get("Code", "")
            raise SendError(f"{code}: {answer['Error'].get('Message', '')}"[:300], retry=retryable(code))
        return answer

    def send(self, message: Outgoing) -> str:
        recipient = next(r for r in message.recipients if r.phone)
        answer = self._call(
            "SendSms",
            {
                "PhoneNumberSet": [recipient.phone],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": message.template_code,
                # Tencent's templates number their variables ({1}, {2}): the values go in the order the
                # body names them, which is the order of the params.
                "TemplateParamSet": list(message.params.values()),
                "SessionContext": message.key,
            },
        )
        (status,) = answer["SendStatusSet"]
        if status["Code"] != "Ok":
            raise SendError(
                f"{status['Code']}: {status.get('Message', '')}"[:300], retry=retryable(status["Code"])
            )
        return status["SerialNo"]

    def _receipts_of_number(self, phone: str) -> list[dict]:
        """The receipts Tencent holds for one number over the last two days."""
        now = int(time.time())
        answer = self._call(
            "PullSmsSendStatusByPhoneNumber",
            {
                "BeginTime": now - int(timedelta(days=2).total_seconds()),
                "EndTime": now,
                "Offset": 0,
                "Limit": 100,
                "PhoneNumber": phone,
                "SmsSdkAppId": self.app_id,
            },
        )
        return answer.get("PullSmsSendStatusSet", [])

    def find_sent(self, messages: list[Outgoing]) -> dict[str, str]:
        """Which of these messages (by key) Tencent took already, with their serial numbers: from the
        receipts of each number, matched by SessionContext. Asked after a worker died mid-batch."""
        found = {}
        for message in messages:
            phone = next(r.phone for r in message.recipients if r.phone)
            for receipt in self._receipts_of_number(phone):
                if receipt.get("SessionContext") == message.key:
                    found[message.key] = receipt["SerialNo"]
        return found

    def receipts(self, sent: list[Outgoing]) -> dict[str, Receipt]:
        """The delivery receipts waiting at Tencent (each is handed out once), by our message key."""
        found: dict[str, Receipt] = {}
        while True:
            answer = self._call("PullSmsSendStatus", {"Limit": 100, "SmsSdkAppId": self.app_id})
            pulled = answer.get("PullSmsSendStatusSet", [])
            for receipt in pulled:
                delivered = receipt["ReportStatus"] == "SUCCESS"
                found[receipt.get("SessionContext", "")] = Receipt(
                    delivered, "" if delivered else receipt.get("Description", "")[:300]
                )
            if len(pulled) < 100:
                return found
