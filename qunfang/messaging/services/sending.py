"""Sending: a batch claimed, the provider's rate taken, each message sent exactly once, outcomes
written a batch at a time; a dead worker's messages checked with the provider first."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as dt_time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from qunfang.core.background import background_task
from qunfang.core.models import User
from qunfang.core.writes import in_steps, writes_nothing
from qunfang.lib.env import env_int
from qunfang.lib.processes import is_gone, this_process
from qunfang.lib.tallies import table
from qunfang.messaging.backends import Outgoing, Rate, Recipient, SendError, backend
from qunfang.messaging.models import Campaign, CampaignStatus, Channel, Message, MessageState, ProviderWindow
from qunfang.messaging.services.templates import VARIABLE

# --- sending ---------------------------------------------------------------------------------------------

BATCH = 200


RECIPIENT_RELATIONS = ("veteran__place", "volunteer__place", "station")


def _claim(campaign: Campaign, size: int = BATCH) -> list[Message]:
    """The next queued messages, marked as being sent (on PostgreSQL, rows another worker holds are
    skipped, so several workers share a campaign)."""
    with transaction.atomic():
        queued = Message.objects.filter(campaign=campaign, state=MessageState.QUEUED).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True, of=("self",))
        # The ids alone first: the locking query stays on one table, whatever the planner thinks of the
        # recipients' tables (a plan joining them per row once took minutes on stale statistics).
        ids = list(queued.values_list("pk", flat=True)[:size])
        batch = list(Message.objects.filter(pk__in=ids).select_related(*RECIPIENT_RELATIONS).order_by("pk"))
        Message.objects.filter(pk__in=ids).update(
            state=MessageState.SENDING,
            attempts=F("attempts") + 1,
            claimed_by=this_process(),
            updated_at=timezone.now(),
        )
    return batch


def _outgoing(campaign: Campaign, message: Message) -> Outgoing:
    template, recipient = campaign.template, message.recipient
    values = {"name": recipient.name, "place": (recipient if message.station_id else recipient.place).name}
    return Outgoing(
        _addresses(message),
        message.text,
        topic=f"campaign-{campaign.pk}",
        extra={"message_id": message.pk},
        template_code=template.provider_code,
        # The variables in the order the body names them (Tencent's templates number them).
        params={name: values[name] for name in dict.fromkeys(VARIABLE.findall(template.body))},
        subject=campaign.name,
        key=f"qf{message.pk}",
    )


def _addresses(message: Message) -> list[Recipient]:
    """Where the message goes: the person's mobile (revealed for the gateway; no person sees it), or
    the station's phone and its staff's e-mail addresses."""
    if message.station_id:
        station = message.station
        staff = User.objects.filter(memberships__place=station, is_active=True, email__gt="").order_by("pk")
        return [
            Recipient(station.name, phone=station.phone, place=station.name),
            *(
                Recipient(user.full_name or user.username, place=station.name, email=user.email)
                for user in staff
            ),
        ]
    person = message.veteran or message.volunteer
    phone = person.phone.reveal() if person.phone else ""
    return [Recipient(person.name, phone=phone, place=person.place.name)]


def _take_back_from_the_dead(campaign: Campaign, sender) -> None:
    """Messages that a worker, now dead, was sending: those the provider took are marked sent, the
    others queued again. A killed worker thus loses nothing and sends nothing twice."""
    stuck = [
        message
        for message in Message.objects.filter(campaign=campaign, state=MessageState.SENDING).select_related(
            *RECIPIENT_RELATIONS
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


@writes_nothing
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
    if send_campaign_task.get_backend().supports_defer:
        send_campaign_task.using(run_after=until).enqueue(campaign.pk)


MAX_ATTEMPTS = 5
WRITE_EVERY = 20
PAUSE_AFTER_REFUSALS = 1.0  # seconds: a throttled provider is given a moment before the next batch


@in_steps(
    "a campaign's messages go out batch by batch, each batch's outcomes committed as it is sent, "
    "so a crash loses at most one batch"
)
def send_campaign(campaign_id: int) -> int:
    """Send the campaign's queued messages until none is left; answers how many were sent. A provider's
    passing refusal (throttled, down) queues the message again, up to MAX_ATTEMPTS tries; a final one
    (an invalid number) fails it, with the reason. Several workers may send one campaign together,
    within the provider's rate, which they share."""
    campaign = Campaign.objects.select_related("template").get(pk=campaign_id)
    if campaign.template.channel == Channel.PHONE:
        return 0  # people make these calls
    sender = backend(campaign.template.channel)
    _take_back_from_the_dead(campaign, sender)
    sent = 0
    while True:
        until = quiet_until(campaign.template.channel, timezone.now())
        if until:
            _pause_until(campaign, until)
            return sent
        batch = _claim(campaign, min(BATCH, sender.rate.count) if sender.rate else BATCH)
        if not batch:
            break
        refused, allowed, granted_in = False, 0, None
        unwritten: list[Message] = []
        for position, message in enumerate(batch):
            # Sends taken from a window go out in that window: what is left of them when it has ended
            # (a slow send, the outcomes written) is given up, or the next window would see more.
            if sender.rate and (allowed == 0 or _window(sender.rate) != granted_in):
                allowed = take_from_rate(sender.provider, sender.rate, len(batch) - position)
                granted_in = _window(sender.rate)
            allowed -= 1
            try:
                message.provider_id = sender.send(_outgoing(campaign, message))
                message.state, message.error = MessageState.SENT, ""
            except SendError as error:
                again = error.retry and message.attempts + 1 < MAX_ATTEMPTS
                message.state = MessageState.QUEUED if again else MessageState.FAILED
                message.error, refused = str(error)[:300], True
            message.updated_at = timezone.now()
            unwritten.append(message)
            # Outcomes written every few messages, in one statement: a worker killed in between leaves
            # at most that many in "sending", which the next worker checks with the provider.
            if len(unwritten) == WRITE_EVERY or position == len(batch) - 1:
                _write_outcomes(unwritten)
                unwritten = []
        sent += sum(1 for message in batch if message.state == MessageState.SENT)
        if refused:
            time.sleep(PAUSE_AFTER_REFUSALS)
    _finish_if_done(campaign)
    return sent


