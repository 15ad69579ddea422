"""Signing a veteran in as the tests' phones do: through the real sign-in, the code read back from the
console channel's messages log (the SMS a phone would have received)."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.test import Client

from qunfang.core.personal import PHONE, mask, normalize_phone
from qunfang.lib.apps import app_entries

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def code_sent_to(phone: str) -> str | None:
    """The last sign-in code the console channel sent to the mobile number (as typed), or None."""
    shown = mask(PHONE, normalize_phone(phone))
    found = None
    if settings.MESSAGES_LOG.exists():
        for line in settings.MESSAGES_LOG.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("topic") == "portal-code" and any(r["phone"] == shown for r in entry["to"]):
                found = CODE.search(entry["text"]).group(1)
    return found


def visitor_client(veteran, language: str = "zh-hans", phone: str | None = None) -> Client:
    """A test client signed in with a code sent to the veteran's mobile (or `phone`, a family member's)."""
    phone = phone or veteran.phone.reveal()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post("/my/sign-in/", {"phone": phone})
    answer = client.post("/my/sign-in/code/", {"code": code_sent_to(phone)})
    assert answer.status_code == 302 and answer["Location"] == "/my/", "the veteran was not signed in"
    return client


def veteran_records(veteran) -> dict:
    """Every app's records of one veteran, by the route parameter names of the veteran's pages."""
    records = {"veteran_id": veteran.pk}
    for _config, make in app_entries("veteran_records"):
        records.update(make(veteran))
    return records
