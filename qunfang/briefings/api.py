"""Dashboards and briefings under /api/v1: a place's figures for a period (what the dashboard shows),
briefings drafted from them, edited, drafted again, made final, sent up and published; public notices
written and published. The same services and scoping as the pages."""

from datetime import date, datetime

from django.db.models import TextChoices
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.briefings import selectors, services
from qunfang.briefings.models import Briefing, Notice, NoticeKind
from qunfang.core.access import get_for, place_for
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.lib.apitypes import ERRORS, Day, Id, Pages, Text
from qunfang.mobilization.models import Deed

router = Router(tags=["briefings"])
VIEW, WRITE = Capability.VIEW_ACTIVITIES, Capability.WRITE_BRIEFINGS


class FiguresOut(Schema):
    place: str
    place_id: int
    start: date
    end: date
    bureau: bool
    figures: dict[str, dict] = Field(description="Each app's figures of the place and period, by app.")
    definitions: dict[str, dict] = Field(
        description="What each figure counts, by app and figure, and whether it is a running total."
    )


class SectionIO(Schema):
    heading: str
    text: str


class BriefingOut(Schema):
    id: int
    place_id: int
    start: date
    end: date
    title: str
    source: str
    author: str
    status: str
    sections: list[SectionIO]
    figures: dict
    submitted: bool
    published: bool

    @staticmethod
    def resolve_submitted(briefing: Briefing) -> bool:
        return briefing.submitted_at is not None

    @staticmethod
    def resolve_published(briefing: Briefing) -> bool:
        return briefing.published_at is not None


class BriefingLanguage(TextChoices):
    CHINESE = "zh-hans", "中文"
    ENGLISH = "en", "English"


class BriefingDraftIn(Schema):
    place_id: Id
    start: Day
    end: Day
    language: BriefingLanguage = BriefingLanguage.CHINESE
    author: Text = Field("", max_length=100)
    deed_ids: list[Id] = Field(default_factory=list, max_length=20)


class BriefingEdit(Schema):
    title: Text = Field(..., max_length=200)
    author: Text = Field("", max_length=100)
    sections: list[SectionIO] = Field(
        ...,
        min_length=1,
        max_length=50,
        description="as they are to stand; one without text is dropped",
    )


class BriefingStep(TextChoices):
    REDRAFT = "redraft", "draft again from the figures of now (a draft only)"
    FINALIZE = "finalize", "make final (frozen)"
    SUBMIT = "submit", "send to the level above"
    PUBLISH = "publish", "publish on the public page"


@router.get("/dashboard", response={200: FiguresOut, **ERRORS})
@reads_from_replica
def dashboard(request, place_id: Id, start: Day, end: Day):
    found = selectors.figures(request.scope, place_for(request, place_id, VIEW), start, end)
    plain = found.as_json()
    return {
        **{key: plain[key] for key in ("place", "place_id", "start", "end", "bureau")},
        "figures": {label: plain[label] for label in found.blocks},
        "definitions": found.definitions(),
    }


@router.get("/briefings", response={200: list[BriefingOut], **ERRORS})
@paginate(Pages)
def list_briefings(request, place_id: Id):
    return selectors.briefings(request.scope, place_for(request, place_id, VIEW))


@router.get("/briefings/{briefing_id}", response={200: BriefingOut, **ERRORS})
def get_briefing(request, briefing_id: Id):
    return get_for(request.scope, Briefing.objects.all(), VIEW, pk=briefing_id)


@router.post("/briefings", response={201: BriefingOut, **ERRORS})
def draft_briefing(request, data: BriefingDraftIn):
    place = place_for(request, data.place_id, WRITE)
    deeds = list(Deed.objects.visible_to(request.scope, VIEW).filter(pk__in=data.deed_ids))
    if len(deeds) != len(set(data.deed_ids)):  # an id one may not reach is refused, never dropped
        raise Http404
    briefing = services.draft_briefing(
        by=request.auth,
        place=place,
        start=data.start,
        end=data.end,
        deeds=deeds,
        language=data.language,
        author=data.author,
    )
    return Status(201, briefing)


@router.patch("/briefings/{briefing_id}", response={200: BriefingOut, **ERRORS})
def edit_briefing(request, briefing_id: Id, data: BriefingEdit):
    """The title, author line and sections as edited; a final briefing is refused (422)."""
    briefing = get_for(request.scope, Briefing.objects.select_related("place"), WRITE, pk=briefing_id)
    return services.edit_briefing(
        by=request.auth,
        briefing=briefing,
        title=data.title,
        author=data.author,
        sections=[section.dict() for section in data.sections],
    )


@router.post("/briefings/{briefing_id}/{action}", response={200: BriefingOut, **ERRORS})
def briefing_step(request, briefing_id: Id, action: BriefingStep):
    briefing = get_for(request.scope, Briefing.objects.select_related("place"), WRITE, pk=briefing_id)
    if action == BriefingStep.REDRAFT:
        return services.redraft_briefing(by=request.auth, briefing=briefing)
    service = {
        "finalize": services.finalize_briefing,
        "submit": services.submit_briefing,
        "publish": services.publish_briefing,
    }[action]
    return service(by=request.auth, briefing=briefing)


# --- public notices ------------------------------------------------------------------------------------


class PublicNoticeIn(Schema):
    place_id: Id
    kind: NoticeKind = NoticeKind.OPEN_LETTER
    title: Text = Field(..., max_length=200)
    body: Text = Field(..., max_length=50000)
    signed: Text = Field("", max_length=100, description="who signs it; the place's name when left out")


class PublicNoticeOut(Schema):
    id: int
    place_id: int
    kind: NoticeKind
    title: str
    body: str
    signed: str
    created_at: datetime
    published: bool

    @staticmethod
    def resolve_published(notice: Notice) -> bool:
        return notice.published_at is not None


@router.get("/notices", response={200: list[PublicNoticeOut], **ERRORS})
@paginate(Pages)
def list_notices(request, place_id: Id):
    return selectors.notices(request.scope, place_for(request, place_id, VIEW))


@router.post("/notices", response={201: PublicNoticeOut, **ERRORS})
def save_notice(request, data: PublicNoticeIn):
    """A notice saved as a draft; it reaches the public page when published."""
    place = place_for(request, data.place_id, WRITE)
    notice = services.save_notice(
        by=request.auth,
        place=place,
        kind=data.kind,
        title=data.title,
        body=data.body,
        signed=data.signed or place.name,
    )
    return Status(201, notice)


@router.post("/notices/{notice_id}/publish", response={200: PublicNoticeOut, **ERRORS})
def publish_notice(request, notice_id: Id):
    notice = get_for(request.scope, Notice.objects.select_related("place"), WRITE, pk=notice_id)
    return services.publish_notice(by=request.auth, notice=notice)
