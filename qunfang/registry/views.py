"""The veterans roll's pages: list and search, detail with family and history, audited reveal, add,
edit and move, bringing a spreadsheet roll in, and exporting what the list shows."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for
from qunfang.lib.person import sections_for
from qunfang.lib.tables import XLSX_MIME, TableError, write_xlsx
from qunfang.lib.twins import api_twin
from qunfang.lib.uploads import UploadNotSaved, upload_response
from qunfang.registry import selectors, services
from qunfang.registry.forms import (
    ColumnMatchForm,
    ConfirmImportForm,
    EditVeteranForm,
    FamilyMemberForm,
    MoveVeteranForm,
    RollUploadForm,
    VeteranFilterForm,
    VeteranForm,
)
from qunfang.registry.lines import roll_lines
from qunfang.registry.models import FamilyMember, RollImport, Veteran


def veteran_for(request, veteran_id: int, capability: Capability) -> Veteran:
    return get_for(request.scope, Veteran.objects.select_related("place"), capability, pk=veteran_id)


def member_for(request, member_id: int, capability: Capability) -> FamilyMember:
    return get_for(
        request.scope, FamilyMember.objects.select_related("veteran__place"), capability, pk=member_id
    )


def import_for(request, import_id: int) -> RollImport:
    return get_for(
        request.scope, RollImport.objects.select_related("place"), Capability.MANAGE_VETERANS, pk=import_id
    )


def veteran_url(veteran: Veteran) -> str:
    return reverse("registry:veteran", args=[veteran.pk])


SEARCH_SESSION_PREFIX = "veteran_search:"
# What a line of the list shows: the rest of a veteran (the mobile to decrypt, a place's every column)
# is left in the database.
LIST_FIELDS = ("name", "birth_date", "category", "status", "id_number", "address", "place", "place__name")


def _filter_form(request, data=None) -> VeteranFilterForm:
    return VeteranFilterForm(
        data, places=selectors.filter_places(request.scope), tags=selectors.visible_tags(request.scope)
    )


def _saved_search(request) -> tuple[VeteranFilterForm, dict]:
    """The list's filters: kept in the session under the name the address carries (see veteran_list),
    or a place from a place page's link."""
    saved = request.session.get(SEARCH_SESSION_PREFIX + request.GET.get("search", ""))
    if saved is None and request.GET.get("place", "").isdigit():
        saved = {"place": request.GET["place"]}
    form = _filter_form(request, saved)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


def _found(request, filters: dict):
    return selectors.veterans(
        request.scope,
        search=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        category=filters.get("category") or "",
        place=filters.get("place"),
        tag=filters.get("tag"),
    )


@requires(Capability.VIEW_VETERANS)
@api_twin("qunfang.registry.api.list_veterans")
def veteran_list(request):
    """A search is posted, kept in the session under a random name, and the list is shown at an address
    that carries only that name: an ID number typed into the box never lands in an address, a browser's
    history or the server's access log."""
    if request.method == "POST":
        form = _filter_form(request, request.POST)
        if form.is_valid():
            name = secrets.token_urlsafe(8)
            request.session[SEARCH_SESSION_PREFIX + name] = {
                key: (value.pk if hasattr(value, "pk") else value) for key, value in form.cleaned_data.items()
            }
            return redirect(f"{reverse('registry:veterans')}?search={name}")
        filters = {}
    else:
        form, filters = _saved_search(request)
    query = request.GET.urlencode() if filters else ""
    # An exact lookup comes unsorted (see selectors.veterans): a page of it is a list.
    found = _found(request, filters).only(*LIST_FIELDS)
    page = paginate(request, found if found.ordered else list(found))
    return render(
        request,
        "registry/veteran_list.html",
        {
            "form": form,
            "veterans": page,
            "lines": roll_lines(page),
            "page_query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")
            if query
            else "",
            "export_query": query,
            "may_reveal": bool(request.scope.paths(Capability.REVEAL_PERSONAL_DATA)),
        },
    )


@require_POST
@requires(Capability.VIEW_VETERANS)
@api_twin("qunfang.registry.api.export_veterans", "qunfang.registry.api.start_export")
def veteran_export(request):
    """What the list shows, as .xlsx. Full numbers only when asked for and allowed, and then audited as
    a reveal; the file imports back as the same roll."""
    _form, filters = _saved_search(request)
    reveal = request.POST.get("reveal") == "1" and bool(request.scope.paths(Capability.REVEAL_PERSONAL_DATA))
    found = _found(request, filters)
    if services.exports_in_background(found.count()):
        place = filters.get("place") or selectors.top_place(request.scope)
        job = services.start_roll_export(
            by=request.user, scope=request.scope, place=place, filters=_job_filters(filters), reveal=reveal
        )
        return redirect("registry:roll_export", export_id=job.pk)
    content = services.export_roll(
        by=request.user, scope=request.scope, veterans=found, place=filters.get("place"),
        reveal=reveal,
    )  # fmt: skip
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="veterans-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _job_filters(filters: dict) -> dict:
    """The page's filters as a background export keeps them (ids, not objects)."""
    kept = {key: filters.get(key) or "" for key in ("q", "status", "category")}
    kept["place_id"] = filters["place"].pk if filters.get("place") else None
    kept["tag_id"] = filters["tag"].pk if filters.get("tag") else None
    return kept


