"""Writes of reports by SMS: registering and retiring a station's phones, a bureau's words, and taking
in an inbound message: kept with what became of it, its report or day's work recorded through the same
services as the phone form (reporting's submit_report, mobilization's record_day), its reply queued.

Idempotent by the provider's message id: the `submission` key of the report or the work is derived
from it, and a message delivered again is kept as a duplicate of the first, recording and answering
nothing. Of two messages about one period the one sent later stands, whatever order they arrive in:
an earlier-sent message that arrives after a later one was recorded is kept as outdated."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.audit import Origin, working_as
from qunfang.core.background import background_task
from qunfang.core.models import OrgUnit, User
from qunfang.core.personal import PHONE, Protected, normalize_phone
from qunfang.core.writes import service, writes_nothing
from qunfang.lib.text import printable
from qunfang.mobilization import services as mobilization
from qunfang.reporting import services as reporting
from qunfang.reporting.models import Report, ReportStatus
from qunfang.smsreports import keywords, parsing
from qunfang.smsreports.models import InboundMessage, Keyword, Outcome, RegisteredPhone

log = logging.getLogger("qunfang.smsreports")
SMS = Origin(None, "sms")
EARLIEST_SENT = timedelta(days=7)  # a provider's send time further back is not believed


# --- phones ---------------------------------------------------------------------------------------------


@writes_nothing
def reports_by_sms(place: OrgUnit) -> bool:
    """Whether the place is a station: it reports a data set (a place at a data set's level)."""
    return any(entry.target.startswith("report:") for entry in keywords.vocabulary(place).entries)


@service
def register_phone(*, by: User | None, place: OrgUnit, phone: str, holder: str = "") -> RegisteredPhone:
    """Register a mobile the station reports from; a number in use at any station is refused."""
    if not reports_by_sms(place):
        raise ValidationError(_("%(place)s reports nothing by SMS.") % {"place": place.name})
    try:
        sealed = Protected.seal(PHONE, (phone or "").strip())
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    taken = RegisteredPhone.objects.filter(phone_index=sealed.index, active=True).select_related("place")
    if taken.exists():
        # Which station holds it is not said: the person typing may not see that station.
        raise ValidationError({"phone": _("This number is registered to a station already.")})
    try:
        with transaction.atomic():
            row = RegisteredPhone.objects.create(
                place=place, phone=sealed, holder=holder.strip()[:50], registered_by=audit.acting_user(by)
            )
    except IntegrityError:  # registered at the same moment elsewhere
        raise ValidationError({"phone": _("This number is registered to a station already.")}) from None
    audit.record(by=by, action="smsreports.phone_registered", place=place, target=row)
    return row


@service
def retire_phone(*, by: User | None, phone: RegisteredPhone) -> RegisteredPhone:
    """The station no longer reports from this phone; retiring twice is retiring once."""
    phone = RegisteredPhone.objects.select_for_update().get(pk=phone.pk)
    if not phone.active:
        return phone
    phone.active, phone.retired_at = False, timezone.now()
    phone.save(update_fields=["active", "retired_at"])
    audit.record(by=by, action="smsreports.phone_retired", place=phone.place, target=phone)
    return phone


# --- keywords -------------------------------------------------------------------------------------------


@service
def set_aliases(*, by: User | None, place: OrgUnit, aliases: dict[str, str]) -> list[Keyword]:
    """Set the aliases of the bureau's words (target: the aliases as typed) for every station under it.
    A token two words would share is refused, naming both."""
    vocabulary = keywords.vocabulary(place, below=True)
    entries = {entry.target: entry for entry in vocabulary.entries}
    unknown = sorted(set(aliases) - set(entries))
    if unknown:
        raise ValidationError(_("Unknown keyword: %(targets)s.") % {"targets": ", ".join(unknown)[:200]})
    for target, typed in aliases.items():
        split = keywords.split_aliases(typed)
        if len(" ".join(split)) > 100 or any(len(alias) > 20 for alias in split):
            raise ValidationError({target: _("Keep the aliases short: 100 characters in all.")})
        entries[target].aliases = split
    clashes = keywords.clashes(list(entries.values()))
    if clashes:
        token, first, second = clashes[0]
        raise ValidationError(
            _("“%(token)s” would stand for both “%(first)s” and “%(second)s”.")
            % {"token": token, "first": first, "second": second}
        )
    changed = []
    for target in aliases:
        entry = entries[target]
        row, _made = Keyword.objects.update_or_create(
            place=place, target=target, defaults={"word": entry.word, "aliases": " ".join(entry.aliases)}
        )
        changed.append(row)
    audit.record(by=by, action="smsreports.keywords_set", place=place, target=Keyword, after=dict(aliases))
    return changed


@service
def seed_keywords(*, place: OrgUnit) -> int:
    """The default words, written as the place's own (the demo's bureau; `manage.py smsreports_seed`):
    rows it already has are kept."""
    made = 0
    for entry in keywords.vocabulary(place, below=True).entries:
        _row, created = Keyword.objects.get_or_create(
            place=place,
            target=entry.target,
            defaults={"word": entry.word, "aliases": " ".join(entry.aliases)},
        )
        made += created
    audit.record(
        by=None, action="smsreports.keywords_seeded", place=place, target=Keyword, after={"made": made}
    )
    return made


# --- inbound messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrived:
    """One message as a provider hands it over."""

    provider: str
    message_id: str
    phone: str
    text: str
    sent_at: datetime | None = None


@dataclass(frozen=True)
class SmsSender:
    """Who acts when a report comes by SMS: the audit log names the registered phone (core/audit.py)."""

    phone: RegisteredPhone
    pk = None

    @property
    def audit_name(self) -> str:
        return f"sms:{self.phone.pk} {self.phone.phone}"[:150]


@writes_nothing
def submission_of(provider: str, message_id: str) -> str:
    return "sms-" + hashlib.sha256(f"{provider}:{message_id}".encode()).hexdigest()[:40]


def _sent_at(arrived: Arrived, now: datetime) -> datetime:
    sent = arrived.sent_at
    if sent is None or not (now - EARLIEST_SENT <= sent <= now + timedelta(minutes=5)):
        return now
    return min(sent, now)


def _owning_place() -> OrgUnit | None:
    code = settings.SMS_INBOUND_PLACE
    return OrgUnit.objects.filter(code=code).first() if code else None


@service
def take_message(arrived: Arrived) -> InboundMessage:
    """Keep the message and do what it says; answers its row (a duplicate's row for a message taken
    already). Replies are queued with the row."""
    with working_as(SMS), translation.override("zh-hans"):
        now = timezone.now()
        message = InboundMessage(
            provider=arrived.provider,
            message_id=printable(arrived.message_id)[:80],
            text=printable(arrived.text or "")[:500],
            sent_at=_sent_at(arrived, now),
        )
        try:
            message.phone = Protected.of_normalized(
                PHONE, normalize_phone(printable(arrived.phone or "")[:40])
            )
        except ValidationError:
            message.phone = None
        sender = (
            RegisteredPhone.objects.filter(phone_index=message.phone.index, active=True)
            .select_related("place")
            .first()
            if message.phone
            else None
        )
        message.sender, message.place = sender, (sender.place if sender else _owning_place())
        try:
            # One savepoint for the work and the row: a message delivered again (or by two workers at
            # once) meets the row's unique id, and whatever it did is undone with the savepoint.
            with transaction.atomic():
                _take(message, arrived, sender)
                message.save()
        except IntegrityError:
            earlier = InboundMessage.objects.exclude(outcome=Outcome.DUPLICATE).filter(
                provider=message.provider, message_id=message.message_id
            )
            if not earlier.exists():
                raise
            return _duplicate(message, earlier.get())
        if message.outcome not in (Outcome.RECORDED, Outcome.CORRECTED):
            # (a recorded one's entry is the report's or the work's, naming the phone it came from)
            audit.record(
                by=SmsSender(sender) if sender else None,
                action="smsreports.message_taken",
                place=message.place,
                target=message,
                after={"outcome": message.outcome},
            )
        if message.reply and message.phone:
            send_reply.enqueue(message.pk)
        return message


def _take(message: InboundMessage, arrived: Arrived, sender: RegisteredPhone | None) -> None:
    if sender is None:
        message.outcome = Outcome.UNREGISTERED
        message.reason = _("The number is not registered to a station.")
        message.reply = _("This number is not registered for reports by SMS; ask your bureau to register it.")
    else:
        _act(message, arrived, sender)


def _duplicate(message: InboundMessage, earlier: InboundMessage) -> InboundMessage:
    message.outcome, message.first = Outcome.DUPLICATE, earlier
    message.place, message.report_id, message.activity_id = (
        earlier.place,
        earlier.report_id,
        earlier.activity_id,
    )
    message.reason, message.reply = _("Delivered again by the provider: taken once."), ""
    message.save()
    audit.record(by=None, action="smsreports.message_duplicate", place=message.place, target=message)
    return message


def _act(message: InboundMessage, arrived: Arrived, sender: RegisteredPhone) -> None:
    place, text = sender.place, printable(arrived.text or "")
    try:
        vocabulary = keywords.vocabulary(place, work=False)
        try:
            reading = parsing.read(text, vocabulary)
        except parsing.Unreadable:  # the day's work, or a refusal said with every word known
            vocabulary = keywords.vocabulary(place)
            reading = parsing.read(text, vocabulary)
        if reading.kind == keywords.WORK:
            _record_work(message, reading, sender, vocabulary)
        else:
            _record_report(message, reading, sender, vocabulary)
    except parsing.Unreadable as error:
        message.outcome, message.reason = Outcome.REFUSED, str(error)[:300]
        message.reply = str(error)[:300]
    except ValidationError as error:
        reason = "；".join(error.messages)[:250]
        message.outcome, message.reason = Outcome.REFUSED, reason
        message.reply = (_("Not recorded: %(reason)s") % {"reason": reason})[:300]


def _period(data_set, message: InboundMessage, reading) -> object:
    """The period the message reports: the day it names, else the earliest period whose deadline has
    not passed when it was sent (before 10:00 the day before's, after it the day's own)."""
    sent_day = timezone.localdate(message.sent_at)
    named = parsing.day_of(reading, sent_day)
    if named is not None:
        return data_set.period_of(named)
    current = data_set.period_of(sent_day)
    before = current - timedelta(days=reporting.period_length(data_set))
    return before if reporting.deadline(data_set, before) > message.sent_at else current


def _record_report(message: InboundMessage, reading, sender: RegisteredPhone, vocabulary) -> None:
    data_set = vocabulary.data_sets[reading.data_set_code]
    period = _period(data_set, message, reading)
    existing = Report.objects.filter(data_set=data_set, place=sender.place, period_start=period).first()
    if existing and existing.status == ReportStatus.APPROVED:
        raise ValidationError(
            _("the report of %(day)s is approved and can no longer be changed.") % {"day": _day(period)}
        )
    later = (
        InboundMessage.objects.filter(report=existing, sent_at__gt=message.sent_at)
        .filter(outcome__in=[Outcome.RECORDED, Outcome.CORRECTED])
        .exists()
        if existing
        else False
    )
    if later:
        message.outcome, message.report = Outcome.OUTDATED, existing
        message.reason = _("A message sent later reported this period already.")
        message.reply = _("Not recorded: a message you sent later reported %(day)s already.") % {
            "day": _day(period)
        }
        return
    # submit_report is a savepoint of its own: refused, it leaves nothing
    report = reporting.submit_report(
        by=SmsSender(sender),
        data_set=data_set,
        place=sender.place,
        period_start=period,
        values=reading.values,
        zero=reading.zero,
        submission=submission_of(message.provider, message.message_id),
        at=message.sent_at,
    )
    message.report = report
    message.outcome = Outcome.CORRECTED if existing else Outcome.RECORDED
    what = (
        _("zero report")
        if reading.zero
        else "，".join(
            f"{vocabulary.word_of(f'field:{data_set.code}:{code}')}{value}"
            for code, value in reading.values.items()
        )
    )
    message.reply = (
        _("Received %(place)s %(day)s %(report)s: %(what)s.")
        % {
            "place": sender.place.name,
            "day": _day(period),
            "report": vocabulary.word_of(f"report:{data_set.code}"),
            "what": what,
        }
    )[:300]


def _record_work(message: InboundMessage, reading, sender: RegisteredPhone, vocabulary) -> None:
    day = timezone.localdate(message.sent_at)
    entries = [
        mobilization.Entry(vocabulary.activities[f"activity:{code}"], count)
        for code, count in reading.counts.items()
    ]
    # record_day is a savepoint of its own
    records = mobilization.record_day(
        by=SmsSender(sender),
        place=sender.place,
        day=day,
        entries=entries,
        submission=submission_of(message.provider, message.message_id),
    )
    message.activity = records[0] if records else None
    message.outcome = Outcome.RECORDED
    what = "，".join(
        f"{vocabulary.word_of(f'activity:{code}')}{count}" for code, count in reading.counts.items()
    )
    message.reply = (
        _("Received %(place)s %(day)s work: %(what)s.")
        % {"place": sender.place.name, "day": _day(day), "what": what}
    )[:300]


def _day(day) -> str:
    return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}


@background_task(language="zh-hans")
def send_reply(message_id: int) -> bool:
    """Send the message's reply to the number it came from, through the SMS channel."""
    from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend

    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None or not message.phone or not message.reply:
        return False
    outgoing = Outgoing(
        recipients=[Recipient(name="", phone=message.phone.reveal())],
        text=message.reply,
        topic="sms-report-reply",
        template_code=settings.SMS_REPLY_TEMPLATE,
        params={"reply": message.reply},
        key=f"sms-reply-{message.pk}",
    )
    try:
        backend("sms").send(outgoing)
    except SendError as error:
        log.warning("reply to inbound message %s not sent: %s", message_id, error)
        return False
    return True


@service
def note_pull(*, provider: str, taken: int, last: Arrived) -> None:
    """How far a pull came: the provider's time of the last message taken, and how many in all."""
    from qunfang.smsreports.models import PullCursor

    cursor, _made = PullCursor.objects.select_for_update().get_or_create(provider=provider)
    cursor.taken += taken
    if last.sent_at:
        cursor.last_time = max(cursor.last_time, int(last.sent_at.timestamp()))
    cursor.save()
    audit.record(by=None, action="smsreports.pulled", place=None, target=cursor, after={"taken": taken})
