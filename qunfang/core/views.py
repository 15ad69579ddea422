"""The kernel's pages: the tree of places, people and their roles, the audit log, the user's own account.

Thin on purpose: parse, fetch through `access`, call a service or selector, render.
"""

import base64
from datetime import date, timedelta

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qunfang.core import selectors, services
from qunfang.core.access import get_for, place_for, public, requires, signed_in, under
from qunfang.core.audit_words import CHANNELS, action_in_words, changes_in_words
from qunfang.core.forms import (
    AddMembershipForm,
    AuditFilterForm,
    ImportForm,
    MoveForm,
    NewUserForm,
    PasswordPairForm,
    PeriodForm,
    PlaceForm,
    SecondFactorForm,
    StationFactsForm,
    TokenForm,
)
from qunfang.core.models import LEVEL_RANK, AccessToken, ImportJob, Membership, OrgUnit, User
from qunfang.core.replica import reads_from_replica
from qunfang.core.roles import Capability
from qunfang.core.widgets import pick_url
from qunfang.lib.tables import XLSX_MIME, TableError, write_xlsx
from qunfang.lib.twins import api_twin, page_only
from qunfang.lib.uploads import UploadNotSaved
from qunfang.lib.work import place_links_of_apps, work_of_apps


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def search_text(request) -> str:
    # PostgreSQL cannot compare text holding NUL characters; nobody searches for them.
    return request.GET.get("q", "").replace("\x00", "").strip()


def paginate(request, items, per_page: int = 50):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def form_page(request, form, *, title: str, place: OrgUnit | None = None, save, done, offline: str = ""):
    """The shape every simple form page shares: on a valid POST, `save(cleaned_data)` (a service call)
    and go where `done(result)` says, with its message; a service's ValidationError shows on the form.
    `offline` makes the page work without a network (core/offline.py): the names of the form's own
    hidden one-time keys, which a saving kept on the phone gets anew (beside the submission key)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message, url = done(result)
            messages.success(request, message)
            return redirect(url)
    context = {"form": form, "place": place, "title": title, "offline": offline}
    return render(request, "core/form.html", context)


def posted_form(request, form, *, allowed: bool, save, message: str, url):
    """A form on a list or detail page: on a valid POST by someone allowed, `save(cleaned_data)` (a
    service call) and go to `url` (or `url(result)`, for what was just made) with the message; a
    service's ValidationError shows on the form. None means: show the page (a GET, or the form with
    its errors)."""
    if request.method != "POST":
        return None
    if not allowed:
        raise Http404
    if form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if message:
                messages.success(request, message)
            return redirect(url(result) if callable(url) else url)
    return None


def back_to(request, default: str, field: str = "back") -> str:
    """Where a posted form came from (its `back` field: a list with its view and page), if it is one of
    our own pages; else `default`. Without its #fragment, for the caller to add the card's."""
    back = request.POST.get(field, "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=False
    ):
        return back.split("#")[0]
    return default


def place_url(place: OrgUnit) -> str:
    return reverse("core:place", args=[place.pk])


