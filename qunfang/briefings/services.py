"""Every write of briefings and notices: a draft written from the kept figures (and the deeds the user
picked), edited, made final (frozen with the figures it quoted), submitted to the level above,
published on the place's public page; notices drafted and published."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qunfang.briefings import selectors, writing
from qunfang.briefings.models import Briefing, BriefingStatus, Notice
from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import service

LONGEST_PERIOD_DAYS = 366


@service
def draft_briefing(
    *,
    by: User,
    place: OrgUnit,
    start: date,
    end: date,
    deeds=(),
    language: str = "zh-hans",
    author: str = "",
    briefing: Briefing | None = None,
) -> Briefing:
    """A draft briefing of the place and period, every figure read from the kept totals as `by` may see
    them; a draft written again takes the figures of now (a final one cannot be)."""
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if (end - start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError({"end": _("A briefing covers a year at most.")})
    if briefing is not None and briefing.final:
        raise ValidationError(_("A final briefing cannot be written again."))
    deeds = list(deeds)
    if any(not deed.place.path.startswith(place.path) for deed in deeds):
        raise ValidationError({"deeds": _("Pick deeds of this place.")})
    with translation.override(language):  # the figures carry the activities' names in it too
        found = selectors.figures(Scope.for_user(by), place, start, end)
        briefing = briefing or Briefing(place=place, created_by=audit.acting_user(by))
        briefing.start, briefing.end, briefing.language = start, end, language
        briefing.title = writing.title(place.name, start, end)[:200]
        briefing.source = str(place.issuing_body)[:100]  # the issuing body, as a bureau signs
        briefing.author = author.strip()[:100]
        briefing.sections = writing.sections(found, deeds)
        briefing.figures = found.as_json()
        briefing.save()
    briefing.deeds.set(deeds)
    audit.record(by=by, action="briefing.draft", place=place, target=briefing)
    return briefing


@service
def redraft_briefing(*, by: User, briefing: Briefing) -> Briefing:
    """The draft written again from the figures of now, for its own place, period, deeds, language and
    author."""
    return draft_briefing(
        by=by,
        place=briefing.place,
        start=briefing.start,
        end=briefing.end,
        deeds=briefing.deeds.all(),
        language=briefing.language,
        author=briefing.author,
        briefing=briefing,
    )


@service
def edit_briefing(*, by: User, briefing: Briefing, title: str, author: str, sections: list[dict]) -> Briefing:
    if briefing.final:
        raise ValidationError(_("A final briefing cannot be changed."))
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    kept = [
        {"heading": s["heading"].strip()[:200], "text": s["text"].strip()}
        for s in sections
        if s["text"].strip()
    ]
    if not kept:
        raise ValidationError(_("A briefing needs at least one section with text."))
    briefing.title, briefing.author, briefing.sections = title.strip()[:200], author.strip()[:100], kept
    briefing.save(update_fields=["title", "author", "sections"])
    audit.record(by=by, action="briefing.edit", place=briefing.place, target=briefing)
    return briefing


@service
def finalize_briefing(*, by: User, briefing: Briefing) -> Briefing:
    """Frozen from now on: its text and the figures it quoted stay as they are."""
    if not briefing.final:
        briefing.status, briefing.finalized_at = BriefingStatus.FINAL, timezone.now()
        briefing.save(update_fields=["status", "finalized_at"])
        audit.record(by=by, action="briefing.finalize", place=briefing.place, target=briefing)
    return briefing


def _final(briefing: Briefing) -> None:
    if not briefing.final:
        raise ValidationError(_("Make the briefing final first: only a final briefing is sent or published."))


@service
def submit_briefing(*, by: User, briefing: Briefing) -> Briefing:
    """Sent to the level above, which sees it among its children's."""
    _final(briefing)
    if briefing.place.parent_id is None:
        raise ValidationError(_("This place has no level above it."))
    if briefing.submitted_at is None:
        briefing.submitted_at = timezone.now()
        briefing.save(update_fields=["submitted_at"])
        audit.record(by=by, action="briefing.submit", place=briefing.place, target=briefing)
    return briefing


@service
def publish_briefing(*, by: User, briefing: Briefing) -> Briefing:
    _final(briefing)
    if briefing.published_at is None:
        briefing.published_at = timezone.now()
        briefing.save(update_fields=["published_at"])
        audit.record(by=by, action="briefing.publish", place=briefing.place, target=briefing)
    return briefing


@service
def save_notice(
    *,
    by: User | None,
    place: OrgUnit,
    kind: str,
    title: str,
    body: str,
    signed: str,
    notice: Notice | None = None,
) -> Notice:
    if notice is not None and notice.published_at:
        raise ValidationError(_("A published notice cannot be changed."))
    for field, value, message in (
        ("title", title, _("Enter the title.")),
        ("body", body, _("Enter the text.")),
        ("signed", signed, _("Say who signs it.")),
    ):
        if not value.strip():
            raise ValidationError({field: message})
    notice = notice or Notice(place=place, created_by=audit.acting_user(by))
    notice.kind, notice.title, notice.body, notice.signed = (
        kind,
        title.strip()[:200],
        body.strip(),
        signed.strip()[:100],
    )
    notice.full_clean(exclude=["place", "created_by"])
    notice.save()
    audit.record(by=by, action="notice.save", place=place, target=notice)
    return notice


@service
def publish_notice(*, by: User | None, notice: Notice) -> Notice:
    if notice.published_at is None:
        notice.published_at = timezone.now()
        notice.save(update_fields=["published_at"])
        audit.record(by=by, action="notice.publish", place=notice.place, target=notice)
    return notice
