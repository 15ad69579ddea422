"""The veterans roll's pages: list and search, detail with audited reveal, add and edit."""

import secrets

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import get_for, requires
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, paginate, place_for
from qunfang.registry import selectors, services
from qunfang.registry.forms import EditVeteranForm, VeteranFilterForm, VeteranForm
from qunfang.registry.models import Veteran


def veteran_for(request, veteran_id: int, capability: Capability) -> Veteran:
    return get_for(request.scope, Veteran.objects.select_related("place"), capability, pk=veteran_id)


def veteran_url(veteran: Veteran) -> str:
    return reverse("registry:veteran", args=[veteran.pk])


SEARCH_SESSION_PREFIX = "veteran_search:"


@requires(Capability.VIEW_VETERANS)
def veteran_list(request):
    """A search is posted, kept in the session under a random name, and the list is shown at an address
    that carries only that name: an ID number typed into the box never lands in an address, a browser's
    history or the server's access log."""
    if request.method == "POST":
        form = VeteranFilterForm(request.POST)
        if form.is_valid():
            name = secrets.token_urlsafe(8)
            request.session[SEARCH_SESSION_PREFIX + name] = form.cleaned_data
            return redirect(f"{reverse('registry:veterans')}?search={name}")
    else:
        saved = request.session.get(SEARCH_SESSION_PREFIX + request.GET.get("search", ""))
        form = VeteranFilterForm(saved)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = selectors.veterans(
        request.scope,
        search=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        category=filters.get("category") or "",
    )
    page_query = f"search={request.GET['search']}" if filters and request.GET.get("search") else ""
    return render(
        request,
        "registry/veteran_list.html",
        {"form": form, "veterans": paginate(request, found), "page_query": page_query},
    )


def _detail(request, veteran: Veteran, revealed: dict | None = None):
    return render(
        request,
        "registry/veteran_detail.html",
        {
            "veteran": veteran,
            "revealed": revealed or {},
            "can_reveal": request.scope.allows(Capability.REVEAL_PERSONAL_DATA, veteran.place),
            "can_edit": request.scope.allows(Capability.MANAGE_VETERANS, veteran.place),
        },
    )


@requires(Capability.VIEW_VETERANS)
def veteran_detail(request, veteran_id: int):
    return _detail(request, veteran_for(request, veteran_id, Capability.VIEW_VETERANS))


@require_POST
@requires(Capability.REVEAL_PERSONAL_DATA)
def veteran_reveal(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.REVEAL_PERSONAL_DATA)
    field = request.POST.get("field", "")
    if field not in services.PROTECTED_FIELDS:
        raise PermissionDenied
    # Shown in this one answer only, never kept in the page's address or the session.
    value = services.reveal(by=request.user, veteran=veteran, field=field)
    return _detail(request, veteran, {field: value})


@requires(Capability.MANAGE_VETERANS)
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
def veteran_edit(request, veteran_id: int):
    veteran = veteran_for(request, veteran_id, Capability.MANAGE_VETERANS)
    initial = {name: getattr(veteran, name) for name in ("name", "address", "category", "status")}

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
