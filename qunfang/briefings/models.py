"""Work briefings (工作简报) written from the kept figures, and public notices (倡议书, open letters).

A briefing is a draft until it is made final: then its text and the figures it quoted are frozen, so a
later correction of a record does not silently change what was sent upward or published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class Briefing(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    language = models.CharField(max_length=8, default="zh-hans")
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source line"), max_length=100)
    author = models.CharField(_("author line"), max_length=100, blank=True)
    sections = models.JSONField(default=list)  # [{"heading": …, "text": …}], as the user edited them
    figures = models.JSONField(default=dict)  # every figure the text quoted, as it was when written
    deeds = models.ManyToManyField("mobilization.Deed", blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)  # sent to the level above
    published_at = models.DateTimeField(null=True, blank=True)  # on the place's public page

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work briefing")
        ordering = ["-end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="briefing_period")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def final(self) -> bool:
        return self.status == BriefingStatus.FINAL


class NoticeKind(models.TextChoices):
    OPEN_LETTER = "open_letter", _("Open letter")
    APPEAL = "appeal", _("Appeal")
    NOTICE = "notice", _("Notice")


class Notice(models.Model):
    """An open letter or appeal to the public (倡议书), shown on the place's public page once published."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=12, choices=NoticeKind.choices, default=NoticeKind.OPEN_LETTER
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    signed = models.CharField(_("signed"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public notice")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
