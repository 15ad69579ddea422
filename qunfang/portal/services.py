"""Signing a veteran in by a code sent by SMS to the mobile on the roll, and telling them by SMS.

Nobody learns from an answer whether a number is on the roll: a number that is not gets the same
answer, the same row and the same queued task as one that is; only the task, on the worker, looks at
the roll and sends the SMS or not. Guessing is bounded three ways: a code dies after a few wrong tries,
a phone that typed too many wrong codes in an hour is locked out for the hour, and a phone and an
address may ask for only so many codes an hour."""

import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.background import background_task
from qunfang.core.personal import PHONE, blind_index, decrypt, derived_key, encrypt, normalize_phone
from qunfang.core.writes import in_steps, service, within_a_service, writes_nothing
from qunfang.lib import throttle
from qunfang.portal import selectors
from qunfang.portal.models import SignInCode

log = logging.getLogger("qunfang.portal")

CODE_DIGITS = 6
CODE_MINUTES = 10
TRIES_PER_CODE = 5
CODES_PER_PHONE_AN_HOUR = 5
CODES_PER_ADDRESS_AN_HOUR = 30
WRONG_CODES_PER_PHONE_AN_HOUR = 10
KEEP_CODES_DAYS = 2


def _digest(phone_index: str, code: str) -> str:
    return hmac.digest(derived_key("portal-code"), f"{phone_index}:{code}".encode(), "sha256").hex()


def _refused_code() -> ValidationError:
    # One message for a wrong, used, expired or voided code and a locked-out phone: which it was would
    # tell a guesser how far they got.
    return ValidationError(_("The code is wrong or no longer valid. Ask for a new code."), code="code")


@writes_nothing
def phone_index_of(raw: str) -> str:
    """The blind index of a typed mobile number; a clear refusal when it is not one."""
    return blind_index(PHONE, normalize_phone((raw or "").strip()))


def _locked(phone_index: str) -> bool:
    return (
        selectors.failures_lately(phone_index, timezone.now() - timedelta(hours=1))
        >= WRONG_CODES_PER_PHONE_AN_HOUR
    )


@service
def ask_code(raw_phone: str, *, address: str | None = None) -> str:
    """Make a code for the phone and queue its SMS; answers the phone's blind index. The same for a
    number on the roll and one that is not."""
    phone = normalize_phone((raw_phone or "").strip())
    index = blind_index(PHONE, phone)
    too_many = _("Too many codes were asked for this number or from this network. Try again in an hour.")
    if not throttle.allow(f"portal-code:{index}", CODES_PER_PHONE_AN_HOUR, 3600):
        raise ValidationError(too_many, code="throttled")
    if address and not throttle.allow(f"portal-code-from:{address}", CODES_PER_ADDRESS_AN_HOUR, 3600):
        raise ValidationError(too_many, code="throttled")
    now = timezone.now()
    SignInCode.objects.filter(phone_index=index, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = SignInCode.objects.create(
        phone_index=index, digest=_digest(index, code), expires_at=now + timedelta(minutes=CODE_MINUTES)
    )
    audit.record(by=None, action="portal.code_asked", place=None, target=row)
    # Queued inside the transaction: with the database queue (the default) the task is committed with
    # the code or not at all. Its arguments are sealed: the queue's table is no place for a number.
    send_code.enqueue(encrypt(phone), encrypt(code))
    return index


@background_task(language="zh-hans")
def send_code(sealed_phone: str, sealed_code: str) -> bool:
    """Send the code if the number is on the roll (its own or a family member's); else nothing."""
    from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend

    phone, code = decrypt(sealed_phone), decrypt(sealed_code)
    if not selectors.veteran_ids_of_phone(blind_index(PHONE, phone)):
        return False
    text = _("Your Qunfang sign-in code is %(code)s, valid for %(minutes)d minutes. Tell it to nobody.") % {
        "code": code,
        "minutes": CODE_MINUTES,
    }
    message = Outgoing(
        recipients=[Recipient(name="", phone=phone)],
        text=text,
        topic="portal-code",
        template_code=settings.PORTAL_CODE_TEMPLATE,
        params={"code": code},
    )
    try:
        backend("sms").send(message)
    except SendError as error:
        log.warning("sign-in code not sent: %s", error)
        return False
    return True


@service
def try_code(phone_index: str, code: str) -> list[int]:
    """The people the phone may act for when the code is right (the code is then spent); [] when it
    is not, with the wrong try counted and kept (so it answers rather than raising)."""
    code = (code or "").strip()
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()) or _locked(phone_index):
        return []
    row = selectors.live_code(phone_index)
    if row is None:
        return []
    if not hmac.compare_digest(row.digest, _digest(phone_index, code)):
        failures = row.failures + 1
        SignInCode.objects.filter(pk=row.pk).update(
            failures=failures, **({"used_at": timezone.now()} if failures >= TRIES_PER_CODE else {})
        )
        audit.record(by=None, action="portal.code_wrong", place=None, target=row)
        return []
    # Spent once: of two requests with the same code, the second finds it used.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()):
        return []
    audit.record(by=None, action="portal.signed_in", place=None, target=row)
    return selectors.veteran_ids_of_phone(phone_index)


@in_steps("a wrong code's count stays written though the sign-in is refused: try_code commits it")
def use_code(phone_index: str, code: str) -> list[int]:
    """The veterans the phone may act for, once its code is right. A wrong, spent or expired code and
    a locked-out phone are refused alike."""
    people = try_code(phone_index, code)
    if not people:
        raise _refused_code()
    return people


@service
def forget_old_codes() -> int:
    """Codes of past days are of no use; the lock-out looks back an hour."""
    old = SignInCode.objects.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_CODES_DAYS))
    count, _kinds = old.delete()
    if count:
        audit.record(by=None, action="portal.codes_forgotten", place=None, target=SignInCode)
    return count


@within_a_service
def tell(veteran, text: str, *, topic: str) -> None:
    """Queue one SMS to the veteran (their own mobile, else a family member's): what became of what
    they asked for. Queued inside the caller's transaction, like the code (see ask_code)."""
    send_text.enqueue(veteran.pk, str(text), topic)


@background_task()
def send_text(veteran_id: int, text: str, topic: str) -> bool:
    from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend
    from qunfang.registry.models import FamilyMember, Veteran

    veteran = Veteran.objects.filter(pk=veteran_id).first()
    relative = FamilyMember.objects.filter(veteran_id=veteran_id, phone__isnull=False).first()
    phone = veteran.phone if veteran and veteran.phone else (relative.phone if relative else None)
    if phone is None:
        return False
    message = Outgoing(
        recipients=[Recipient(name=veteran.name, phone=phone.reveal())],
        text=text,
        topic=topic,
        template_code=settings.PORTAL_NOTICE_TEMPLATE,
        params={"notice": text},
    )
    try:
        backend("sms").send(message)
    except SendError as error:
        log.warning("message to veteran %s not sent: %s", veteran_id, error)
        return False
    return True
