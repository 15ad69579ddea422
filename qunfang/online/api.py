"""Services online under /api/v1/online (staff: the review queue, applications, approve or return,
documents, the bureau's services defined and changed) and /api/v1/my/online (the veteran signed in
with a code: the services offered where they live, applying with photos, their applications, sending a
returned one again, withdrawing). The same services and scoping as the pages."""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from qunfang.core.access import get_for, place_for
from qunfang.lib.apitypes import ERRORS, Id, Pages, Text
from qunfang.lib.uploads import upload_response
from qunfang.online import selectors, services
from qunfang.online.capabilities import Online
from qunfang.online.models import Application, ApplicationState, Document, OnlineService
from qunfang.portal.access import own
from qunfang.portal.api import VisitorAuth

router = Router(tags=["online"])
veteran_router = Router(auth=VisitorAuth(), tags=["online (the veteran's own)"])
VIEW, REVIEW, DEFINE = Online.VIEW, Online.REVIEW, Online.DEFINE


class OnlineStepOut(Schema):
    taken: str
    step: int
    place: str
    reason: str
    at: datetime

    @staticmethod
    def resolve_place(step) -> str:
        return step.place.name


class OnlineDocumentOut(Schema):
    id: int
    label: str
    name: str
    size: int


class OnlineApplicationOut(Schema):
    id: int
    service_id: int
    service: str
    veteran_id: int
    veteran: str
    state: str
    step: int
    waiting_at_id: int | None
    due: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_service(application: Application) -> str:
        return application.service.name

    @staticmethod
    def resolve_veteran(application: Application) -> str:
        return application.veteran.name

    @staticmethod
    def resolve_waiting_at_id(application: Application) -> int | None:
        return application.at_id if application.state == ApplicationState.UNDER_REVIEW else None

    @staticmethod
    def resolve_due(application: Application) -> datetime | None:
        return application.step_due if application.state == ApplicationState.UNDER_REVIEW else None


class OnlineApplicationDetailOut(OnlineApplicationOut):
    answers: dict[str, str]
    documents: list[OnlineDocumentOut]
    steps: list[OnlineStepOut]

    @staticmethod
    def resolve_documents(application: Application) -> list:
        return list(selectors.documents(application))

    @staticmethod
    def resolve_steps(application: Application) -> list:
        return list(selectors.steps(application))


class OnlineFieldIn(Schema):
    label: Text = Field(..., max_length=60)
    kind: str = Field("text", max_length=10, description="text, number, date or choice")
    required: bool = False
    options: list[Text] = Field(default_factory=list, max_length=30)


class OnlineDocumentIn(Schema):
    label: Text = Field(..., max_length=60)
    required: bool = False


class OnlinePathStepIn(Schema):
    level: str = Field(..., max_length=10, description="village, town, district, city or province")
    kind: str = Field(..., max_length=10, description="check, review, make_card, sign_for or hand_out")
    days: int = Field(..., ge=1, le=365)


class OnlineServiceIn(Schema):
    name: Text = Field(..., max_length=60)
    purpose: Text = Field("", max_length=300)
    is_open: bool = True
    fields: list[OnlineFieldIn] = Field(default_factory=list, max_length=20)
    documents: list[OnlineDocumentIn] = Field(default_factory=list, max_length=10)
    path: list[OnlinePathStepIn] = Field(..., max_length=12)


class OnlineNewServiceIn(OnlineServiceIn):
    place_id: Id


class OnlineServiceOut(Schema):
    id: int
    place_id: int
    name: str
    purpose: str
    is_open: bool
    fields: list[dict]
    documents: list[dict]
    path: list[dict]


class OnlineReviewIn(Schema):
    step: int = Field(..., ge=0, le=100, description="the step the application is at, as read")


class OnlineReturnIn(OnlineReviewIn):
    reason: Text = Field(..., max_length=500)


def _application(request, online_application_id: int) -> Application:
    return get_for(request.scope, selectors.application_query(), VIEW, pk=online_application_id)


def _reviewable(request, online_application_id: int) -> Application:
    application = _application(request, online_application_id)
    if not request.scope.allows(REVIEW, application.at):
        raise Http404  # as for an application the person cannot see: no hint
    return application


@router.get("/online/queue", response={200: list[OnlineApplicationOut], **ERRORS})
@paginate(Pages)
def queue(request, place_id: Id):
    """What waits on the place's review, the oldest deadline (the late ones) first."""
    return selectors.queue(request.scope, place_for(request, place_id, VIEW))


@router.get("/online/applications", response={200: list[OnlineApplicationOut], **ERRORS})
@paginate(Pages)
def list_applications(request, place_id: Id, state: ApplicationState | None = None):
    return selectors.applications(request.scope, place_for(request, place_id, VIEW), state or "")


