"""Staff pages of services online, phone first: a place's review queue (what waits on it, late first,
with its deadline, and what has gone up late from below), one application with its answers, documents
(served only through a scoped view) and history, approve or return with a reason; and a bureau's
services page (each service's fields, documents and path; a new one defined; one changed)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.views import add_service_errors, form_page, paginate, place_for
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import upload_response
from qunfang.online import forms as online_forms
from qunfang.online import selectors, services
from qunfang.online.capabilities import Online
from qunfang.online.models import Application, ApplicationState, Document, OnlineService

VIEW, REVIEW, DEFINE = Online.VIEW, Online.REVIEW, Online.DEFINE


@requires(VIEW)
def queue(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    now = timezone.now()
    return render(
        request,
        "online/queue.html",
        {
            "place": place,
            "now": now,
            "waiting": paginate(request, selectors.queue(request.scope, place), 30),
            "late_below": selectors.late_below(request.scope, place, now)[:30],
            "states": ApplicationState.choices,
        },
    )


@requires(VIEW)
def application_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    state = request.GET.get("state", "")
    state = state if state in ApplicationState.values else ""
    return render(
        request,
        "online/applications.html",
        {
            "place": place,
            "state": state,
            "states": ApplicationState.choices,
            "rows": paginate(request, selectors.applications(request.scope, place, state), 50),
        },
    )


def _application(request, online_application_id: int) -> Application:
    return get_for(request.scope, selectors.application_query(), VIEW, pk=online_application_id)


def _may_review(request, application: Application) -> bool:
    scope = request.scope
    return (
        application.state == ApplicationState.UNDER_REVIEW
        and application.at_id in scope.place_ids
        and scope.allows(REVIEW, application.at)
    )


def _page(request, application: Application, form=None):
    return render(
        request,
        "online/application.html",
        {
            "application": application,
            "answers": [
                (field["label"], application.answers.get(field["label"], ""))
                for field in application.service.fields
            ],
            "documents": selectors.documents(application),
            "steps": selectors.steps(application),
            "path": selectors.labelled_path(
                application.service.path,
                application.step if application.state == ApplicationState.UNDER_REVIEW else None,
            ),
            "late": selectors.is_late(application),
            "may_review": _may_review(request, application),
            "form": form or online_forms.ReviewForm(initial={"step": application.step}),
        },
    )


@requires(VIEW)
def application_detail(request, online_application_id: int):
    return _page(request, _application(request, online_application_id))


@requires(REVIEW)
@require_POST
@api_twin("qunfang.online.api.approve", "qunfang.online.api.return_application")
def review(request, online_application_id: int):
    """Approve (on to the next step's place) or return with the reason, from the application's page."""
    application = _application(request, online_application_id)
    if not _may_review(request, application):
        raise Http404
    form = online_forms.ReviewForm(request.POST)
    returning = "return" in request.POST
    if form.is_valid():
        data = form.cleaned_data
        try:
            if returning:
                services.return_to_veteran(
                    by=request.user, application=application, reason=data["reason"], step=data["step"]
                )
            else:
                services.approve(by=request.user, application=application, step=data["step"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Returned to the veteran.") if returning else _("Approved."))
            return redirect("online:queue", application.at_id)
    return _page(request, application, form)


@requires(VIEW)
def document(request, online_document_id: int):
    found = get_for(request.scope, Document.objects.all(), VIEW, pk=online_document_id)
    try:
        return upload_response(found.file, filename=found.name or "photo.jpg")
    except FileNotFoundError:
        raise Http404 from None


@requires(VIEW)
def service_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    today = timezone.localdate()
    kept = selectors.kept_by_service(place, today.replace(month=1, day=1), today)
    rows = [
        (found, kept.get(found.pk, {}), selectors.labelled_path(found.path))
        for found in selectors.services_at(place)
    ]
    return render(
        request,
        "online/services.html",
        {
            "place": place,
            "rows": rows,
            "year": today.year,
            "may_define": request.scope.allows(DEFINE, place) and place.level in services.BUREAU_LEVELS,
        },
    )


def _service_form_save(request, place, found=None):
    def save(data):
        facts = {
            "name": data["name"],
            "purpose": data["purpose"],
            "fields": data["form_fields"],
            "documents": data["documents"],
            "path": data["path"],
            "is_open": data["is_open"],
        }
        if found is None:
            return services.define_service(by=request.user, place=place, **facts)
        return services.change_service(by=request.user, service=found, **facts)

    return save


@requires(DEFINE)
@api_twin("qunfang.online.api.define_service")
def service_new(request, place_id: int):
    place = place_for(request, place_id, DEFINE)
    form = online_forms.ServiceForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("A new service online at %(place)s") % {"place": place.name},
        place=place,
        save=_service_form_save(request, place),
        done=lambda found: (
            _("Service “%(name)s” defined.") % {"name": found.name},
            reverse("online:services", args=[place.pk]),
        ),
    )


@requires(DEFINE)
@api_twin("qunfang.online.api.change_service")
def service_edit(request, online_service_id: int):
    found = get_for(
        request.scope, OnlineService.objects.select_related("place"), DEFINE, pk=online_service_id
    )
    initial = {
        "name": found.name,
        "purpose": found.purpose,
        "is_open": found.is_open,
        "form_fields": online_forms.fields_text(found.fields),
        "documents": online_forms.documents_text(found.documents),
        "path": online_forms.path_text(found.path),
    }
    form = online_forms.ServiceForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        title=_("Change the service “%(name)s”") % {"name": found.name},
        place=found.place,
        save=_service_form_save(request, found.place, found),
        done=lambda changed: (
            _("Service “%(name)s” changed.") % {"name": changed.name},
            reverse("online:services", args=[found.place_id]),
        ),
    )