@requires(Capability.VIEW_VETERANS)
def roll_export(request, export_id: int):
    """A background export: its progress while the worker writes it, then its file to download."""
    job = selectors.exports_of(request.scope, export_id)
    if job is None:
        raise Http404
    progress = cache.get(services.export_progress_key(job.pk)) if not job.finished else None
    return render(request, "registry/roll_export.html", {"job": job, "progress": progress})


@requires(Capability.VIEW_VETERANS)
def roll_export_file(request, export_id: int):
    """The finished file, streamed from the disk (a province's roll is far larger than memory should
    hold); only for the person who asked for it."""
    job = selectors.exports_of(request.scope, export_id)
    if job is None or job.status != job.Status.DONE:
        raise Http404
    return upload_response(job.file, as_attachment=True, filename=job.original_name, content_type=XLSX_MIME)


def _detail(request, veteran: Veteran, revealed: dict | None = None, revealed_member: dict | None = None):
    return render(
        request,
        "registry/veteran_detail.html",
        {
            "veteran": veteran,
            "family": selectors.family_of(veteran),
            "moves": selectors.moves_of(veteran),
            "sections": sections_for(request, veteran),  # the other apps' cards (lib/person)
            "revealed": revealed or {},
            "revealed_member": revealed_member or {},
            "can_reveal": request.scope.allows(Capability.REVEAL_PERSONAL_DATA, veteran.place),
            "can_edit": request.scope.allows(Capability.MANAGE_VETERANS, veteran.place),
        },
    )


@requires(Capability.VIEW_VETERANS)
def veteran_detail(request, veteran_id: int):
    return _detail(request, veteran_for(request, veteran_id, Capability.VIEW_VETERANS))


def _reveal(request, record) -> tuple[str, str]:
    """The posted field of the record and its full value (audited). The value is shown in this one
    answer only, never kept in the page's address or the session."""
    field = request.POST.get("field", "")
    if field not in services.PROTECTED_FIELDS:
        raise PermissionDenied
    return field, services.reveal(by=request.user, record=record, field=field)


@require_POST
@requires(Capability.REVEAL_PERSONAL_DATA)
@api_twin("qunfang.registry.api.reveal_veteran")
def veteran_reveal(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.REVEAL_PERSONAL_DATA)
    field, value = _reveal(request, veteran)
    return _detail(request, veteran, {field: value})


@require_POST
@requires(Capability.REVEAL_PERSONAL_DATA)
@api_twin("qunfang.registry.api.reveal_family_member")
def member_reveal(request, member_id: int):
    member = member_for(request, member_id, Capability.REVEAL_PERSONAL_DATA)
    field, value = _reveal(request, member)
    return _detail(request, member.veteran, revealed_member={"pk": member.pk, "field": field, "value": value})


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.create_veteran")
def veteran_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_VETERANS)
    return form_page(
        request,
        VeteranForm(request.POST or None),
        place=place,
        title=_("Add a veteran at %(place)s") % {"place": place.name},
        save=lambda data: services.create_veteran(by=request.user, place=place, **data),
        done=lambda veteran: (
            _("%(name)s was added to the roll.") % {"name": veteran.name},
            veteran_url(veteran),
        ),
    )


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.update_veteran")
def veteran_edit(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.MANAGE_VETERANS)
    initial = {name: getattr(veteran, name) for name in services.VETERAN_FIELDS if name != "place"}
    initial["tags"] = ", ".join(tag.name for tag in veteran.tags.all())

    def save(data):
        changes = {k: v for k, v in data.items() if k not in services.PROTECTED_FIELDS or v}
        return services.update_veteran(by=request.user, veteran=veteran, **changes)

    return form_page(
        request,
        EditVeteranForm(request.POST or None, initial=initial, veteran=veteran),
        place=veteran.place,
        title=_("Edit %(name)s") % {"name": veteran.name},
        save=save,
        done=lambda saved: (_("Saved."), veteran_url(saved)),
    )


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.update_veteran")
def veteran_move(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.MANAGE_VETERANS)
    places = (
        OrgUnit.objects.visible_to(request.scope, Capability.MANAGE_VETERANS)
        .exclude(level=Level.GRID)
        .exclude(pk=veteran.place_id)
        .order_by("path")
    )
    return form_page(
        request,
        MoveVeteranForm(request.POST or None, places=places),
        place=veteran.place,
        title=_("Move %(name)s to another place") % {"name": veteran.name},
        save=lambda data: services.update_veteran(by=request.user, veteran=veteran, place=data["place"]),
        done=lambda moved: (
            _("%(name)s now lives in %(place)s.") % {"name": moved.name, "place": moved.place.name},
            veteran_url(moved),
        ),
    )


