"""The veteran's sign-in and home, phone first. The sign-in answers alike whether or not the number is
on the roll (portal/services.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import public
from qunfang.core.middleware import client_address
from qunfang.core.personal import PHONE, mask, normalize_phone
from qunfang.core.views import add_service_errors
from qunfang.lib.twins import api_twin
from qunfang.portal import access, home_links, services
from qunfang.portal.access import veteran_required
from qunfang.portal.forms import CodeForm, PhoneForm

PENDING_KEY = "portal_pending"  # the phone a code was asked for, between the two steps


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/my/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}
    ):
        return wanted
    return "/my/"


@public
@api_twin("qunfang.portal.api.ask_code")
def sign_in(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            index = services.ask_code(form.cleaned_data["phone"], address=client_address(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            shown = mask(PHONE, normalize_phone(form.cleaned_data["phone"].strip()))
            request.session[PENDING_KEY] = {"phone": index, "shown": shown}
            return redirect(f"{reverse('portal:enter_code')}?{urlencode({'next': _next(request)})}")
    return render(request, "portal/sign_in.html", {"form": form, "next": _next(request)})


@public
@api_twin("qunfang.portal.api.sign_in")
def enter_code(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people = services.use_code(pending["phone"], form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            access.enter(request, pending["phone"], people)
            request.session.pop(PENDING_KEY, None)
            return redirect(_next(request))
    return render(
        request, "portal/code.html", {"form": form, "shown": pending["shown"], "next": _next(request)}
    )


@public
@require_POST
@api_twin("qunfang.portal.api.sign_out")
def sign_out(request):
    access.leave(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:sign_in")


@veteran_required
def home(request):
    visitor = request.visitor
    return render(
        request,
        "portal/home.html",
        {"visitor": visitor, "veteran": visitor.veteran, "links": home_links.links_for(visitor)},
    )


@veteran_required
@require_POST
@api_twin("qunfang.portal.api.act_for")
def act_for(request, veteran_id: int):
    access.act_for(request, request.visitor, veteran_id)
    return redirect("portal:home")
