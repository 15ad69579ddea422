"""Writes of services online: a bureau defines its services (fields, documents, review path) and opens
or closes them; a veteran applies (answers and photos), amends and sends again what was returned, or
withdraws; the place at each step approves (on to the next step's place, done after the last) or
returns with a reason. Each is one transaction with its audit entry and kept totals, and the veteran
is told by SMS after it commits; a refused call writes nothing (nor leaves a file behind)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import Level, OrgUnit, User
from qunfang.core.writes import service
from qunfang.lib.uploads import delete_upload, is_image, save_upload
from qunfang.online import definitions, totals
from qunfang.online.capabilities import Online
from qunfang.online.models import (
    Application,
    ApplicationState,
    ApplicationStep,
    Document,
    OnlineService,
    Taken,
)
from qunfang.portal.notify import tell
from qunfang.registry.models import Status, Veteran

BUREAU_LEVELS = (Level.PROVINCE, Level.CITY, Level.DISTRICT)
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
PHOTO_MAX_BYTES = 10 * 1024 * 1024
NOT_AN_IMAGE = gettext_noop("“%(label)s” must be a photo: a JPEG, PNG, WebP or HEIC image.")


# --- the bureau's services ------------------------------------------------------------------------------


@service
def define_service(
    *,
    by: User | None,
    place: OrgUnit,
    name: str,
    purpose: str = "",
    fields=(),
    documents=(),
    path=(),
    is_open: bool = True,
) -> OnlineService:
    """A service the bureau of `place` (a district or above) offers online to the veterans under it."""
    if place.level not in BUREAU_LEVELS:
        raise ValidationError(_("Services are defined by a bureau: a district or above."))
    facts = _definition(name, purpose, fields, documents, path)
    if OnlineService.objects.filter(place=place, name=facts["name"]).exists():
        raise ValidationError({"name": _("The bureau has a service of that name already.")})
    found = OnlineService.objects.create(place=place, is_open=bool(is_open), **facts)
    audit.record(
        by=by,
        action="online_service.create",
        place=place,
        target=found,
        after={"name": found.name, "steps": len(found.path)},
    )
    return found


def _definition(name, purpose, fields, documents, path) -> dict:
    return {
        "name": definitions.clean_text(name, "name", 60, required=True, what=_("Name the service.")),
        "purpose": definitions.clean_text(purpose, "purpose", 300),
        "fields": definitions.clean_fields(list(fields) if isinstance(fields, tuple) else fields),
        "documents": definitions.clean_documents(
            list(documents) if isinstance(documents, tuple) else documents
        ),
        "path": definitions.clean_path(list(path) if isinstance(path, tuple) else path),
    }


@service
def change_service(
    *,
    by: User | None,
    service: OnlineService,
    name: str,
    purpose: str = "",
    fields=(),
    documents=(),
    path=(),
    is_open: bool = True,
) -> OnlineService:
    """The service's definition changed; applications under way keep to the steps they are at (a path
    made shorter ends them at its new last step)."""
    found = OnlineService.objects.select_for_update().get(pk=service.pk)
    facts = _definition(name, purpose, fields, documents, path)
    if (
        OnlineService.objects.filter(place_id=found.place_id, name=facts["name"])
        .exclude(pk=found.pk)
        .exists()
    ):
        raise ValidationError({"name": _("The bureau has a service of that name already.")})
    before = {"name": found.name, "open": found.is_open, "steps": len(found.path)}
    for key, value in facts.items():
        setattr(found, key, value)
    found.is_open = bool(is_open)
    found.save()
    audit.record(
        by=by,
        action="online_service.update",
        place=found.place,
        target=found,
        before=before,
        after={"name": found.name, "open": found.is_open, "steps": len(found.path)},
    )
    return found


# --- the veteran's side ---------------------------------------------------------------------------------


def _photo(label: str, upload) -> None:
    if not (upload.name or "").lower().endswith(PHOTO_TYPES) or upload.size == 0:
        raise ValidationError({"documents": _(NOT_AN_IMAGE) % {"label": label}})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"documents": _("“%(label)s” may be 10 MB at most.") % {"label": label}})
    if not is_image(upload):
        raise ValidationError({"documents": _(NOT_AN_IMAGE) % {"label": label}})


def _check_photos(service: OnlineService, photos: dict, held: set[str]) -> None:
    """Every photo is one the service asks for and an image; every required one is given or held."""
    labels = {document["label"] for document in service.documents}
    for label, upload in photos.items():
        if label not in labels:
            raise ValidationError(
                {
                    "documents": _("This service asks for no document “%(label)s”.")
                    % {"label": str(label)[:60]}
                }
            )
        _photo(label, upload)
    for document in service.documents:
        if document["required"] and document["label"] not in photos and document["label"] not in held:
            raise ValidationError(
                {"documents": _("Add a photo of “%(label)s”.") % {"label": document["label"]}}
            )


def _keep_photos(application: Application, photos: dict, saved: list[str]) -> None:
    for label, upload in photos.items():
        relative = save_upload(upload, "online")
        saved.append(relative)
        application.documents.filter(label=label, current=True).update(current=False)
        Document.objects.create(
            application=application,
            label=label,
            file=relative,
            name=(upload.name or "")[-200:],
            size=upload.size,
        )


def _own(by, veteran: Veteran) -> None:
    """A visitor applies only for the people of their own phone (portal/access.py)."""
    if by is not None and not isinstance(by, User) and veteran.pk not in by.veteran_ids:
        raise ValidationError(_("You may apply only for yourself or the veterans your phone acts for."))


def _step_taken(
    application: Application,
    taken: str,
    *,
    by,
    place: OrgUnit,
    now: datetime,
    reason: str = "",
    finished: bool = False,
) -> ApplicationStep:
    step = ApplicationStep.objects.create(
        application=application,
        taken=taken,
        step=application.step,
        place=place,
        by=audit.acting_user(by),
        reason=reason,
        finished=finished,
        day=timezone.localdate(now),
        at=now,
    )
    totals.count_step(step)
    return step


def _arrive(application: Application, now: datetime) -> None:
    """The application waits at its step's place, with the step's deadline from now."""
    step = application.current_step
    application.at = definitions.acting_place(application.place, step["level"])
    application.step_since, application.step_due = now, now + timedelta(days=step["days"])


def _tell(veteran: Veteran, message: str, values: dict) -> None:
    with translation.override("zh-hans"):
        tell(veteran, _(message) % values, topic="online")


@service
def apply(
    *,
    by,
    veteran: Veteran,
    service: OnlineService,
    answers: dict,
    photos: dict | None = None,
    now: datetime | None = None,
) -> Application:
    """A veteran's application (by the visitor of their phone, or staff for them): the answers read
    against the service's fields, the photos kept; it waits at the first step's place."""
    now = now or timezone.now()
    photos = photos or {}
    _own(by, veteran)
    veteran = Veteran.objects.select_related("place").get(pk=veteran.pk)
    if veteran.status != Status.ACTIVE:
        raise ValidationError(_("This person is no longer on the roll here."))
    if not service.is_open or not veteran.place.path.startswith(service.place.path):
        raise ValidationError({"service": _("This service is not offered online where the veteran lives.")})
    answers = definitions.clean_answers(service.fields, answers)
    _check_photos(service, photos, set())
    application = Application(
        service=service, veteran=veteran, place=veteran.place, answers=answers, created_at=now
    )
    _arrive(application, now)
    saved: list[str] = []
    try:  # should the rows not be written after all, the files go with them
        application.save()
        _keep_photos(application, photos, saved)
        _step_taken(application, Taken.SENT, by=by, place=veteran.place, now=now)
        audit.record(
            by=by,
            action="online_application.create",
            place=veteran.place,
            target=application,
            after={"service": service.name, "to": application.at.name},
        )
    except BaseException:
        for relative in saved:
            delete_upload(relative)
        raise
    _tell(
        veteran,
        gettext_noop("Qunfang: your application for “%(service)s” was received; %(place)s is handling it."),
        {"service": service.name, "place": application.at.name},
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "veteran", "place", "at")
        .get(pk=application.pk)
    )


@service
def send_again(
    *, by, application: Application, answers: dict, photos: dict | None = None, now: datetime | None = None
) -> Application:
    """A returned application amended (answers, photos) and sent back to the step that returned it."""
    now = now or timezone.now()
    photos = photos or {}
    application = _locked(application)
    _own(by, application.veteran)
    if application.state != ApplicationState.RETURNED:
        raise ValidationError(_("Only a returned application is amended and sent again."))
    held = set(application.documents.filter(current=True).values_list("label", flat=True))
    application.answers = definitions.clean_answers(application.service.fields, answers)
    _check_photos(application.service, photos, held)
    saved: list[str] = []
    try:
        _keep_photos(application, photos, saved)
        application.state = ApplicationState.UNDER_REVIEW
        _arrive(application, now)
        application.save()
        _step_taken(application, Taken.SENT_AGAIN, by=by, place=application.place, now=now)
        audit.record(
            by=by,
            action="online_application.send_again",
            place=application.place,
            target=application,
            after={"to": application.at.name, "photos": len(photos)},
        )
    except BaseException:
        for relative in saved:
            delete_upload(relative)
        raise
    _tell(
        application.veteran,
        gettext_noop(
            "Qunfang: your amended application for “%(service)s” was received; %(place)s is handling it."
        ),
        {"service": application.service.name, "place": application.at.name},
    )
    return application


@service
def withdraw(*, by, application: Application, now: datetime | None = None) -> Application:
    """The veteran takes back an application under review or returned."""
    now = now or timezone.now()
    application = _locked(application)
    _own(by, application.veteran)
    if application.state not in (ApplicationState.UNDER_REVIEW, ApplicationState.RETURNED):
        raise ValidationError(_("This application is finished already."))
    application.state = ApplicationState.WITHDRAWN
    application.save(update_fields=["state"])
    _step_taken(application, Taken.WITHDRAWN, by=by, place=application.place, now=now)
    audit.record(by=by, action="online_application.withdraw", place=application.place, target=application)
    return application


# --- the staff's review -------------------------------------------------------------------------------


def _check_acting_here(application: Application, by: User | None, step: int | None) -> None:
    """Each level acts at its own step, where the person is a member and may review; the step the page
    showed must still be the one it is at (a second tap does not approve the next step)."""
    if application.state != ApplicationState.UNDER_REVIEW:
        raise ValidationError(_("This application is not waiting for a review."))
    if step is not None and step != application.step:
        raise ValidationError(_("This application has moved on since the page was shown."))
    if by is not None:
        scope = Scope.for_user(by)
        if application.at_id not in scope.place_ids or not scope.allows(Online.REVIEW, application.at):
            raise ValidationError(
                _("This application waits for %(place)s: each level acts at its own step.")
                % {"place": application.at.name}
            )


@service
def approve(
    *, by: User | None, application: Application, step: int | None = None, now: datetime | None = None
) -> Application:
    """The step done: on to the next step's place, or the application approved after the last one."""
    now = now or timezone.now()
    application = _locked(application)
    _check_acting_here(application, by, step)
    place, done_step = application.at, application.current_step
    last = application.step >= len(application.service.path) - 1
    _step_taken(application, Taken.APPROVED, by=by, place=place, now=now, finished=last)
    if last:
        application.state = ApplicationState.DONE
    else:
        application.step += 1
        _arrive(application, now)
    application.save()
    audit.record(
        by=by,
        action="online_application.approve",
        place=place,
        target=application,
        after={"step": done_step["kind"], "done": last},
    )
    values = {"service": application.service.name, "place": place.name}
    if last:
        _tell(
            application.veteran,
            gettext_noop("Qunfang: your application for “%(service)s” is approved (%(place)s)."),
            values,
        )
    else:
        values["next"] = application.at.name
        _tell(
            application.veteran,
            gettext_noop(
                "Qunfang: your application for “%(service)s” passed %(place)s and went on to %(next)s."
            ),
            values,
        )
    return application


@service
def return_to_veteran(
    *,
    by: User | None,
    application: Application,
    reason: str,
    step: int | None = None,
    now: datetime | None = None,
) -> Application:
    """Returned to the veteran with the reason (required): what to amend before sending it again."""
    now = now or timezone.now()
    reason = definitions.clean_text(
        reason, "reason", 500, required=True, what=_("Say why it is returned: what the veteran should amend.")
    )
    application = _locked(application)
    _check_acting_here(application, by, step)
    place = application.at
    application.state = ApplicationState.RETURNED
    application.save(update_fields=["state"])
    _step_taken(application, Taken.RETURNED, by=by, place=place, now=now, reason=reason)
    audit.record(
        by=by, action="online_application.return", place=place, target=application, after={"reason": reason}
    )
    _tell(
        application.veteran,
        gettext_noop(
            "Qunfang: your application for “%(service)s” was returned by %(place)s: %(reason)s. "
            "Amend it and send it again."
        ),
        {"service": application.service.name, "place": place.name, "reason": reason},
    )
    return application
