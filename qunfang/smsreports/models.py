"""Reports by SMS: the phones a station reports from, the words a report is written in (set by a
bureau for the stations under it), and every inbound message with what became of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.core.personal import PHONE, BlindIndexField, ProtectedField


class RegisteredPhone(models.Model):
    """A mobile a station reports from. One number belongs to one station at a time: retired, it may
    be registered again (the same place or another)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    phone = ProtectedField(_("mobile"), kind=PHONE)
    phone_index = BlindIndexField(source="phone")
    holder = models.CharField(_("who holds it"), max_length=50, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("registered phone")
        verbose_name_plural = _("registered phones")
        ordering = ["place__path", "-active", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"], condition=Q(active=True), name="one_station_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.holder}".strip()


class Keyword(models.Model):
    """The word (and its aliases: pinyin initials, short forms) a bureau's stations write for one part
    of a report by SMS: a data set ("report:<code>", 日报), one of its fields ("field:<set>:<code>", 发热),
    the day's work ("work", 工作) or an activity ("activity:<code>", 体温). A station uses the words of
    its nearest place above that set them, else the defaults (keywords.py)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("bureau"))
    target = models.CharField(max_length=130)
    word = models.CharField(_("word"), max_length=20)
    aliases = models.CharField(_("aliases"), max_length=100, blank=True)  # space-separated, lower case
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS keyword")
        verbose_name_plural = _("SMS keywords")
        ordering = ["place__path", "target"]
        constraints = [models.UniqueConstraint(fields=["place", "target"], name="one_keyword_per_target")]

    def __str__(self) -> str:
        return self.word


class Outcome(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("sms outcome", "Recorded")
    CORRECTED = "corrected", pgettext_lazy("sms outcome", "Corrected")  # it replaced the period's report
    REFUSED = "refused", pgettext_lazy("sms outcome", "Refused")
    UNREGISTERED = "unregistered", pgettext_lazy("sms outcome", "Unregistered number")
    DUPLICATE = "duplicate", pgettext_lazy("sms outcome", "Duplicate")  # the provider delivered it again
    OUTDATED = "outdated", pgettext_lazy("sms outcome", "Outdated")  # sent before one already recorded


class Provider(models.TextChoices):
    ALIYUN = "aliyun", _("Aliyun")
    TENCENT = "tencent", _("Tencent Cloud")
    FAKE = "fake", _("Test gateway")


class InboundMessage(models.Model):
    """One message a provider handed us, kept with what became of it. The provider's id is unique per
    provider but for the duplicates, which point at the first delivery and record nothing."""

    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices)
    message_id = models.CharField(_("provider's message id"), max_length=80)
    # Where it belongs: the registered phone's station; a number not registered is kept at the place
    # owning the provider account (settings.SMS_INBOUND_PLACE), so that no station sees another's.
    place = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(RegisteredPhone, null=True, on_delete=models.SET_NULL, related_name="+")
    phone = ProtectedField(_("from"), kind=PHONE, null=True)  # None: not a mobile number
    phone_index = BlindIndexField(source="phone")
    text = models.CharField(_("text"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"), null=True)  # the provider's word, when it is plausible
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    report = models.ForeignKey("reporting.Report", null=True, on_delete=models.SET_NULL, related_name="+")
    activity = models.ForeignKey(
        "mobilization.ActivityRecord", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="+")
    reply = models.CharField(_("reply"), max_length=300, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "message_id"],
                condition=~Q(outcome="duplicate"),
                name="one_message_per_provider_id",
            )
        ]
        indexes = [
            models.Index(fields=["place", "outcome"], name="inbound_by_outcome"),
            models.Index(fields=["report", "sent_at"], name="inbound_of_a_report"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.message_id}"


class PullCursor(models.Model):
    """How far a pull of a provider's inbound messages has come (Tencent's PullSmsReplyStatus hands
    each reply out once; the time of the last one taken guards against a provider handing one again)."""

    provider = models.CharField(max_length=8, unique=True)
    last_time = models.BigIntegerField(default=0)  # the provider's Unix time of the last reply taken
    taken = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.provider} {self.last_time}"
