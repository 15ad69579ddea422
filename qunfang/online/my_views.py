"""The veteran's own pages of services online under /my/online/ (portal sign-in, phone first): the
services offered where they live, an application (the service's form, documents as photos from the
phone's camera), their applications, one application's state, history and the reason it was returned,
with the form to amend and send it again. A visitor reaches only the people of their own phone: any
other id answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.views import add_service_errors
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import UploadNotSaved, upload_response
from qunfang.online import selectors, services
from qunfang.online.forms import ApplicationForm
from qunfang.online.models import ApplicationState, Document, Taken
from qunfang.portal.access import own, veteran_required


@veteran_required
def offered(request):
    veteran = request.visitor.veteran
    return render(
        request,
        "online/my_services.html",
        {
            "veteran": veteran,
            "services": selectors.offered_to(veteran),
            "applications": selectors.of_veteran(veteran)[:5],
        },
    )


def _service(request, online_service_id: int):
    found = selectors.offered_to(request.visitor.veteran).filter(pk=online_service_id).first()
    if found is None:
        raise Http404
    return found


def _saved(form, write):
    """What the service call made, or None when it refused (its reasons then show on the form)."""
    try:
        return write()
    except UploadNotSaved as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        add_service_errors(form, error)
    return None


@veteran_required
@api_twin("qunfang.online.api.my_apply")
def apply(request, online_service_id: int):
    found = _service(request, online_service_id)
    form = ApplicationForm(request.POST or None, request.FILES or None, service=found)
    if request.method == "POST" and form.is_valid():
        made = _saved(
            form,
            lambda: services.apply(
                by=request.visitor,
                veteran=request.visitor.veteran,
                service=found,
                answers=form.answers(),
                photos=form.photos(),
            ),
        )
        if made is not None:
            messages.success(request, _("Your application is sent. You will be told by SMS at each step."))
            return redirect("online:my_application", made.pk)
    return render(request, "online/my_apply.html", {"service": found, "form": form})


@veteran_required
def mine(request):
    return render(
        request,
        "online/my_applications.html",
        {
            "veteran": request.visitor.veteran,
            "rows": selectors.of_veteran(request.visitor.veteran),
        },
    )


def _own_application(request, online_application_id: int):
    return own(request.visitor, selectors.application_query(), pk=online_application_id)


def _page(request, application, form=None):
    returned = application.steps.filter(taken=Taken.RETURNED).order_by("-pk").first()
    if form is None and application.state == ApplicationState.RETURNED:
        held = frozenset(selectors.documents(application).values_list("label", flat=True))
        form = ApplicationForm(initial=application.answers, service=application.service, held=held)
    return render(
        request,
        "online/my_application.html",
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
            "returned": returned if application.state == ApplicationState.RETURNED else None,
            "form": form,
        },
    )


@veteran_required
def application_detail(request, online_application_id: int):
    return _page(request, _own_application(request, online_application_id))


@veteran_required
@require_POST
@api_twin("qunfang.online.api.my_send_again")
def send_again(request, online_application_id: int):
    application = _own_application(request, online_application_id)
    held = frozenset(selectors.documents(application).values_list("label", flat=True))
    form = ApplicationForm(request.POST, request.FILES or None, service=application.service, held=held)
    if form.is_valid():
        sent = _saved(
            form,
            lambda: services.send_again(
                by=request.visitor, application=application, answers=form.answers(), photos=form.photos()
            ),
        )
        if sent is not None:
            messages.success(request, _("Sent again."))
            return redirect("online:my_application", application.pk)
    return _page(request, application, form)


@veteran_required
@require_POST
@api_twin("qunfang.online.api.my_withdraw")
def withdraw(request, online_application_id: int):
    application = _own_application(request, online_application_id)
    try:
        services.withdraw(by=request.visitor, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("online:my_application", application.pk)


@veteran_required
def document(request, online_document_id: int):
    found = Document.objects.filter(
        pk=online_document_id, application__veteran_id__in=request.visitor.veteran_ids
    ).first()
    if found is None:
        raise Http404
    try:
        return upload_response(found.file, filename=found.name or "photo.jpg")
    except FileNotFoundError:
        raise Http404 from None
