"""Phone screening pages: a community's rounds, starting one (script and callers), a round's progress per
grid and per caller with the households at risk, the caller's list on a phone (number shown on demand,
audited; outcome and note in two taps), and the round's calls as a spreadsheet."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qunfang.community import exports
from qunfang.community.forms.screening import RECORDABLE, RoundForm, ScreeningCallForm
from qunfang.community.models import Resident, ScreeningCall, ScreeningOutcome, ScreeningRound
from qunfang.community.selectors import screening as selectors
from qunfang.community.services import screening as services
from qunfang.core.access import requires, signed_in
from qunfang.core.models import Level
from qunfang.core.roles import Capability
from qunfang.core.views import back_to, form_page, paginate, place_for
from qunfang.lib.twins import api_twin


@requires(Capability.VIEW_COMMUNITY)
def rounds(request, place_id: int):
    place = place_for(request, place_id, Capability.VIEW_COMMUNITY)
    if place.level not in (Level.VILLAGE, Level.GRID):
        return render(request, "community/not_a_register.html", {"place": place})
    return render(
        request,
        "community/screening_rounds.html",
        {
            "place": place,
            "rounds": selectors.rounds(request.scope, place).order_by("-started_on", "-pk"),
            "may_manage": place.level == Level.VILLAGE
            and request.scope.allows(Capability.MANAGE_COMMUNITY, place),
        },
    )


@requires(Capability.MANAGE_COMMUNITY)
@api_twin("qunfang.community.api.screening.start_round")
def round_new(request, place_id: int):
    place = place_for(request, place_id, Capability.MANAGE_COMMUNITY)
    form = RoundForm(
        request.POST or None,
        callers=selectors.possible_callers(place),
        initial={
            "day": timezone.localdate(),
            "name": _("Phone screening %(day)s") % {"day": timezone.localdate()},
        },
    )
    return form_page(
        request,
        form,
        title=_("Start a phone screening round"),
        place=place,
        save=lambda data: services.start_round(
            by=request.user,
            community=place,
            name=data["name"],
            script=data["script"],
            callers=list(data["callers"]),
            day=data["day"],
        ),  # fmt: skip
        done=lambda round_: (_("Round %(name)s started.") % {"name": round_.name}, _round_url(round_)),
    )


def _round_url(round_: ScreeningRound) -> str:
    return reverse("community:screening_round", args=[round_.pk])


def _round(request, round_id: int) -> ScreeningRound:
    return selectors.round_for(request.scope, round_id)


@requires(Capability.VIEW_COMMUNITY)
@api_twin("qunfang.community.api.screening.close_round")
def round_detail(request, round_id: int):
    round_ = _round(request, round_id)
    if request.method == "POST" and "close" in request.POST:
        if not request.scope.allows(Capability.MANAGE_COMMUNITY, round_.place):
            raise Http404
        services.close_round(by=request.user, round_=round_)
        messages.success(request, _("Round %(name)s closed.") % {"name": round_.name})
        return redirect(_round_url(round_))
    return render(
        request,
        "community/screening_round.html",
        {
            "round": round_,
            # a grid worker does not see the whole community: her way back is her home
            "community_open": request.scope.allows(Capability.VIEW_COMMUNITY, round_.community),
            "place": round_.community,
            "totals": selectors.totals(request.scope, round_),
            "by_grid": selectors.progress_by_grid(request.scope, round_),
            "by_caller": selectors.progress_by_caller(request.scope, round_),
            "at_risk": selectors.calls_to_make(request.scope, round_, "at_risk")[:100],
            "may_manage": request.scope.allows(Capability.MANAGE_COMMUNITY, round_.place),
        },
    )


def _callable_calls(request):
    """The calls a user may make: those given to them, and any in the places whose register they keep
    (a grid worker takes over a colleague's)."""
    return ScreeningCall.objects.filter(
        Q(caller=request.user)
        | Q(pk__in=ScreeningCall.objects.visible_to(request.scope, Capability.MANAGE_COMMUNITY).values("pk"))
    ).select_related("round", "household__building", "place")


@signed_in
def calls(request, round_id: int):
    """A caller's list, phone-first: their calls due, or everyone's they may make (?who=all)."""
    mine_only = request.GET.get("who") != "all"
    found = _callable_calls(request).filter(round_id=round_id)
    if mine_only:
        found = found.filter(caller=request.user)
    # The round of calls she may make, or one she sees with no call of hers (an empty list, not 404).
    round_ = found.first().round if found.exists() else selectors.round_for(request.scope, round_id)
    waiting = request.GET.get("show", "waiting")
    shown = selectors.filter_calls(found, waiting)
    rows = paginate(request, shown)
    residents = _residents_of([c.household_id for c in rows])
    for call in rows:
        call.residents = residents.get(call.household_id, [])
        call.visit_note = _visit_note(call)
    query = "&".join(part for part in ("" if mine_only else "who=all", f"show={waiting}") if part)
    return render(
        request,
        "community/screening_calls.html",
        {
            "round": round_,
            "rows": rows,
            "show": waiting,
            "mine_only": mine_only,
            "page_query": query,
            "outcomes": RECORDABLE,
            "left": selectors.filter_calls(found, "waiting").count(),
            "total": found.count(),
        },
    )


def _residents_of(household_ids: list[int]) -> dict[int, list[Resident]]:
    found: dict[int, list[Resident]] = {}
    for resident in Resident.objects.filter(household__in=household_ids).exclude(status="moved_out"):
        found.setdefault(resident.household_id, []).append(resident)
    return found


def _visit_note(call: ScreeningCall) -> str:
    if call.outcome == ScreeningOutcome.NO_PHONE:
        return _("No phone in the register: visit at the door and record what you found.")
    return ""


def _call(request, call_id: int) -> ScreeningCall:
    call = _callable_calls(request).filter(pk=call_id).first()
    if call is None:
        raise Http404
    return call


def _back(request, call: ScreeningCall) -> str:
    """The list as the caller left it (its view and page), or her list of the round."""
    list_url = reverse("community:screening_calls", args=[call.round_id])
    return back_to(request, list_url if call.caller_id == request.user.pk else f"{list_url}?who=all")


@require_http_methods(["GET", "POST"])
@signed_in
@api_twin("qunfang.community.api.screening.reveal_screening_number")
def call_number(request, call_id: int):
    """The household's number shown on the call's own page, to dial and then record the outcome. The
    page opened again (a reload, Back) goes to the list: showing the number again is asked for."""
    call = _call(request, call_id)
    if request.method == "GET":
        return redirect(f"{_back(request, call)}#call-{call.pk}")
    number = services.number_to_call(by=request.user, call=call)
    back = _back(request, call)
    return render(
        request,
        "core/call_page.html",
        {
            "heading": str(call.household),
            "meta": f"{call.place.name} · {call.round.name}",
            "script": call.round.script,
            "list_name": _("Back to the list"),
            "back": f"{back}#call-{call.pk}",
            "call_id": call.pk,
            "revealed": {"pk": call.pk, "number": number},
            "record_url": reverse("community:screening_record", args=[call.pk]),
            "outcomes": RECORDABLE,
            "current": call.outcome,
            "note": call.note,
            "people": _residents_of([call.household_id]).get(call.household_id, []),
            "chosen": call.resident_id,
            "subject": call.household_id,
        },
    )


@require_POST
@signed_in
@api_twin("qunfang.community.api.screening.record_screening_call")
def call_record(request, call_id: int):
    call = _call(request, call_id)
    form = ScreeningCallForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose what came of the call."))
        resident_id = form.cleaned_data.get("resident")
        resident = (
            Resident.objects.filter(pk=resident_id, household=call.household).first() if resident_id else None
        )
        services.record_call(
            by=request.user, call=call, household_id=form.cleaned_data["household"],
            outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"], resident=resident,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Call to %(household)s recorded.") % {"household": call.household})
    return redirect(f"{_back(request, call)}#call-{call.pk}")


@requires(Capability.VIEW_COMMUNITY)
def round_export(request, round_id: int):
    round_ = _round(request, round_id)
    calls = selectors.calls_to_make(request.scope, round_).select_related("caller")
    return exports.SCREENING_CALLS.response(calls, title=round_.name[:30], filename=f"{round_.name}.xlsx")