# --- families -----------------------------------------------------------------------------------------


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.add_family_member")
def member_new(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.MANAGE_VETERANS)
    return form_page(
        request,
        FamilyMemberForm(request.POST or None),
        place=veteran.place,
        title=_("Add a family member of %(name)s") % {"name": veteran.name},
        save=lambda data: services.add_family_member(by=request.user, veteran=veteran, **data),
        done=lambda member: (_("%(name)s was added.") % {"name": member.name}, veteran_url(veteran)),
    )


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.update_family_member")
def member_edit(request, member_id: int):
    member = member_for(request, member_id, Capability.MANAGE_VETERANS)
    form = FamilyMemberForm(request.POST or None, initial={"relation": member.relation, "name": member.name})
    for name in services.PROTECTED_FIELDS:
        form.fields[name].widget.attrs["placeholder"] = str(getattr(member, name) or "")
        form.fields[name].help_text = _("Leave blank to keep the stored value.")

    def save(data):
        changes = {k: v for k, v in data.items() if k not in services.PROTECTED_FIELDS or v}
        return services.update_family_member(by=request.user, member=member, **changes)

    return form_page(
        request,
        form,
        place=member.veteran.place,
        title=_("Edit %(name)s") % {"name": member.name},
        save=save,
        done=lambda saved: (_("Saved."), veteran_url(member.veteran)),
    )


@require_POST
@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.remove_family_member")
def member_remove(request, member_id: int):
    member = member_for(request, member_id, Capability.MANAGE_VETERANS)
    services.remove_family_member(by=request.user, member=member)
    messages.success(request, _("%(name)s was removed from the family.") % {"name": member.name})
    return redirect(veteran_url(member.veteran))


# --- bringing a roll in -------------------------------------------------------------------------------


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.upload_roll")
def roll_upload(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_VETERANS)
    form = RollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_roll_import(by=request.user, place=place, upload=form.cleaned_data["file"])
        except (TableError, UploadNotSaved) as error:
            form.add_error("file", str(error))
        else:
            return redirect("registry:roll_import", import_id=job.pk)
    return render(
        request,
        "registry/roll_upload.html",
        {"form": form, "place": place, "imports": selectors.imports_at(request.scope, place)},
    )


@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.check_roll_import")
def roll_import(request, import_id: int):
    """One page for every step: match the columns, see the dry run, import, watch it finish."""
    job = import_for(request, import_id)
    initial = {key: str(index) for key, index in job.mapping.items()}
    columns = ColumnMatchForm(request.POST or None, initial=initial, headings=job.headings)
    if request.method == "POST" and columns.is_valid():
        try:
            services.check_roll_import(by=request.user, job=job, mapping=columns.mapping())
        except ValidationError as error:
            add_service_errors(columns, error)
        else:
            return redirect("registry:roll_import", import_id=job.pk)
    return render(
        request,
        "registry/roll_import.html",
        {
            "job": job,
            "place": job.place,
            "columns": columns,
            "errors": job.errors[:200],
            "progress": cache.get(services.progress_key(job.pk)) if job.busy else None,
        },
    )


@require_POST
@requires(Capability.MANAGE_VETERANS)
@api_twin("qunfang.registry.api.confirm_roll_import")
def roll_import_confirm(request, import_id: int):
    job = import_for(request, import_id)
    form = ConfirmImportForm(request.POST)
    form.is_valid()
    try:
        services.confirm_roll_import(
            by=request.user, job=job, good_rows_only=form.cleaned_data.get("good_rows_only", False)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("registry:roll_import", import_id=job.pk)


@requires(Capability.MANAGE_VETERANS)
def roll_import_errors(request, import_id: int):
    """The bad rows of a checked roll as .xlsx, to fix them in the file the user knows."""
    job = import_for(request, import_id)
    rows = ([error["row"], error.get("name", ""), error["message"]] for error in job.errors)
    content = write_xlsx(_("Rows to fix"), [_("Row"), _("Name"), _("Problem")], rows)
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="roll-errors-{job.pk}.xlsx"'
    return response
