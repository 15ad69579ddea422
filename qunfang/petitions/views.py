"""Petition pages, phone first: a place's petitions by state with the late ones first; a petition found
(from the list or from a veteran's page); a petition's page with its history and the form of its next
step (register with an owner, resolve with the answer, visit again), a change of owner, a withdrawal;
the month's risk screening (the station signs, the place above countersigns, the stations yet to sign);
the bureau's deadlines per step."""

import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qunfang.core.access import get_for, requires
from qunfang.core.views import form_page, paginate, place_for, posted_form, search_text
from qunfang.core.widgets import pick_url
from qunfang.lib.twins import api_twin
from qunfang.petitions import selectors, services
from qunfang.petitions.capabilities import HANDLE_PETITIONS, SET_DEADLINES, VIEW_PETITIONS
from qunfang.petitions.forms import (
    DeadlinesForm,
    FoundForm,
    OwnerForm,
    RegisterForm,
    ResolveForm,
    RevisitForm,
    ScreeningForm,
    WithdrawForm,
)
from qunfang.petitions.models import Petition, Screening, State
from qunfang.registry.models import Status, Veteran


def _petition_url(petition: Petition) -> str:
    return reverse("petitions:detail", args=[petition.pk])


@requires(VIEW_PETITIONS)
def petition_list(request, place_id: int):
    place = place_for(request, place_id, VIEW_PETITIONS)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    states = [("", _("All"))] + [("late", pgettext("petition", "Late"))] + [(s.value, s.label) for s in State]
    return render(
        request,
        "petitions/list.html",
        {
            "place": place,
            "today": today,
            "state": state,
            "states": states,
            "counts": selectors.counts_by_state(request.scope, place, today),
            "rows": paginate(
                request, selectors.petitions(request.scope, place, state=state, today=today), 30
            ),
            "may_handle": request.scope.allows(HANDLE_PETITIONS, place),
            "may_set": request.scope.allows(SET_DEADLINES, place),
        },
    )


def _veterans(request, place):
    return Veteran.objects.visible_to(request.scope, VIEW_PETITIONS).under(place).filter(status=Status.ACTIVE)


@requires(VIEW_PETITIONS)
def veteran_pick(request, place_id: int):
    """The first veterans on the place's roll whose name holds the typed text, for the petition form."""
    place = place_for(request, place_id, VIEW_PETITIONS)
    text = search_text(request)[:50]
    found = (
        _veterans(request, place).filter(name__icontains=text).select_related("place")[:20] if text else []
    )
    return JsonResponse([{"id": v.pk, "label": f"{v.name} · {v.place.name}"} for v in found], safe=False)


@requires(HANDLE_PETITIONS)
@api_twin("qunfang.petitions.api.record_found")
def petition_new(request, place_id: int):
    place = place_for(request, place_id, HANDLE_PETITIONS)
    initial = {"day": timezone.localdate(), "submission": uuid.uuid4().hex}
    if request.GET.get("veteran", "").isdigit():  # from the veteran's page
        initial["veteran"] = int(request.GET["veteran"])
    form = FoundForm(request.POST or None, veterans=_veterans(request, place), initial=initial)
    for name in form.fields:
        if name == "veteran" or name.startswith("also_"):
            pick_url(form.fields[name], reverse("petitions:veteran_pick", args=[place.pk]))

    def save(data):
        return services.record_found(
            by=request.user,
            place=place,
            veterans=form.petitioners(),
            subject=data["subject"],
            matter=data["matter"],
            day=data["day"],
            kind=data["kind"],
            people=data["people"],
            submission=data["submission"],
        )

    return form_page(
        request,
        form,
        title=_("Record a petition"),
        place=place,
        save=save,
        done=lambda petition: (
            _("Petition recorded: register it within its deadline."),
            _petition_url(petition),
        ),
    )


STEP_FORMS = {"register": RegisterForm, "resolve": ResolveForm, "revisit": RevisitForm}
STEP_NAMES = {
    "register": lambda: _("Register"),
    "resolve": lambda: _("Resolve"),
    "revisit": lambda: _("Visit again"),
}


def _step_form(petition: Petition, posted, today: date, user):
    step = petition.next_step
    if not step:
        return None
    form_class = STEP_FORMS[step]
    kwargs = {"owners": selectors.possible_owners(petition.place)} if step == "register" else {}
    data = posted if posted is not None and posted.get("step") == step else None
    initial = {"day": today}
    if step == "register" and services.may_own(user, petition.place):
        initial["owner"] = user.pk  # who registers it mostly owns it
    return form_class(data, initial=initial, prefix=step, **kwargs)


def _save_step(request, petition: Petition, step: str, data: dict):
    by = request.user
    if step == "register":
        return services.register(
            by=by, petition=petition, day=data["day"], owner=data["owner"], note=data["note"]
        )
    if step == "resolve":
        return services.resolve(by=by, petition=petition, day=data["day"], answer=data["answer"])
    if step == "revisit":
        return services.revisit(
            by=by, petition=petition, day=data["day"], note=data["note"], satisfied=data["satisfied"]
        )
    if step == "owner":
        return services.change_owner(by=by, petition=petition, owner=data["owner"], note=data["note"])
    return services.withdraw(by=by, petition=petition, reason=data["reason"])


