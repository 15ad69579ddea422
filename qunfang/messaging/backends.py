"""One interface for sending a short text to people, whatever carries it. Only the console backend
exists yet: it logs each message and appends it to the messages log (var/messages.log), so the embedded
setup needs no account. SMS gateways, WeCom group robots and e-mail come as further backends with the
messaging issue; callers do not change."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("qunfang.messaging")


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = ""  # a station's phone or a contact's number, as stored (not a protected field)
    place: str = ""


@dataclass
class Message:
    recipients: list[Recipient]
    text: str
    topic: str = ""  # what it is about, for the log: "report-reminder"
    extra: dict = field(default_factory=dict)


class ConsoleBackend:
    """Writes each message as one JSON line to the messages log and to the process's log."""

    def send(self, message: Message) -> int:
        line = {
            "at": timezone.now().isoformat(),
            "topic": message.topic,
            "to": [r.__dict__ for r in message.recipients],
            "text": message.text,
            **message.extra,
        }
        with open(settings.MESSAGES_LOG, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        log.info("message to %s: %s", ", ".join(r.name for r in message.recipients), message.text)
        return len(message.recipients)


def backend() -> ConsoleBackend:
    return import_string(settings.MESSAGING_BACKEND)()


def send(message: Message) -> int:
    """Send the message; answers how many recipients it went to."""
    if not message.recipients:
        return 0
    return backend().send(message)
