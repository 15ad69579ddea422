"""E-mail through Django's mail (its backend and SMTP server set in the settings): one message to the
recipients' addresses, with our key as its Message-ID."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from qunfang.messaging.backends import Outgoing, Rate, SendError


class EmailBackend:
    provider = "email"

    def __init__(self) -> None:
        self.rate = Rate.parse(settings.MESSAGING_RATES["email"])

    def send(self, message: Outgoing) -> str:
        addresses = [r.email for r in message.recipients if r.email]
        if not addresses:
            raise SendError("The recipient has no e-mail address.", retry=False)
        message_id = f"<{message.key or 'message'}@qunfang>"
        mail = EmailMessage(
            subject=message.subject or message.text.splitlines()[0][:40],
            body=message.text,
            to=addresses,
            headers={"Message-ID": message_id},
        )
        try:
            mail.send()
        except OSError as error:  # the SMTP server down or refusing: try again later
            raise SendError(f"E-mail not sent: {error}", retry=True) from error
        return message_id

    def find_sent(self, messages: list[Outgoing]) -> dict[str, str]:
        """An SMTP server cannot be asked what it took: after a crash the few messages in doubt go again,
        with the same Message-ID, by which mail readers drop a second copy."""
        return {}
