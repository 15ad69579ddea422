"""The providers' inbound messages, as each hands them over, turned into `Arrived` messages:

- Aliyun SMS pushes uplink messages (SmsUp) to our callback as a JSON array of {phone_number, send_time
  ("2026-12-03 18:30:00", Beijing time), content, sign_name, dest_code, sequence_id}, and wants
  {"code": 0, "msg": "成功"} back;
- Tencent Cloud SMS pushes each reply (回复短信) as JSON {mobile, nationcode, text, sign, time (Unix
  seconds), extend} and wants {"result": 0, "errmsg": "OK"}; or its PullSmsReplyStatus hands out the
  replies waiting ({PhoneNumber, ReplyContent, ReplyUnixTime, SignName, ExtendCode}), each once.

Tencent's replies carry no id: theirs is made of the number, the time and the text, so a reply pushed
and pulled, or pushed twice, is one message. Whatever a body holds, nothing here raises: a part that is
no message is skipped and counted."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from qunfang.lib.text import printable
from qunfang.smsreports.services import Arrived

CHINA = ZoneInfo("Asia/Shanghai")


def token_is_right(token: str) -> bool:
    """The callback's secret, compared in constant time; no secret configured: the callbacks are shut."""
    expected = settings.SMS_INBOUND_TOKEN
    return bool(expected) and hmac.compare_digest(str(token).encode(), expected.encode())


def body_of(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8", errors="replace")) if raw else None
    except ValueError:
        return None


def _text(value: Any, most: int = 2000) -> str:
    """A field's text, cleaned of control characters and lone surrogates (lib/text.py), bounded."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return printable(str(value))[:most]


def _unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def aliyun_messages(body: Any) -> tuple[list[Arrived], int]:
    """The messages of Aliyun's push, and how many parts were no message."""
    items = body if isinstance(body, list) else [body]
    found, skipped = [], 0
    for item in items:
        if (
            not isinstance(item, dict)
            or not _text(item.get("sequence_id"))
            or not _text(item.get("phone_number"))
        ):
            skipped += 1
            continue
        try:
            sent = datetime.strptime(_text(item.get("send_time")), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
        except ValueError:
            sent = None
        found.append(
            Arrived(
                "aliyun",
                _text(item["sequence_id"], 80),
                _text(item["phone_number"], 40),
                _text(item.get("content")),
                sent,
            )
        )
    return found, skipped


def tencent_id(phone: str, unix: Any, text: str) -> str:
    digits = phone.removeprefix("+").removeprefix("86") if phone.startswith("+") else phone
    return hashlib.sha256(f"{digits}|{unix}|{text}".encode()).hexdigest()[:40]


def tencent_messages(body: Any) -> tuple[list[Arrived], int]:
    """The replies of Tencent's push (one object, or a list of them)."""
    items = body if isinstance(body, list) else [body]
    found, skipped = [], 0
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("mobile")):
            skipped += 1
            continue
        mobile, text = _text(item["mobile"], 40), _text(item.get("text"))
        nation = _text(item.get("nationcode"), 6) or "86"
        phone = mobile if nation == "86" else f"+{nation}{mobile}"
        found.append(
            Arrived(
                "tencent",
                tencent_id(mobile, _text(item.get("time")), text),
                phone,
                text,
                _unix(item.get("time")),
            )
        )
    return found, skipped


def tencent_pulled(items: list) -> list[Arrived]:
    """The replies PullSmsReplyStatus answered."""
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        phone = _text(item.get("PhoneNumber"), 40) or _text(item.get("SubscriberNumber"), 40)
        text, unix = _text(item.get("ReplyContent")), _text(item.get("ReplyUnixTime"))
        mobile = phone.removeprefix("+86")
        found.append(Arrived("tencent", tencent_id(mobile, unix, text), phone, text, _unix(unix)))
    return found
