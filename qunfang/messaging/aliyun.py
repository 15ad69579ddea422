"""Aliyun SMS (短信服务, dysmsapi 2017-05-25): SendSms over its RPC API, signed as Aliyun requires
(HMAC-SHA1 over the sorted, percent-encoded query, "signature version 1.0").

Written here rather than taken from Aliyun's SDK: the SDK pulls in a dozen packages for one signed GET,
and this is the whole of it. Configured by environment: QUNFANG_ALIYUN_SMS_ACCESS_KEY_ID,
QUNFANG_ALIYUN_SMS_ACCESS_KEY_SECRET, QUNFANG_ALIYUN_SMS_SIGN_NAME (the approved 签名) and
QUNFANG_ALIYUN_SMS_ENDPOINT (https://dysmsapi.aliyuncs.com/ by default; the tests' fake gateway).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings

from qunfang.messaging.backends import Outgoing, Rate, Receipt, SendError, http_session, json_answer

CHINA = ZoneInfo("Asia/Shanghai")
# Aliyun's answers that a later attempt may get past; every other code fails the message for good.
RETRYABLE = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "isp.SYSTEM_ERROR", "ServiceUnavailable"}


def percent(text: str) -> str:
    """RFC 3986 encoding as Aliyun's signature wants it: only letters, digits and -_.~ stay."""
    return quote(text, safe="-_.~")


def signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsBackend:
    """One SendSms call per message; the message's id goes as OutId, so that a delivery receipt and a
    check after a crash can be matched to it."""

    provider = "aliyun"

    def __init__(self) -> None:
        self.rate = Rate.parse(settings.MESSAGING_RATES["aliyun"])
        self.key_id = settings.ALIYUN_SMS["ACCESS_KEY_ID"]
        self.secret = settings.ALIYUN_SMS["ACCESS_KEY_SECRET"]
        self.sign_name = settings.ALIYUN_SMS["SIGN_NAME"]
        self.endpoint = settings.ALIYUN_SMS["ENDPOINT"]
        self.session = http_session(self.endpoint)

    def _call(self, action: str, **fields: str) -> dict:
        """One signed call of the SMS API; Aliyun's answer, or SendError with its reason."""
        params = {
            "AccessKeyId": self.key_id,
            "Action": action,
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            **fields,
        }
        params["Signature"] = signature(params, self.secret)
        answer = json_answer("Aliyun SMS", self.session, "GET", self.endpoint, params=params)
        code = answer.get("Code", "")
        if code != "OK":
            raise SendError(f"{code}: {answer.get('Message', '')}"[:300], retry=code in RETRYABLE)
        return answer

    def send(self, message: Outgoing) -> str:
        (recipient,) = message.recipients
        answer = self._call(
            "SendSms",
            PhoneNumbers=recipient.phone.removeprefix("+86"),
            SignName=self.sign_name,
            TemplateCode=message.template_code,
            TemplateParam=json.dumps(message.params, ensure_ascii=False),
            OutId=message.key,
        )
        return answer["BizId"]

    def _details(self, message: Outgoing) -> dict | None:
        """What Aliyun knows of the message: its SmsSendDetailDTO found by OutId among the number's
        messages of today and yesterday (China time), or None if Aliyun never took it."""
        number = message.recipients[0].phone.removeprefix("+86")
        today = datetime.now(CHINA).date()
        for day in (today, today - timedelta(days=1)):
            answer = self._call(
                "QuerySendDetails",
                PhoneNumber=number,
                SendDate=day.strftime("%Y%m%d"),
                PageSize="50",
                CurrentPage="1",
            )
            for detail in answer.get("SmsSendDetailDTOs", {}).get("SmsSendDetailDTO", []):
                if detail.get("OutId") == message.key:
                    return detail
        return None

    def find_sent(self, messages: list[Outgoing]) -> dict[str, str]:
        """Which of these messages (by key) Aliyun took already. Asked after a worker died mid-batch;
        Aliyun's details carry no BizId, so the id stays empty."""
        return {message.key: "" for message in messages if self._details(message) is not None}

    def receipts(self, sent: list[Outgoing]) -> dict[str, Receipt]:
        """The handsets' word on messages Aliyun took: SendStatus 3 delivered, 2 failed (with ErrCode),
        1 still waiting (left out)."""
        found = {}
        for message in sent:
            detail = self._details(message)
            if detail and detail.get("SendStatus") in (2, 3):
                delivered = detail["SendStatus"] == 3
                found[message.key] = Receipt(delivered, "" if delivered else detail.get("ErrCode", "")[:300])
        return found