@requires(VIEW_PETITIONS)
@api_twin(
    "qunfang.petitions.api.register",
    "qunfang.petitions.api.resolve",
    "qunfang.petitions.api.revisit",
    "qunfang.petitions.api.change_owner",
    "qunfang.petitions.api.withdraw",
)
def petition_detail(request, petition_id: int):
    petition = get_for(
        request.scope, Petition.objects.select_related("place", "owner"), VIEW_PETITIONS, pk=petition_id
    )
    today = timezone.localdate()
    may_handle = request.scope.allows(HANDLE_PETITIONS, petition.place)
    posted = request.POST if request.method == "POST" else None
    step = posted.get("step", "") if posted else ""
    forms = {
        "next": _step_form(petition, posted, today, request.user),
        "owner": OwnerForm(
            posted if step == "owner" else None,
            prefix="owner",
            owners=selectors.possible_owners(petition.place),
        ),
        "withdraw": WithdrawForm(posted if step == "withdraw" else None, prefix="withdraw"),
    }
    chosen = forms["next"] if step == petition.next_step else forms.get(step)
    if posted is not None and chosen is not None:
        answer = posted_form(
            request,
            chosen,
            allowed=may_handle,
            message=_("Saved."),
            url=_petition_url(petition),
            save=lambda data: _save_step(request, petition, step, data),
        )
        if answer:
            return answer
    elif posted is not None:  # a page left open while someone else took the step
        messages.error(request, _("That step is done already, or not yet due: see the history."))
        return redirect(_petition_url(petition))
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "place": petition.place,
            "today": today,
            "late": petition.is_late(today),
            "veterans": petition.veterans.select_related("place").order_by("name"),
            "steps": petition.steps.select_related("by").order_by("pk"),
            "forms": forms,
            "may_handle": may_handle,
            "next_name": STEP_NAMES[petition.next_step]() if petition.next_step else "",
        },
    )


def _month(request) -> date:
    today = timezone.localdate().replace(day=1)
    try:
        chosen = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return today
    return chosen if date(2000, 1, 1) <= chosen <= today else today


@requires(VIEW_PETITIONS)
@api_twin("qunfang.petitions.api.sign_screening", "qunfang.petitions.api.countersign_screening")
def screening(request, place_id: int):
    place = place_for(request, place_id, VIEW_PETITIONS)
    month = _month(request)
    may_handle = request.scope.allows(HANDLE_PETITIONS, place)
    own = Screening.objects.filter(place=place, month=month).select_related("signed_by").first()
    is_station = place.level in selectors.STATION_LEVELS and bool(place.station_kind)
    posted = request.POST if request.method == "POST" else None
    initial = {"people": own.people, "risks": own.risks, "note": own.note} if own else {}
    form = ScreeningForm(posted if posted and "sign" in posted else None, initial=initial)
    if posted and "sign" in posted:
        answer = posted_form(
            request,
            form,
            allowed=may_handle and is_station,
            message=_("Screening signed off."),
            url=request.get_full_path(),
            save=lambda data: services.sign_screening(by=request.user, place=place, month=month, **data),
        )
        if answer:
            return answer
    elif posted and "countersign" in posted:
        return _countersign(request, place, month)
    return render(
        request,
        "petitions/screening.html",
        {
            "place": place,
            "month": month,
            "own": own,
            "form": form,
            "is_station": is_station,
            "may_handle": may_handle,
            "waiting": selectors.to_countersign(place, month) if may_handle else [],
            "rows": selectors.screenings(request.scope, place, month).exclude(place=place),
            "not_signed": selectors.not_signed(place, month).exclude(pk=place.pk),
        },
    )


def _countersign(request, place, month):
    found = request.POST.get("countersign", "")
    screening_row = get_for(
        request.scope,
        Screening.objects.under(place).select_related("place"),
        HANDLE_PETITIONS,
        pk=found if found.isdigit() else 0,
    )
    try:
        services.countersign_screening(by=request.user, screening=screening_row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Countersigned: %(place)s.") % {"place": screening_row.place.name})
    return redirect(f"{reverse('petitions:screening', args=[place.pk])}?month={month:%Y-%m}")


@requires(SET_DEADLINES)
@api_twin("qunfang.petitions.api.set_deadlines")
def deadlines(request, place_id: int):
    place = place_for(request, place_id, SET_DEADLINES)
    return form_page(
        request,
        DeadlinesForm(request.POST or None, initial=services.deadlines_for(place)),
        title=_("Petition deadlines: %(place)s") % {"place": place.name},
        place=place,
        save=lambda data: services.set_deadlines(by=request.user, place=place, **data),
        done=lambda row: (_("Deadlines saved."), reverse("petitions:list", args=[place.pk])),
    )
