"""Writes of messaging: templates, campaigns started (the recipient list frozen into one message row
each, in one statement), and messages sent through the channel's backend, each exactly once."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.lib.processes import is_gone, this_process
from qunfang.lib.tallies import table
from qunfang.messaging.backends import Outgoing, Recipient, SendError, backend
from qunfang.messaging.models import Campaign, CampaignStatus, Channel, Message, MessageState, Template
from qunfang.registry.models import Status, Veteran

# What a template may say about its recipient; each becomes that person's value when the list freezes.
VARIABLES = {
    "name": gettext_lazy("the veteran's name"),
    "place": gettext_lazy("the veteran's village or community"),
}
VARIABLE = re.compile(r"\{(\w*)\}")
# China's SMS: 70 characters in one message; longer texts go in parts of 67. Providers refuse over 500.
SMS_SINGLE, SMS_PART, SMS_LIMIT = 70, 67, 500


@dataclass(frozen=True)
class Length:
    characters: int  # with the longest value each variable is likely to take
    segments: int


def sms_length(body: str) -> Length:
    """How long the text is once filled in (names up to 4 characters, places up to 10) and in how many
    SMS it goes."""
    filled = VARIABLE.sub(lambda m: "某" * (4 if m.group(1) == "name" else 10), body)
    characters = len(filled)
    segments = 1 if characters <= SMS_SINGLE else -(-characters // SMS_PART)
    return Length(characters, segments)


def check_body(body: str, channel: str) -> None:
    unknown = sorted({m.group(1) for m in VARIABLE.finditer(body)} - VARIABLES.keys())
    if unknown:
        raise ValidationError(
            {
                "body": _("The text uses {%(names)s}, which has no value; it may use {name} and {place}.")
                % {"names": "}, {".join(unknown)}
            }
        )
    if channel == Channel.SMS and sms_length(body).characters > SMS_LIMIT:
        raise ValidationError(
            {
                "body": _("An SMS holds at most %(limit)s characters once filled in; this one has %(n)s.")
                % {"limit": SMS_LIMIT, "n": sms_length(body).characters}
            }
        )


@transaction.atomic
def save_template(
    *, by: User | None, place: OrgUnit, template: Template | None = None, **fields: Any
) -> Template:
    check_body(fields["body"], fields["channel"])
    template = template or Template(place=place)
    for name, value in fields.items():
        setattr(template, name, value)
    template.save()
    audit.record(by=by, action="template.save", place=place, target=template, after=fields)
    return template


# --- audiences and campaigns ---------------------------------------------------------------------------


def audience(place: OrgUnit, filters: dict[str, Any]) -> QuerySet[Veteran]:
    """The veterans a campaign of `place` reaches with these filters: living here, with a mobile, not
    opted out of SMS; in the chosen places under it (or all of it), of the category, with the tag."""
    found = Veteran.objects.filter(
        place__path__startswith=place.path, status=Status.ACTIVE, phone__isnull=False, sms_opt_out=False
    )
    chosen = OrgUnit.objects.filter(pk__in=filters.get("places") or [], path__startswith=place.path)
    if filters.get("places"):
        paths = list(chosen.values_list("path", flat=True))
        if not paths:
            return found.none()
        within = Q()
        for path in paths:
            within |= Q(place__path__startswith=path)
        found = found.filter(within)
    if filters.get("category"):
        found = found.filter(category=filters["category"])
    if filters.get("tag"):
        found = found.filter(tags__name=filters["tag"])
    return found


def render(body: str, veteran: Veteran) -> str:
    return body.replace("{name}", veteran.name).replace("{place}", veteran.place.name)


@transaction.atomic
def create_campaign(
    *, by: User | None, place: OrgUnit, name: str, template: Template, filters: dict[str, Any]
) -> Campaign:
    campaign = Campaign.objects.create(
        place=place, name=name, template=template, audience=filters, created_by=by if by and by.pk else None
    )
    audit.record(by=by, action="campaign.create", place=place, target=campaign, after={"audience": filters})
    return campaign


def start_campaign(*, by: User | None, campaign: Campaign) -> Campaign:
    """Freeze the recipient list into one message row each (the text filled in by the database, in one
    statement) and queue the sending. Refused before anything is written if the template is not
    approved or nobody would receive it; a campaign starts once."""
    from qunfang.messaging.tasks import send_campaign

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("template").get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            return campaign
        if not campaign.template.approved:
            raise ValidationError(_("The template is not approved for use yet."))
        check_body(campaign.template.body, campaign.template.channel)
        recipients = audience(campaign.place, campaign.audience)
        count = _freeze(campaign, recipients)
        if count == 0:
            raise ValidationError(_("Nobody would receive this campaign: the audience is empty."))
        campaign.status, campaign.recipients, campaign.started_at = (
            CampaignStatus.SENDING,
            count,
            timezone.now(),
        )
        campaign.save(update_fields=["status", "recipients", "started_at"])
        audit.record(
            by=by, action="campaign.start", place=campaign.place, target=campaign, after={"recipients": count}
        )
        transaction.on_commit(lambda: send_campaign.enqueue(campaign.pk))
    return campaign


def _freeze(campaign: Campaign, recipients: QuerySet[Veteran]) -> int:
    """INSERT … SELECT: the message rows made in the database from the audience's query, the text
    filled in with each veteran's name and place by REPLACE (both PostgreSQL and SQLite have it)."""
    ids_sql, ids_params = recipients.values("pk").query.sql_with_params()
    veterans, places = table(Veteran), table(OrgUnit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(Message)}"
            " (campaign_id, veteran_id, text, state, provider_id, error, attempts, claimed_by)"
            " SELECT %s, v.id, REPLACE(REPLACE(%s, '{name}', v.name), '{place}', p.name), %s, '', '', 0, ''"
            f" FROM {veterans} v JOIN {places} p ON p.id = v.place_id WHERE v.id IN ({ids_sql})",
            [campaign.pk, campaign.template.body, MessageState.QUEUED, *ids_params],
        )
        return cursor.rowcount


