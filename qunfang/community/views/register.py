"""The community register's pages: a community's (or a grid's) buildings and residents by status, a
building's households, a household's residents; adding each, a resident's status changed, and the
register imported from a spreadsheet. Phone-first: grid workers keep it on their rounds."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.community.forms.register import BuildingForm, HouseholdForm, ImportForm, ResidentForm, StatusForm
from qunfang.community.models import Building, Household, RegisterImport, Resident, ResidentStatus
from qunfang.community.selectors import register as selectors
from qunfang.community.services import register as services
from qunfang.core.access import get_for, requires
from qunfang.core.models import Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, search_text
from qunfang.lib.tables import xlsx_download
from qunfang.lib.twins import api_twin


def _register_url(place: OrgUnit) -> str:
    return reverse("community:register", args=[place.pk])


@requires(Capability.VIEW_COMMUNITY)
def register(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    if place.level not in (Level.VILLAGE, Level.GRID):
        return render(request, "community/not_a_register.html", {"place": place})
    status = request.GET.get("status", "")
    status = status if status in ResidentStatus.values else ""
    query = search_text(request)
    return render(
        request,
        "community/register.html",
        {
            "place": place,
            "summary": selectors.summary(request.scope, place),
            "buildings": selectors.buildings(request.scope, place),
            "residents": paginate(request, selectors.residents(request.scope, place, status, query)),
            "status": status,
            "q": query,
            "statuses": ResidentStatus.choices,
            "page_query": urlencode({k: v for k, v in (("status", status), ("q", query)) if v}),
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, place),
            "may_reveal": request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.register.add_building")
def building_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    grids = OrgUnit.objects.filter(parent=place, level=Level.GRID).order_by("sort_name")
    return form_page(
        request,
        BuildingForm(request.POST or None, grids=grids),
        title=_("Add a building"),
        place=place,
        save=lambda data: services.save_building(by=request.user, community=place, **data),
        done=lambda building: (
            _("Building %(number)s added.") % {"number": building.number},
            _building_url(building),
        ),
    )


def _building_url(building: Building) -> str:
    return reverse("community:building", args=[building.pk])


@requires(Capability.VIEW_COMMUNITY)
def building(request, building_id: int):
    found = get_for(
        request.scope,
        Building.objects.select_related("community", "place"),
        Capability.VIEW_COMMUNITY,
        pk=building_id,
    )
    return render(
        request,
        "community/building.html",
        {
            "building": found,
            # a grid worker does not see the whole community: her way back is her home
            "community_open": request.scope.allows(Capability.VIEW_COMMUNITY, found.community),
            "place": found.place,
            "households": selectors.households(request.scope, found),
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, found.place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.register.add_household")
def household_new(request, building_id: int):
    found = get_for(request.scope, Building.objects.all(), Capability.MANAGE_COMMUNITY, pk=building_id)
    return form_page(
        request,
        HouseholdForm(request.POST or None),
        title=_("Add a household to building %(number)s") % {"number": found.number},
        place=found.place,
        save=lambda data: services.save_household(by=request.user, building=found, **data),
        done=lambda household: (
            _("Household %(name)s added.") % {"name": str(household)},
            _household_url(household),
        ),
    )


def _household_url(household: Household) -> str:
    return reverse("community:household", args=[household.pk])


@requires(Capability.VIEW_COMMUNITY)
def household(request, household_id: int):
    found = get_for(
        request.scope,
        Household.objects.select_related("building", "place"),
        Capability.VIEW_COMMUNITY,
        pk=household_id,
    )
    return render(
        request,
        "community/household.html",
        {
            "household": found,
            "place": found.place,
            "residents": found.residents.order_by("pk"),
            "passes": found.passes.order_by("-number"),
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, found.place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.register.add_resident")
def resident_new(request, household_id: int):
    found = get_for(
        request.scope,
        Household.objects.select_related("building"),
        Capability.MANAGE_COMMUNITY,
        pk=household_id,
    )
    return form_page(
        request,
        ResidentForm(request.POST or None),
        title=_("Add a resident to %(household)s") % {"household": str(found)},
        place=found.place,
        save=lambda data: services.add_resident(by=request.user, household=found, **data),
        done=lambda resident: (_("%(name)s added.") % {"name": resident.name}, _household_url(found)),
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.register.change_status")
def resident_status(request, resident_id: int):
    found = get_for(
        request.scope,
        Resident.objects.select_related("household__building"),
        Capability.MANAGE_COMMUNITY,
        pk=resident_id,
    )
    return form_page(
        request,
        StatusForm(request.POST or None, initial={"status": found.status, "since": found.status_since}),
        title=_("Status of %(name)s") % {"name": found.name},
        place=found.place,
        save=lambda data: services.change_status(by=request.user, resident=found, **data),
        done=lambda resident: (
            _("Status of %(name)s saved.") % {"name": resident.name},
            _household_url(found.household),
        ),
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.register.import_register")
def register_import(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.queue_register_import(
                by=request.user, community=place, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("community:import_job", register_import_id=job.pk)
    return render(
        request,
        "community/import.html",
        {"place": place, "form": form, "columns": [names[0] for names in services.COLUMNS.values()]},
    )


@requires(Capability.MANAGE_COMMUNITY)
def register_import_job(request, register_import_id: int):
    job = get_for(
        request.scope,
        RegisterImport.objects.select_related("place"),
        Capability.MANAGE_COMMUNITY,
        pk=register_import_id,
    )
    return render(request, "community/import_job.html", {"job": job, "place": job.place})


@require_POST
@requires(Capability.VIEW_COMMUNITY)
@api_twin("qunfang.community.api.register.export_register")
def register_export(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    reveal = request.POST.get("reveal") == "1" and request.scope.allows(
        Capability.REVEAL_PERSONAL_DATA, place
    )
    content = services.export_register(by=request.user, scope=request.scope, place=place, reveal=reveal)
    return xlsx_download(content, f"{place.name}-住户.xlsx")
