"""One interface for sending a short text to people, whatever carries it: the console backend here (it
logs each message and appends it to the messages log, var/messages.log, so the embedded setup needs no
account), Aliyun and Tencent Cloud SMS, a WeCom group robot and e-mail beside it. A backend has
`send(message) -> provider's id` and `find_sent(messages)` (which of them the provider took already,
asked after a worker died); one whose provider reports delivery also has `receipts(messages)`. Its
`rate` is how fast the provider lets us send (None: no limit)."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from qunfang.core.personal import PHONE, mask

log = logging.getLogger("qunfang.messaging")


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = ""  # a station's phone or a contact's number, as stored (not a protected field)
    place: str = ""
    email: str = ""


@dataclass(frozen=True)
class Rate:
    """At most `count` messages in any `seconds`: a provider's limit, configured as "count/seconds"."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        if not text:
            return None
        count, _, seconds = text.partition("/")
        return cls(int(count), int(seconds or 1))


@dataclass(frozen=True)
class Receipt:
    """The provider's word on a message it took: delivered to the handset, or not, with its reason."""

    delivered: bool
    error: str = ""


@dataclass
class Outgoing:
    """A text on its way to its recipients. SMS providers send approved templates, not free text:
    they get the template's code and the values of its variables instead of the text."""

    recipients: list[Recipient]
    text: str
    topic: str = ""  # what it is about, for the log: "report-reminder"
    extra: dict = field(default_factory=dict)
    template_code: str = ""
    params: dict = field(default_factory=dict)  # the template's variables in the order its body names them
    subject: str = ""  # for e-mail
    key: str = ""  # ours for this message, given to the provider to match receipts and checks to it


class SendError(Exception):
    """A channel did not take a message: `retry` says whether a later attempt may succeed (throttled,
    the provider down) or not (an invalid number, a template the provider does not know)."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


class ConsoleBackend:
    """Writes each message as one JSON line to the messages log and to the process's log. Mobile
    numbers are written masked: the log is a file anyone on the machine may read."""

    provider = "console"
    rate = None

    def send(self, message: Outgoing) -> str:
        """Deliver the message; answers the provider's id for it."""
        provider_id = f"console-{uuid.uuid4().hex[:16]}"
        line = {
            "at": timezone.now().isoformat(),
            "channel": "console",
            "id": provider_id,
            "key": message.key,
            "topic": message.topic,
            "to": [{**r.__dict__, "phone": _masked(r.phone)} for r in message.recipients],
            "text": message.text,
            **message.extra,
        }
        # One write of one line, flushed at once: a worker killed after it has sent the message.
        with open(settings.MESSAGES_LOG, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        log.info("message to %s: %s", ", ".join(r.name for r in message.recipients), message.text)
        return provider_id

    def find_sent(self, messages: list[Outgoing]) -> dict[str, str]:
        """Which of these messages (by key) went out already, with their ids: read back from the log."""
        wanted = {message.key for message in messages}
        found = {}
        if wanted and settings.MESSAGES_LOG.exists():
            with open(settings.MESSAGES_LOG, encoding="utf-8") as lines:
                for line in lines:
                    if '"key": ""' in line:
                        continue
                    entry = json.loads(line)
                    if entry.get("key") in wanted:
                        found[entry["key"]] = entry["id"]
        return found


def http_session(endpoint: str):
    """A kept-alive HTTP session to a provider. The proxy the environment names is looked up once here:
    requests would look it up again for every message, which costs more than signing one."""
    import requests

    session = requests.Session()
    session.proxies = requests.utils.get_environ_proxies(endpoint) if endpoint else {}
    session.trust_env = False
    return session


def json_answer(provider: str, session, method: str, url: str, **request) -> Any:
    """The JSON a provider answered; SendError to try again later when it could not be reached, failed
    on its side (5xx) or answered something else than JSON."""
    import requests

    try:
        response = session.request(method, url, timeout=10, **request)
    except requests.RequestException as error:
        raise SendError(f"{provider} unreachable: {error}", retry=True) from error
    if response.status_code >= 500:
        raise SendError(f"{provider} answered {response.status_code}", retry=True)
    try:
        return response.json()
    except ValueError as error:
        raise SendError(f"{provider} answered {response.status_code} without JSON", retry=True) from error


def _masked(phone: str) -> str:
    if not phone.startswith("+86"):
        return phone  # a station's landline, public anyway
    return mask(PHONE, phone)


def backend(channel: str = "console"):
    """The backend that carries the channel's messages (settings.MESSAGING_BACKENDS)."""
    return import_string(settings.MESSAGING_BACKENDS[channel])()


def send(message: Outgoing) -> str | None:
    """Send the message through the console channel; answers the provider's id for it (None when it
    had nobody to go to)."""
    if not message.recipients:
        return None
    return backend().send(message)
