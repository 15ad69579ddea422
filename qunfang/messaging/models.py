"""Campaigns of messages to chosen veterans: a template, an audience saved with the campaign, and one
message row per recipient, made when the campaign starts (the list is frozen then) and unique per
campaign and veteran, so that nobody ever gets the same campaign twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class Channel(models.TextChoices):
    CONSOLE = "console", _("Console (test)")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom work group")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone calls by staff")


class Template(models.Model):
    """A text with variables ({name}, {place}) for one channel. An SMS template is used only once the
    provider has approved it; the bureau marks it so, with the provider's template code. For phone
    calls it is the script the callers read."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.SMS)
    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(_("text"), max_length=1000)
    approved = models.BooleanField(_("approved for use"), default=False)
    provider_code = models.CharField(_("provider's template code"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")


class Campaign(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=100)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="campaigns")
    # Who it goes to, as chosen (see services.AUDIENCES): {"kind": "veterans", "places": [ids], "category":
    # "", "tag": ""}, {"kind": "team", "team": id} or {"kind": "not_reported", "data_set": id, "day": ""};
    # for phone calls also {"callers": [user ids]}. Frozen into messages when the campaign starts.
    audience = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    recipients = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)  # when scheduled
    # Why a scheduled start did not happen (the template withdrawn, nobody left in the audience).
    problem = models.CharField(max_length=300, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    FOLLOW_UP = "follow_up", _("Needs follow-up")


class Message(models.Model):
    """One recipient's message of a campaign: a veteran, a volunteer or a station (exactly one)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    veteran = models.ForeignKey("registry.Veteran", null=True, on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        "mobilization.Volunteer", null=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    state = models.CharField(max_length=12, choices=MessageState.choices, default=MessageState.QUEUED)
    provider_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The worker process sending it ("host:pid"), so that a message left by a killed worker is told
    # from one a live worker is sending.
    claimed_by = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Phone campaigns: who makes the call, and how it went.
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=CallOutcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            # The idempotency key: one message per campaign and recipient, whatever happens.
            models.UniqueConstraint(fields=["campaign", "veteran"], name="one_message_per_recipient"),
            models.UniqueConstraint(fields=["campaign", "volunteer"], name="one_message_per_volunteer"),
            models.UniqueConstraint(fields=["campaign", "station"], name="one_message_per_station"),
            models.CheckConstraint(
                condition=(
                    models.Q(veteran__isnull=False, volunteer__isnull=True, station__isnull=True)
                    | models.Q(veteran__isnull=True, volunteer__isnull=False, station__isnull=True)
                    | models.Q(veteran__isnull=True, volunteer__isnull=True, station__isnull=False)
                ),
                name="message_has_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "state"], name="message_progress"),
            models.Index(fields=["campaign", "caller"], name="message_calls"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pk} {self.state}"

    @property
    def recipient(self):
        return self.veteran or self.volunteer or self.station


class ProviderWindow(models.Model):
    """How many messages went to a provider in its current window of time: the rate limit that all the
    workers share (a row lock makes them take turns)."""

    provider = models.CharField(max_length=20, primary_key=True)
    window = models.BigIntegerField(default=0)  # the window's number since the epoch
    used = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.provider}: {self.used} in window {self.window}"


class AudienceKind(models.TextChoices):
    VETERANS = "veterans", _("Veterans")
    VOLUNTEERS = "volunteers", _("Volunteers")
    STATIONS = "stations", _("Service stations")


class OutsideCampaign(models.Model):
    """A campaign the place sent through another platform (the reports' 企信通, a provider's own
    console) before Qunfang or beside it: what it says it sent, on which day, with its receipt. The
    figures quote it like the place's own campaigns, and say that it was sent elsewhere."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    day = models.DateField(_("day sent"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    audience = models.CharField(_("sent to"), max_length=12, choices=AudienceKind.choices)
    platform = models.CharField(_("platform"), max_length=60)
    sent = models.PositiveIntegerField(_("messages sent"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The platform's receipt (its report of what went out), under MEDIA_ROOT; saved whole or not at all.
    receipt = models.CharField(max_length=200, blank=True)
    receipt_name = models.CharField(max_length=200, blank=True)
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(sent__gt=0), name="outside_campaign_sent")]

    def __str__(self) -> str:
        return f"{self.platform} {self.day}: {self.sent}"