# --- sending ---------------------------------------------------------------------------------------------

BATCH = 200


def _claim(campaign: Campaign) -> list[Message]:
    """The next queued messages, marked as being sent (on PostgreSQL, rows another worker holds are
    skipped, so several workers share a campaign)."""
    with transaction.atomic():
        queued = Message.objects.filter(campaign=campaign, state=MessageState.QUEUED).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True, of=("self",))
        batch = list(queued.select_related("veteran__place")[:BATCH])
        Message.objects.filter(pk__in=[m.pk for m in batch]).update(
            state=MessageState.SENDING,
            attempts=F("attempts") + 1,
            claimed_by=this_process(),
            updated_at=timezone.now(),
        )
    return batch


def _outgoing(campaign: Campaign, message: Message) -> Outgoing:
    veteran, template = message.veteran, campaign.template
    return Outgoing(
        [Recipient(veteran.name, veteran.phone.reveal())],  # the gateway needs the number; no person sees it
        message.text,
        topic=f"campaign-{campaign.pk}",
        extra={"message_id": message.pk},
        template_code=template.provider_code,
        params={"name": veteran.name, "place": veteran.place.name},
        key=f"qf{message.pk}",
    )


def _take_back_from_the_dead(campaign: Campaign, sender) -> None:
    """Messages that a worker, now dead, was sending: those the provider took are marked sent, the
    others queued again. A killed worker thus loses nothing and sends nothing twice."""
    stuck = [
        message
        for message in Message.objects.filter(campaign=campaign, state=MessageState.SENDING).select_related(
            "veteran__place"
        )
        if is_gone(message.claimed_by)
    ]
    if not stuck:
        return
    found = sender.find_sent([_outgoing(campaign, message) for message in stuck])
    for message in stuck:
        key = f"qf{message.pk}"
        message.state = MessageState.SENT if key in found else MessageState.QUEUED
        message.provider_id = found.get(key, "")
    Message.objects.bulk_update(stuck, ["state", "provider_id"])


def quiet_until(channel: str, now: datetime) -> datetime | None:
    """When the quiet hours that hold `now` end, or None if it is not quiet (SMS only)."""
    if channel != Channel.SMS or not settings.MESSAGING_QUIET_HOURS:
        return None
    start, end = settings.MESSAGING_QUIET_HOURS
    local = timezone.localtime(now)
    quiet = start <= local.hour or local.hour < end if start > end else start <= local.hour < end
    if not quiet:
        return None
    day = local.date() + timedelta(days=1) if start > end and local.hour >= start else local.date()
    return timezone.make_aware(datetime.combine(day, dt_time(hour=end)))


def _pause_until(campaign: Campaign, until: datetime) -> None:
    """Take the campaign up again when the quiet hours end (where the task queue can wait)."""
    from qunfang.messaging.tasks import send_campaign as send_task

    if send_task.get_backend().supports_defer:
        send_task.using(run_after=until).enqueue(campaign.pk)


MAX_ATTEMPTS = 5
PAUSE_AFTER_REFUSALS = 1.0  # seconds: a throttled provider is given a moment before the next batch


def send_campaign(campaign_id: int) -> int:
    """Send the campaign's queued messages until none is left; answers how many were sent. A provider's
    passing refusal (throttled, down) queues the message again, up to MAX_ATTEMPTS tries; a final one
    (an invalid number) fails it, with the reason. Several workers may send one campaign together."""
    campaign = Campaign.objects.select_related("template").get(pk=campaign_id)
    sender = backend(campaign.template.channel)
    _take_back_from_the_dead(campaign, sender)
    sent = 0
    while True:
        until = quiet_until(campaign.template.channel, timezone.now())
        if until:
            _pause_until(campaign, until)
            return sent
        batch = _claim(campaign)
        if not batch:
            break
        now, refused = timezone.now(), False
        for message in batch:
            try:
                message.provider_id = sender.send(_outgoing(campaign, message))
                message.state, message.error = MessageState.SENT, ""
            except SendError as error:
                again = error.retry and message.attempts + 1 < MAX_ATTEMPTS
                message.state = MessageState.QUEUED if again else MessageState.FAILED
                message.error, refused = str(error)[:300], True
            message.updated_at = now
            # Each message's outcome written at once: a worker killed now leaves at most one to check.
            Message.objects.filter(pk=message.pk).update(
                state=message.state, provider_id=message.provider_id, error=message.error, updated_at=now
            )
        sent += sum(1 for message in batch if message.state == MessageState.SENT)
        if refused:
            time.sleep(PAUSE_AFTER_REFUSALS)
    unfinished = Message.objects.filter(
        campaign=campaign, state__in=[MessageState.QUEUED, MessageState.SENDING]
    )
    if not unfinished.exists():
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.DONE, finished_at=timezone.now()
        )
    return sent


def retry_failed(*, by: User | None, campaign: Campaign) -> int:
    """Queue the failed messages again and send them: one click for the bureau."""
    from qunfang.messaging.tasks import send_campaign as send_task

    with transaction.atomic():
        count = Message.objects.filter(campaign=campaign, state=MessageState.FAILED).update(
            state=MessageState.QUEUED, error=""
        )
        if count:
            Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING, finished_at=None)
            audit.record(
                by=by,
                action="campaign.retry",
                place=campaign.place,
                target=campaign,
                after={"messages": count},
            )
            transaction.on_commit(lambda: send_task.enqueue(campaign.pk))
    return count