@background_task()
def send_campaign_task(campaign_id: int) -> int:
    return send_campaign(campaign_id)


@in_steps(
    "each share is queued on its own once the campaign's start has committed; a share run twice sends "
    "nothing twice"
)
def queue_sending(campaign_id: int) -> None:
    """Queue the campaign's sending as several shares, so that as many workers send it together (each
    claims the batches the others have not; a share that finds nothing left ends at once): as many as
    QUNFANG_MESSAGING_SENDERS, else one per host (QUNFANG_APP_HOSTS)."""
    for _share in range(max(1, env_int("MESSAGING_SENDERS", settings.APP_HOSTS))):
        send_campaign_task.enqueue(campaign_id)


def _write_outcomes(messages: list[Message]) -> None:
    """One UPDATE … FROM (VALUES …) for the messages' outcomes: Django's bulk_update builds a CASE per
    column and row, which costs more than sending them (both PostgreSQL and SQLite ≥ 3.33 have this)."""
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(messages))
    values = [value for m in messages for value in (m.pk, m.state, m.provider_id, m.error, m.updated_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH outcome (id, state, provider_id, error, updated_at) AS (VALUES {rows})"
            f" UPDATE {table(Message)} SET state = outcome.state, provider_id = outcome.provider_id,"
            " error = outcome.error, updated_at = outcome.updated_at"
            f" FROM outcome WHERE {table(Message)}.id = outcome.id",
            [connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in values],
        )


def _finish_if_done(campaign: Campaign) -> None:
    unfinished = Message.objects.filter(
        campaign=campaign, state__in=[MessageState.QUEUED, MessageState.SENDING]
    )
    if not unfinished.exists():
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.DONE, finished_at=timezone.now()
        )


def _window(rate: Rate) -> int:
    return int(time.time() // rate.seconds)


@in_steps(
    "the rate window is shared by every worker: each take is its own short transaction, "
    "never held while sending"
)
def take_from_rate(provider: str, rate: Rate, wanted: int) -> int:
    """Take up to `wanted` sends from the provider's current window, waiting for the next window while
    this one is used up; answers how many were taken (at least one). All workers share the window's
    row, so together they keep to the rate."""
    ProviderWindow.objects.get_or_create(provider=provider)
    while True:
        now = time.time()
        window = int(now // rate.seconds)
        with transaction.atomic():
            row = ProviderWindow.objects.select_for_update().get(provider=provider)
            if row.window != window:
                row.window, row.used = window, 0
            taken = min(wanted, rate.count - row.used)
            if taken > 0:
                row.used += taken
                row.save(update_fields=["window", "used"])
                return taken
        time.sleep((window + 1) * rate.seconds - now)
