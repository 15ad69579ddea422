"""Campaigns created, started, scheduled and retried; a phone campaign's calls shared among its callers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import in_steps, service
from qunfang.messaging.models import Campaign, CampaignStatus, Channel, Message, MessageState, Template
from qunfang.messaging.services.audiences import AUDIENCES, _callers, _check_audience_ids, _freeze, audience
from qunfang.messaging.services.sending import queue_sending
from qunfang.messaging.services.templates import check_body


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
            transaction.on_commit(lambda: queue_sending(campaign.pk))
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
            transaction.on_commit(lambda: queue_sending(campaign.pk))
    return count
