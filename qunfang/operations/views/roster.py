"""The duty roster's week (printable) with its gaps, shifts, and the office measures log."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.access import get_for, requires
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import form_page, paginate, period_from, place_for, posted_form
from qunfang.lib.pdf import pdf_response, render_pdf
from qunfang.lib.twins import api_twin
from qunfang.operations import exports, selectors, services
from qunfang.operations.forms import HandoverForm, MeasureForm, ShiftForm
from qunfang.operations.models import DutyShift
from qunfang.operations.views.overview import MANAGE, VIEW, _day_from

# --- duty roster ---------------------------------------------------------------------------------------


def _roster_context(request, place: OrgUnit) -> dict:
    monday = selectors.week_of(_day_from(request, "week"))
    return {
        "place": place,
        "monday": monday,
        "week": selectors.roster_week(request.scope, place, monday),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
    }


@requires(VIEW)
def roster(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    context = _roster_context(request, place)
    if request.GET.get("format") == "xlsx":
        monday = context["monday"]
        shifts = {e.shift.pk: e.shift for entries in context["week"].values() for e in entries}
        return exports.SHIFTS.response(
            shifts.values(), title=str(monday), filename=f"{place.name}-roster-{monday}.xlsx"
        )
    start, end = selectors.roster_window()
    gaps = selectors.roster_gaps(place, start, end)
    context.update(
        gaps=gaps,
        gap_hours=len(selectors.uncovered_hours(gaps)),
        window_end=end,
        may_manage=request.scope.allows(MANAGE, place),
        may_reveal=request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place),
    )
    return render(request, "operations/roster.html", context)


@requires(VIEW)
@api_twin("qunfang.operations.api.work.reveal_roster_phones")
def roster_pdf(request, place_id: int):
    """The printed week, with each person's phone: masked, or in full (posted by one who may reveal
    them, and kept in the audit log) for the sheet that goes on the duty room's wall."""
    place = place_for(request, place_id, VIEW)
    context = _roster_context(request, place)
    reveal = request.method == "POST" and request.scope.allows(Capability.REVEAL_PERSONAL_DATA, place)
    if request.method == "POST" and not reveal:
        raise Http404
    if reveal:
        services.reveal_roster_phones(by=request.user, place=place, monday=context["monday"])
    context.update(phones=True, reveal_phones=reveal)
    pdf = render_pdf("operations/roster_pdf.html", context, request)
    return pdf_response(pdf, f"{place.name}-roster-{context['monday']}.pdf")


@requires(MANAGE)
@api_twin("qunfang.operations.api.work.add_shift")
def shift_new(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    day = _day_from(request)
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())).replace(hour=8)
    form = ShiftForm(
        request.POST or None,
        staff=selectors.staff(request.scope, place),
        initial={"start": start, "end": start + timedelta(days=1)},
    )
    return form_page(
        request,
        form,
        title=_("Add a duty shift"),
        place=place,
        save=lambda data: services.save_shift(by=request.user, place=place, **data),
        done=lambda s: (
            _("Shift %(when)s added.") % {"when": s},
            reverse("operations:roster", args=[place.pk]) + f"?week={timezone.localtime(s.start).date()}",
        ),
    )


@requires(VIEW)
@api_twin("qunfang.operations.api.work.write_handover")
def shift_detail(request, shift_id: int):
    shift = get_for(request.scope, DutyShift.objects.select_related("place", "leader"), VIEW, pk=shift_id)
    may_manage = request.scope.allows(MANAGE, shift.place)
    form = HandoverForm(request.POST or None, initial={"handover_note": shift.handover_note})
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Handover note saved."),
        url=reverse("operations:shift", args=[shift.pk]),
        save=lambda data: services.write_handover(by=request.user, shift=shift, note=data["handover_note"]),
    )
    return done or render(
        request,
        "operations/shift.html",
        {"shift": shift, "place": shift.place, "form": form, "may_manage": may_manage},
    )


# --- office measures -----------------------------------------------------------------------------------


@requires(VIEW)
@api_twin("qunfang.operations.api.work.record_measure")
def measures(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    period, start, end = period_from(request)
    found = selectors.measures(request.scope, place, start, end)
    if request.GET.get("format") == "xlsx":
        return exports.MEASURES.response(
            found, title=_("Office measures"), filename=f"{place.name}-measures.xlsx"
        )
    may_manage = request.scope.allows(MANAGE, place)
    form = MeasureForm(request.POST or None, initial={"day": timezone.localdate()})
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Recorded."),
        url=reverse("operations:measures", args=[place.pk]),
        save=lambda data: services.record_measure(by=request.user, place=place, **data),
    )
    return done or render(
        request,
        "operations/measures.html",
        {
            "place": place,
            "measures": paginate(request, found, 50),
            "form": form,
            "period": period,
            "may_manage": may_manage,
        },
    )
