"""Writes of messaging: templates, campaigns started (the recipient list frozen into one message row
each, in one statement), and messages sent through the channel's backend, each exactly once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
from qunfang.core.access import under
from qunfang.core.background import background_task
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.processes import is_gone, this_process
from qunfang.lib.tallies import table
from qunfang.lib.uploads import delete_upload, save_upload
from qunfang.messaging.backends import Outgoing, Rate, Receipt, Recipient, SendError, backend
from qunfang.messaging.models import (
    AudienceKind,
    CallOutcome,
    Campaign,
    CampaignStatus,
    Channel,
    Message,
    MessageState,
    OutsideCampaign,
    ProviderWindow,
    Template,
)
from qunfang.mobilization.models import Team, Volunteer, VolunteerStatus
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


@writes_nothing
def sms_length(body: str) -> Length:
    """How long the text is once filled in (names up to 4 characters, places up to 10) and in how many
    SMS it goes."""
    filled = VARIABLE.sub(lambda m: "某" * (4 if m.group(1) == "name" else 10), body)
    characters = len(filled)
    segments = 1 if characters <= SMS_SINGLE else -(-characters // SMS_PART)
    return Length(characters, segments)


@writes_nothing
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


@service
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


# --- campaigns sent through another platform -----------------------------------------------------------

RECEIPT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".csv", ".txt")
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
MOST_SENT = 10_000_000  # more than a province's veterans: a typing slip
EARLIEST_SENT = date(2000, 1, 1)  # no bureau sent SMS campaigns before


@service
def record_outside_campaign(
    *, by: User | None, place: OrgUnit, day: date, channel: str, audience: str, platform: str, sent: int,
    note: str = "", receipt=None, submission: str | None = None,
) -> OutsideCampaign:  # fmt: skip
    """A campaign sent through another platform, recorded with its receipt file; a form sent twice
    (the same `submission`) is kept once, and a refused one leaves no file behind."""
    if submission:
        earlier = OutsideCampaign.objects.filter(submission=submission).first()
        if earlier and earlier.place_id != place.pk:
            # Keys come from clients: another place's key must neither record nor show its record.
            raise ValidationError({"submission": _("This submission key is used already.")})
        if earlier:
            return earlier
    if day > timezone.localdate():
        raise ValidationError({"day": _("The date cannot be in the future.")})
    if day < EARLIEST_SENT:
        raise ValidationError({"day": _("A campaign sent before 2000 cannot be right.")})
    if channel not in Channel.values or channel == Channel.CONSOLE:
        raise ValidationError({"channel": _("Choose a channel from the list.")})
    if audience not in AudienceKind.values:
        raise ValidationError({"audience": _("Choose who it was sent to from the list.")})
    if not platform.strip():
        raise ValidationError({"platform": _("Name the platform it was sent through.")})
    if not 0 < sent <= MOST_SENT:
        raise ValidationError({"sent": _("Enter how many messages were sent, from 1 to 10,000,000.")})
    if receipt is not None:
        if not (receipt.name or "").lower().endswith(RECEIPT_TYPES):
            raise ValidationError(
                {"receipt": _("The receipt must be a PDF, a photo, a spreadsheet or text.")}
            )
        if receipt.size > RECEIPT_MAX_BYTES:
            raise ValidationError({"receipt": _("The receipt may be 10 MB at most.")})
    record = OutsideCampaign(
        place=place, day=day, channel=channel, audience=audience, platform=platform.strip()[:60], sent=sent,
        note=note.strip()[:200], submission=submission or None, recorded_by=audit.acting_user(by),
    )  # fmt: skip
    if receipt is not None:
        record.receipt = save_upload(receipt, "receipts")
        record.receipt_name = (receipt.name or "")[-200:]
    try:  # should the row not be written after all, the file goes with it
        record.save()
        audit.record(
            by=by, action="outside_campaign.create", place=place, target=record,
            after={"day": day.isoformat(), "channel": channel, "audience": audience, "sent": sent},
        )  # fmt: skip
    except BaseException:
        if record.receipt:
            delete_upload(record.receipt)
        raise
    return record


# --- audiences and campaigns ---------------------------------------------------------------------------


@writes_nothing
def audience(place: OrgUnit, filters: dict[str, Any], channel: str = Channel.SMS) -> QuerySet:
    """Who a campaign of `place` reaches with these filters, by their kind (see the Campaign's
    audience): veterans, the volunteers of a team, or the stations that have not sent a day's report."""
    kind = filters.get("kind") or "veterans"
    return AUDIENCES[kind].find(place, filters, channel)