def period_from(request) -> tuple[PeriodForm, date, date]:
    """The period the page is asked for (?start=&end=), or the last thirty days."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    start = today - timedelta(days=29)
    return PeriodForm(initial={"start": start, "end": today}), start, today


# --- home and health ----------------------------------------------------------------------------------


@signed_in
def home(request):
    """One's own place, which opens with one's work; with several, the work above the list of them."""
    places = list(selectors.home_places(request.scope))
    if len(places) == 1:
        return redirect("core:place", place_id=places[0].pk)
    work = work_of_apps(request.scope, timezone.localdate())
    return render(request, "core/home.html", {"places": places, "work": work, "today": timezone.localdate()})


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


# --- places -------------------------------------------------------------------------------------------


@requires(Capability.VIEW_PLACES)
def place_detail(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_PLACES)
    scope = request.scope
    can = {capability.value: scope.allows(capability, place) for capability in Capability}
    staff = list(selectors.memberships_at(scope, place)) if can["view_users"] else []
    # A role is removable here only from an account the user manages as a whole.
    manageable = scope.manageable(m.user for m in staff) if can["manage_users"] else set()
    staff = [(m, m.user_id in manageable and m.user_id != request.user.pk) for m in staff]
    return render(
        request,
        "core/place_detail.html",
        {
            "place": place,
            "crumbs": selectors.breadcrumb(scope, place),
            "children": paginate(request, selectors.children_of(scope, place), 100),
            "staff": staff,
            "can": can,
            "movable": can["manage_places"] and selectors.may_move(scope, place),
            # One's own place opens with one's work: what is due today and what is late.
            "work": work_of_apps(scope, timezone.localdate()) if place.pk in scope.place_ids else [],
            "app_links": place_links_of_apps(scope, place),
            "today": timezone.localdate(),
        },
    )


@requires(Capability.VIEW_PLACES)
def place_search(request):
    query = search_text(request)
    results = selectors.visible_places(request.scope, search=query) if query else OrgUnit.objects.none()
    return render(request, "core/place_search.html", {"query": query, "results": paginate(request, results)})


@requires(Capability.EDIT_STATION)
@api_twin("qunfang.core.api.update_place")
def place_edit(request, place_id: int):
    place = place_for(request, place_id, Capability.EDIT_STATION)
    # Station staff keep their station's facts up to date; naming and coding places is the bureau's.
    form_class = PlaceForm if request.scope.allows(Capability.MANAGE_PLACES, place) else StationFactsForm
    initial = {name: getattr(place, name) or "" for name in form_class.base_fields}
    return form_page(
        request,
        form_class(request.POST or None, initial=initial),
        place=place,
        title=_("Edit %(place)s") % {"place": place.name},
        save=lambda data: services.update_place(by=request.user, place=place, **data),
        done=lambda _place: (_("Saved."), place_url(place)),
    )


@requires(Capability.MANAGE_PLACES)
@api_twin("qunfang.core.api.create_place")
def place_add_child(request, place_id: int):
    parent = place_for(request, place_id, Capability.MANAGE_PLACES)
    return form_page(
        request,
        PlaceForm(request.POST or None),
        place=parent,
        title=_("Add a place under %(place)s") % {"place": parent.name},
        save=lambda data: services.create_place(by=request.user, parent=parent, **data),
        done=lambda child: (_("%(place)s was added.") % {"place": child.name}, place_url(parent)),
    )


@requires(Capability.MANAGE_PLACES)
@api_twin("qunfang.core.api.move_place")
def place_move(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_PLACES)
    if not selectors.may_move(request.scope, place):
        raise PermissionDenied
    form = MoveForm(request.POST or None, candidates=_move_candidates(request, place))
    pick_url(form.fields["new_parent"], reverse("core:place_move_pick", args=[place.pk]))
    return form_page(
        request,
        form,
        place=place,
        title=_("Move %(place)s") % {"place": place.name},
        save=lambda data: services.move_place(by=request.user, place=place, new_parent=data["new_parent"]),
        done=lambda moved: (_("%(place)s was moved.") % {"place": moved.name}, place_url(moved)),
    )


def _move_candidates(request, place: OrgUnit):
    """Where a place may go: a place of a higher level the user manages, not inside it, not its parent."""
    return (
        OrgUnit.objects.visible_to(request.scope, Capability.MANAGE_PLACES)
        .exclude(under(place, via=""))
        .exclude(pk=place.parent_id)
        .filter(level__in=[level for level, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[place.level]])
    )


@requires(Capability.MANAGE_PLACES)
def place_move_pick(request, place_id: int):
    """The first places a place may move under whose name holds the typed text, for the move form."""
    place = place_for(request, place_id, Capability.MANAGE_PLACES)
    return _picked_places(request, _move_candidates(request, place))


@requires(Capability.VIEW_PLACES)
def place_pick_below(request, place_id: int):
    """The first places under the place (that the user sees) whose name holds the typed text, for a
    form that sends something down (a delivery)."""
    place = place_for(request, place_id, Capability.VIEW_PLACES)
    return _picked_places(request, selectors.visible_places(request.scope).under(place).exclude(pk=place.pk))


def _picked_places(request, candidates) -> JsonResponse:
    """A picker's answer (core/widgets.py): each place named with the way down to it, so that two
    第一网格 in two villages look different."""
    text = search_text(request)[:50]
    found = list(candidates.filter(name__icontains=text).order_by("path")[:20]) if text else []
    return JsonResponse(
        [{"id": p.pk, "label": label} for p, label in selectors.with_way_down(found)], safe=False
    )


@requires(Capability.MANAGE_PLACES)
@api_twin("qunfang.core.api.import_places")
def place_import(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_PLACES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.queue_import(by=request.user, place=place, upload=upload)
        except (TableError, UploadNotSaved) as error:
            form.add_error("file", str(error))
        else:
            return redirect("core:import_job", job_id=job.pk)
    jobs = ImportJob.objects.visible_to(request.scope, Capability.MANAGE_PLACES).filter(place=place)[:10]
    return render(request, "core/place_import.html", {"form": form, "place": place, "jobs": jobs})


@requires(Capability.MANAGE_PLACES)
def import_job(request, job_id: int):
    job = get_for(
        request.scope, ImportJob.objects.select_related("place"), Capability.MANAGE_PLACES, pk=job_id
    )
    return render(request, "core/import_job.html", {"job": job, "place": job.place})


@reads_from_replica
@requires(Capability.VIEW_PLACES)
def place_export(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_PLACES)
    headings = ["code", "name", "parent_code", "level", "station_kind", "address", "phone", "hall_status"]
    content = write_xlsx(place.name, headings, selectors.export_rows(request.scope, place))
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="places-{place.code or place.pk}.xlsx"'
    return response


# --- people -------------------------------------------------------------------------------------------


@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.create_user")
def place_new_user(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_USERS)

    def save(data):
        return services.create_user(
            by=request.user,
            username=data["username"],
            full_name=data["full_name"],
            password=data["password1"],
            place=place,
            role=data["role"],
        )

    return form_page(
        request,
        NewUserForm(request.POST or None),
        place=place,
        save=save,
        title=_("New user at %(place)s") % {"place": place.name},
        done=lambda user: (_("%(user)s can now sign in.") % {"user": user}, place_url(place)),
    )


@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.add_membership")
def place_add_member(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_USERS)

    def save(data):
        user = selectors.managed_account_named(request.scope, data["username"])
        return services.add_membership(by=request.user, user=user, place=place, role=data["role"])

    return form_page(
        request,
        AddMembershipForm(request.POST or None),
        place=place,
        save=save,
        title=_("Give a role at %(place)s") % {"place": place.name},
        done=lambda membership: (
            _("%(user)s was given the role.") % {"user": membership.user},
            place_url(place),
        ),
    )


@requires(Capability.VIEW_USERS)
def user_list(request):
    query = search_text(request)
    visible = selectors.visible_users(request.scope, search=query).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.visible_to(request.scope, Capability.VIEW_USERS).select_related(
                "place"
            ),
            to_attr="visible_memberships",
        )
    )
    return render(request, "core/user_list.html", {"query": query, "users": paginate(request, visible)})


def user_for(request, user_id: int) -> User:
    try:
        return get_object_or_404(selectors.visible_users(request.scope), pk=user_id)
    except OverflowError:
        raise Http404 from None


@requires(Capability.VIEW_USERS)
def user_detail(request, user_id: int):
    user = user_for(request, user_id)
    memberships = selectors.memberships_of(request.scope, user)
    can_manage = request.scope.manages(user)
    return render(
        request,
        "core/user_detail.html",
        {
            "person": user,
            "memberships": [(m, can_manage) for m in memberships],
            "can_manage": can_manage,
            "password_form": PasswordPairForm() if can_manage else None,
        },
    )


def manageable_user(request, user_id: int) -> tuple[User, OrgUnit]:
    """The user and the place to file the audit entry under, or 404 when the caller may not manage them."""
    return selectors.managed_user(request.scope, user_id)


@require_POST
@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.set_user_active")
def user_set_active(request, user_id: int):
    user, place = manageable_user(request, user_id)
    try:
        services.set_user_active(
            by=request.user, user=user, active=request.POST.get("active") == "1", place=place
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("core:user", user_id=user.pk)


@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.set_password")
def user_set_password(request, user_id: int):
    user, place = manageable_user(request, user_id)
    return form_page(
        request,
        PasswordPairForm(request.POST or None),
        title=_("New password for %(user)s") % {"user": user},
        save=lambda data: services.set_password(
            by=request.user, user=user, password=data["password1"], place=place
        ),
        done=lambda _user: (_("The password was set."), reverse("core:user", args=[user.pk])),
    )


@require_POST
@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.remove_membership")
def membership_remove(request, membership_id: int):
    membership = selectors.managed_membership(request.scope, membership_id)
    try:
        services.remove_membership(by=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("core:place", place_id=membership.place_id)


# --- audit --------------------------------------------------------------------------------------------


@requires(Capability.VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    place = None
    if request.GET.get("place"):
        place = place_for(request, request.GET["place"], Capability.VIEW_AUDIT)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = paginate(
        request,
        selectors.audit_entries(request.scope, place=place, **{k: v for k, v in filters.items() if v}),
    )
    for entry in entries:
        entry.words, entry.changes = action_in_words(entry), changes_in_words(entry)
        entry.channel_words = CHANNELS.get(entry.channel, entry.channel)
    return render(request, "core/audit_list.html", {"form": form, "place": place, "entries": entries})


# --- the user's own account ---------------------------------------------------------------------------


@signed_in
@api_twin("qunfang.core.api.issue_token")
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.issue_token(by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "core/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": AccessToken.objects.filter(user=request.user),
        },
    )


@require_POST
@signed_in
@api_twin("qunfang.core.api.revoke_token")
def token_revoke(request, token_id: int):
    token = get_object_or_404(AccessToken, pk=token_id, user=request.user)
    services.revoke_token(by=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("core:tokens")


@signed_in
@page_only("enrols an authenticator and checks its code for the browser's session; tokens need none")
def two_factor(request):
    """Enrol an authenticator app (first time) or enter its code (every sign-in)."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = services.pending_totp_device(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        confirmed = (
            services.confirm_totp_device(by=request.user, device=device, code=code)
            if enrolling
            else device.verify_token(code.strip())
        )
        if confirmed:
            otp_login(request, device)
            return redirect(next_url or "core:home")
        form.add_error("code", _("The code is wrong or has expired. Enter the code your app shows now."))
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)


@require_POST
@requires(Capability.MANAGE_USERS)
@api_twin("qunfang.core.api.reset_second_factor")
def user_reset_second_factor(request, user_id: int):
    user, place = manageable_user(request, user_id)
    services.reset_second_factor(by=request.user, user=user, place=place)
    messages.success(
        request, _("%(user)s will enrol a new authenticator at the next sign-in.") % {"user": user}
    )
    return redirect("core:user", user_id=user.pk)


@signed_in
@page_only(
    "changing one's own password in the browser, which keeps its session; an account one manages "
    "has POST /api/v1/users/{user_id}/password"
)
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.set_password(
            by=request.user, user=request.user, password=form.cleaned_data["new_password1"], place=None
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("core:home")
    return render(request, "core/form.html", {"form": form, "title": _("Change your password")})