@router.get(
    "/online/applications/{online_application_id}", response={200: OnlineApplicationDetailOut, **ERRORS}
)
def application_detail(request, online_application_id: Id):
    return _application(request, online_application_id)


@router.post(
    "/online/applications/{online_application_id}/approve",
    response={200: OnlineApplicationDetailOut, **ERRORS},
)
def approve(request, online_application_id: Id, data: OnlineReviewIn):
    application = _reviewable(request, online_application_id)
    return services.approve(by=request.auth, application=application, step=data.step)


@router.post(
    "/online/applications/{online_application_id}/return",
    response={200: OnlineApplicationDetailOut, **ERRORS},
)
def return_application(request, online_application_id: Id, data: OnlineReturnIn):
    application = _reviewable(request, online_application_id)
    return services.return_to_veteran(
        by=request.auth, application=application, reason=data.reason, step=data.step
    )


@router.get("/online/documents/{online_document_id}", response={200: None, **ERRORS})
def document(request, online_document_id: Id):
    """The photo itself (an image)."""
    found = get_for(request.scope, Document.objects.all(), VIEW, pk=online_document_id)
    try:
        return upload_response(found.file, filename=found.name or "photo.jpg")
    except FileNotFoundError:
        raise Http404 from None


@router.get("/online/services", response={200: list[OnlineServiceOut], **ERRORS})
def list_services(request, place_id: Id):
    """The services the place's veterans may be offered: the place's own and those of the bureaus above."""
    return list(selectors.services_at(place_for(request, place_id, VIEW)))


def _definition(data: OnlineServiceIn) -> dict:
    return data.dict(include={"name", "purpose", "is_open", "fields", "documents", "path"})


@router.post("/online/services", response={201: OnlineServiceOut, **ERRORS})
def define_service(request, data: OnlineNewServiceIn):
    place = place_for(request, data.place_id, DEFINE)
    return Status(201, services.define_service(by=request.auth, place=place, **_definition(data)))


@router.post("/online/services/{online_service_id}", response={200: OnlineServiceOut, **ERRORS})
def change_service(request, online_service_id: Id, data: OnlineServiceIn):
    found = get_for(
        request.scope, OnlineService.objects.select_related("place"), DEFINE, pk=online_service_id
    )
    return services.change_service(by=request.auth, service=found, **_definition(data))


# --- the veteran's own (portal sign-in) --------------------------------------------------------------


def _posted(request, service: OnlineService) -> tuple[dict, dict]:
    """The answers (a JSON object in the form field `answers`) and the photos (a file part per document,
    named by the document's label) of a multipart request."""
    try:
        answers = json.loads(request.POST.get("answers") or "{}")
    except ValueError:
        raise ValidationError(
            {"answers": _("Give the answers as a JSON object by the fields' labels.")}
        ) from None
    return answers, {label: request.FILES[label] for label in request.FILES}


@veteran_router.get("/services", response={200: list[OnlineServiceOut], **ERRORS})
def my_services(request):
    """The services offered online where the veteran the phone acts for lives."""
    return list(selectors.offered_to(request.auth.veteran))


@veteran_router.post(
    "/services/{online_service_id}/applications", response={201: OnlineApplicationDetailOut, **ERRORS}
)
def my_apply(request, online_service_id: Id):
    """An application as multipart: `answers` (a JSON object by field label) and a photo per document,
    the file part named by the document's label."""
    visitor = request.auth
    found = selectors.offered_to(visitor.veteran).filter(pk=online_service_id).first()
    if found is None:
        raise Http404
    answers, photos = _posted(request, found)
    made = services.apply(by=visitor, veteran=visitor.veteran, service=found, answers=answers, photos=photos)
    return Status(201, made)


@veteran_router.get("/applications", response={200: list[OnlineApplicationOut], **ERRORS})
def my_applications(request):
    return list(selectors.of_veteran(request.auth.veteran))


@veteran_router.get(
    "/applications/{online_application_id}", response={200: OnlineApplicationDetailOut, **ERRORS}
)
def my_application(request, online_application_id: Id):
    return own(request.auth, selectors.application_query(), pk=online_application_id)


@veteran_router.post(
    "/applications/{online_application_id}/send-again", response={200: OnlineApplicationDetailOut, **ERRORS}
)
def my_send_again(request, online_application_id: Id):
    """A returned application amended and sent again: multipart as for applying; a document held
    already need not be sent again."""
    application = own(request.auth, selectors.application_query(), pk=online_application_id)
    answers, photos = _posted(request, application.service)
    return services.send_again(by=request.auth, application=application, answers=answers, photos=photos)


@veteran_router.post(
    "/applications/{online_application_id}/withdraw", response={200: OnlineApplicationDetailOut, **ERRORS}
)
def my_withdraw(request, online_application_id: Id):
    application = own(request.auth, selectors.application_query(), pk=online_application_id)
    return services.withdraw(by=request.auth, application=application)