def _veterans(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[Veteran]:
    """Veterans living here, with a mobile, not opted out of messages; in the chosen places under it (or
    all of it), of the category, with the tag."""
    found = Veteran.objects.filter(under(place), status=Status.ACTIVE, phone__isnull=False, sms_opt_out=False)
    chosen = OrgUnit.objects.under(place).filter(pk__in=filters.get("places") or [])
    if filters.get("places"):
        paths = list(chosen.values_list("path", flat=True))
        if not paths:
            return found.none()
        within = Q()
        for path in paths:
            within |= under(path)
        found = found.filter(within)
    if filters.get("category"):
        found = found.filter(category=filters["category"])
    if filters.get("tag"):
        found = found.filter(tags__name=filters["tag"])
    return found


def _team_volunteers(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[Volunteer]:
    """The active members of a team of this place or below (a veteran among them who opted out of
    messages is left out)."""
    team = Team.objects.filter(under(place), pk=filters.get("team") or 0).first()
    if team is None:
        return Volunteer.objects.none()
    return team.members.filter(status=VolunteerStatus.ACTIVE).exclude(veteran__sms_opt_out=True)


def _stations_not_reported(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[OrgUnit]:
    """The places under this one that owe the data set's report for the day and have not sent it (with
    a phone, for the channels that dial one)."""
    from qunfang.reporting.models import DataSet, Report

    data_set = DataSet.objects.filter(pk=filters.get("data_set") or 0, active=True).first()
    under = data_set.reported_under(place) if data_set else None
    if under is None:
        return OrgUnit.objects.none()
    period = data_set.period_of(_day(filters.get("day")))
    found = (
        OrgUnit.objects.under(under)
        .filter(level=data_set.level)
        .exclude(pk__in=Report.objects.filter(data_set=data_set, period_start=period).values("place_id"))
    )
    if channel in (Channel.SMS, Channel.PHONE, Channel.WECOM):
        found = found.exclude(phone="")
    return found


def _day(text: str | None):
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@dataclass(frozen=True)
class Audience:
    find: Callable[[OrgUnit, dict, str], QuerySet]
    column: str  # the message's column that names the recipient
    model_place: str  # the recipient's column that names its place ("id" for a station: itself)


AUDIENCES = {
    "veterans": Audience(_veterans, "veteran_id", "place_id"),
    "team": Audience(_team_volunteers, "volunteer_id", "place_id"),
    "not_reported": Audience(_stations_not_reported, "station_id", "id"),
}


@writes_nothing
def render(body: str, recipient) -> str:
    """The text one recipient (a veteran, a volunteer or a station) gets."""
    place = recipient if isinstance(recipient, OrgUnit) else recipient.place
    return body.replace("{name}", recipient.name).replace("{place}", place.name)


@dataclass(frozen=True)
class Preview:
    count: int
    sample: str
    length: Length


@writes_nothing
def preview(place: OrgUnit, filters: dict[str, Any], template: Template) -> Preview:
    """How many the campaign would reach, and the text the first of them would get."""
    recipients = audience(place, filters, template.channel)
    first = recipients.order_by("pk").first()
    return Preview(
        recipients.count(), render(template.body, first) if first else "", sms_length(template.body)
    )


@service
def create_campaign(
    *, by: User | None, place: OrgUnit, name: str, template: Template, filters: dict[str, Any]
) -> Campaign:
    if (filters.get("kind") or "veterans") not in AUDIENCES:
        raise ValidationError({"audience": _("Choose who the campaign goes to.")})
    _check_audience_ids(place, filters)
    if template.channel == Channel.PHONE:
        filters = {**filters, "callers": [user.pk for user in _callers(place, filters.get("callers"))]}
    campaign = Campaign.objects.create(
        place=place, name=name, template=template, audience=filters, created_by=audit.acting_user(by)
    )
    audit.record(by=by, action="campaign.create", place=place, target=campaign, after={"audience": filters})
    return campaign


@service
def start_campaign(*, by: User | None, campaign: Campaign, confirmed: int | None = None) -> Campaign:
    """Freeze the recipient list into one message row each (the text filled in by the database, in one
    statement) and queue the sending. Refused before anything is written if the template is not
    approved or nobody would receive it; a campaign starts once. `confirmed`: the number of recipients
    the sender was shown and agreed to; if the audience has changed since, nothing is sent."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("template").get(pk=campaign.pk)
        if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
            return campaign
        _check_sendable(campaign)
        count = _freeze(campaign, campaign.audience)
        if count == 0:
            raise ValidationError(_("Nobody would receive this campaign: the audience is empty."))
        if confirmed is not None and count != confirmed:
            changed = _(
                "The audience has changed since you confirmed: %(count)s recipients now, not %(confirmed)s. "
                "Nothing was sent; look again and confirm."
            )
            raise ValidationError(changed % {"count": count, "confirmed": confirmed})
        if campaign.template.channel == Channel.PHONE:
            _share_calls(campaign, _callers(campaign.place, campaign.audience.get("callers")))
        campaign.status, campaign.recipients, campaign.started_at = (
            CampaignStatus.SENDING,
            count,
            timezone.now(),
        )
        campaign.problem = ""
        campaign.save(update_fields=["status", "recipients", "started_at", "problem"])
        audit.record(
            by=by, action="campaign.start", place=campaign.place, target=campaign, after={"recipients": count}
        )
        if campaign.template.channel != Channel.PHONE:
            transaction.on_commit(lambda: send_campaign_task.enqueue(campaign.pk))
    return campaign


def _check_sendable(campaign: Campaign) -> None:
    if not campaign.template.approved:
        raise ValidationError(_("The template is not approved for use yet."))
    check_body(campaign.template.body, campaign.template.channel)


LONGEST_SCHEDULE = timedelta(days=30)


@service
def schedule_campaign(*, by: User | None, campaign: Campaign, at: datetime) -> Campaign:
    """Start the campaign at `at` (the worker's clock looks every minute). Checked now as it would be
    then: an unapproved template or an empty audience is refused at once."""
    campaign = Campaign.objects.select_for_update().select_related("template", "place").get(pk=campaign.pk)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise ValidationError(_("This campaign has started already."))
    now = timezone.now()
    at = timezone.make_aware(at) if timezone.is_naive(at) else at
    if not now < at <= now + LONGEST_SCHEDULE:
        raise ValidationError({"send_at": _("Choose a time in the next 30 days.")})
    _check_sendable(campaign)
    if not audience(campaign.place, campaign.audience, campaign.template.channel).exists():
        raise ValidationError(_("Nobody would receive this campaign: the audience is empty."))
    campaign.status, campaign.send_at, campaign.problem = CampaignStatus.SCHEDULED, at, ""
    campaign.save(update_fields=["status", "send_at", "problem"])
    audit.record(
        by=by, action="campaign.schedule", place=campaign.place, target=campaign, after={"at": at.isoformat()}
    )
    return campaign


@service
def unschedule_campaign(*, by: User | None, campaign: Campaign) -> Campaign:
    """Back to a draft, unless it has started in the meantime."""
    changed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
        status=CampaignStatus.DRAFT, send_at=None
    )
    if changed:
        audit.record(by=by, action="campaign.unschedule", place=campaign.place, target=campaign)
    return Campaign.objects.get(pk=campaign.pk)


@in_steps("each due campaign starts in its own transaction: one that cannot go must not stop the rest")
def start_due_campaigns(now: datetime | None = None) -> int:
    """Start every scheduled campaign whose time has come; one that can no longer go (its template
    withdrawn, its audience gone) returns to draft with the reason. Answers how many started."""
    started = 0
    due = Campaign.objects.filter(status=CampaignStatus.SCHEDULED, send_at__lte=now or timezone.now())
    for campaign in due.order_by("send_at"):
        try:
            start_campaign(by=None, campaign=campaign)
            started += 1
        except ValidationError as error:
            Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
                status=CampaignStatus.DRAFT, problem=" ".join(error.messages)[:300]
            )
    return started


def _freeze(campaign: Campaign, filters: dict[str, Any]) -> int:
    """INSERT … SELECT: the message rows made in the database from the audience's query, the text
    filled in with each recipient's name and place by REPLACE (both PostgreSQL and SQLite have it)."""
    kind = AUDIENCES[filters.get("kind") or "veterans"]
    recipients = kind.find(campaign.place, filters, campaign.template.channel)
    ids_sql, ids_params = recipients.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(Message)} (campaign_id, {kind.column}, text, state,"
            " provider_id, error, attempts, claimed_by, outcome, note)"
            " SELECT %s, r.id, REPLACE(REPLACE(%s, '{name}', r.name), '{place}', p.name), %s,"
            " '', '', 0, '', '', ''"
            f" FROM {table(recipients.model)} r JOIN {table(OrgUnit)} p ON p.id = r.{kind.model_place}"
            f" WHERE r.id IN ({ids_sql})",
            [campaign.pk, campaign.template.body, MessageState.QUEUED, *ids_params],
        )
        return cursor.rowcount


# --- phone calls ---------------------------------------------------------------------------------------


def _check_audience_ids(place: OrgUnit, filters: dict[str, Any]) -> None:
    """Every id the audience names is of this place (or below) and exists: refused, never dropped."""
    from qunfang.reporting.models import DataSet

    places = filters.get("places") or []
    if len(set(places)) != OrgUnit.objects.under(place).filter(pk__in=places).count():
        raise ValidationError({"audience": _("Choose places of this place's own.")})
    if (
        filters.get("kind") == "team"
        and not Team.objects.filter(under(place), pk=filters.get("team") or 0).exists()
    ):
        raise ValidationError({"audience": _("Choose a team of this place's own.")})
    if filters.get("kind") == "not_reported":
        data_set = DataSet.objects.filter(pk=filters.get("data_set") or 0, active=True).first()
        if data_set is None or data_set.reported_under(place) is None:
            raise ValidationError({"audience": _("Choose a report this place's stations send.")})
    callers = set(filters.get("callers") or [])
    if callers and len(callers) != len(_callers(place, list(callers))):
        raise ValidationError(
            {"callers": _("Choose who makes the calls: staff or grid workers of this place.")}
        )


def _callers(place: OrgUnit, ids: list[int] | None) -> list[User]:
    """The staff or grid workers of the place or below who make a phone campaign's calls."""
    callers = list(
        User.objects.filter(under(place, via="memberships__place"), pk__in=ids or [], is_active=True)
        .distinct()
        .order_by("pk")
    )
    if not callers:
        raise ValidationError(
            {"callers": _("Choose who makes the calls: staff or grid workers of this place.")}
        )
    return callers


def _share_calls(campaign: Campaign, callers: list[User]) -> None:
    """Split the call list among the callers in even, unbroken runs ordered by place, so that each
    caller phones neighbours (a grid worker her own buildings)."""
    ids = list(
        Message.objects.filter(campaign=campaign)
        .order_by("veteran__place__path", "volunteer__place__path", "station__path", "pk")
        .values_list("pk", flat=True)
    )
    for number, caller in enumerate(callers):
        share = ids[number * len(ids) // len(callers) : (number + 1) * len(ids) // len(callers)]
        Message.objects.filter(pk__in=share).update(caller=caller)


@service
def number_to_call(*, by: User, message: Message) -> str:
    """The full number of a call given to `by`, for dialling; the audit log keeps who saw it."""
    audit.record(
        by=by, action="campaign.reveal_number", place=message.campaign.place, target=message.campaign,
        after={"message": message.pk},
    )  # fmt: skip
    if message.station_id:
        return message.station.phone
    person = message.veteran or message.volunteer
    return person.phone.reveal() if person.phone else ""


# A call's outcome moves its message: reached is delivered, a wrong number failed, no answer back in
# the queue to call again, a reached person who needs help stays sent until followed up.
CALL_STATES = {
    CallOutcome.REACHED: MessageState.DELIVERED,
    CallOutcome.WRONG_NUMBER: MessageState.FAILED,
    CallOutcome.NO_ANSWER: MessageState.QUEUED,
    CallOutcome.FOLLOW_UP: MessageState.SENT,
}


@service
def record_call(*, by: User, message: Message, outcome: str, note: str = "") -> Message:
    """The caller marks how a call went. Only the message's caller (or a sender of the campaign's
    place) may; a call is recorded again if the caller phones a second time."""
    if outcome not in CALL_STATES:
        raise ValidationError({"outcome": _("Choose how the call went.")})
    if outcome in (CallOutcome.WRONG_NUMBER, CallOutcome.FOLLOW_UP) and not note.strip():
        raise ValidationError({"note": _("Say what was wrong or what help is needed.")})
    message = Message.objects.select_for_update().select_related("campaign").get(pk=message.pk)
    message.outcome, message.note = outcome, note.strip()[:300]
    message.state, message.attempts = CALL_STATES[outcome], message.attempts + 1
    message.updated_at = timezone.now()
    message.save(update_fields=["outcome", "note", "state", "attempts", "updated_at"])
    audit.record(
        by=by,
        action="campaign.call",
        place=message.campaign.place,
        target=message.campaign,
        after={"message": message.pk, "outcome": outcome},
    )
    _finish_if_done(message.campaign)
    return message


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
        refused, allowed = False, 0
        unwritten: list[Message] = []
        for position, message in enumerate(batch):
            if sender.rate and allowed == 0:
                allowed = take_from_rate(sender.provider, sender.rate, len(batch) - position)
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


# --- delivery receipts -----------------------------------------------------------------------------------

RECEIPTS_WITHIN = timedelta(days=3)  # providers keep receipts about this long
# At most this many messages asked about per channel and round (every five minutes): Aliyun is asked
# message by message, and its query has a rate of its own.
RECEIPTS_PER_ROUND = 1000
RECEIPTS_AFTER = timedelta(minutes=1)  # a handset's receipt takes a while: not asked about sooner


@in_steps(
    "each provider's receipts are settled as they come; one provider down must not hold back the others"
)
def collect_receipts(now: datetime | None = None) -> int:
    """Ask the providers that report delivery about the messages they took in the last days and have
    not reported on yet: each becomes delivered, or failed with the provider's reason. Asked once per
    channel, as some providers hand each receipt out once. Answers how many messages it settled."""
    settled = 0
    now = now or timezone.now()
    recent = Message.objects.filter(
        state=MessageState.SENT,
        campaign__started_at__gte=now - RECEIPTS_WITHIN,
        updated_at__lte=now - RECEIPTS_AFTER,
    ).select_related("campaign__template", *RECIPIENT_RELATIONS)
    channels = recent.values_list("campaign__template__channel", flat=True).distinct()
    for channel in list(channels):
        sender = backend(channel)
        if not hasattr(sender, "receipts"):
            continue
        waiting = list(
            recent.filter(campaign__template__channel=channel).order_by("updated_at")[:RECEIPTS_PER_ROUND]
        )
        try:
            found = sender.receipts([_outgoing(message.campaign, message) for message in waiting])
        except SendError:
            continue  # the provider is away: asked again on the next round
        settled += _apply_receipts(waiting, found)
    return settled


def _apply_receipts(waiting: list[Message], found: dict[str, Receipt]) -> int:
    now, settled = timezone.now(), []
    for message in waiting:
        receipt = found.get(f"qf{message.pk}")
        if receipt:
            message.state = MessageState.DELIVERED if receipt.delivered else MessageState.FAILED
            message.error, message.updated_at = receipt.error, now
            settled.append(message)
    Message.objects.bulk_update(settled, ["state", "error", "updated_at"], batch_size=500)
    # Those still without word go to the back of the line, so that the next round asks about others.
    unanswered = [message.pk for message in waiting if f"qf{message.pk}" not in found]
    Message.objects.filter(pk__in=unanswered).update(updated_at=now)
    return len(settled)


@service
def retry_failed(*, by: User | None, campaign: Campaign) -> int:
    """Queue the failed messages again and send them: one click for the bureau."""
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
            transaction.on_commit(lambda: send_campaign_task.enqueue(campaign.pk))
    return count
