"""The daily health check-in (one's own on a phone, or for a colleague), the return-to-work
screening, the day's health board with its reminders, and leave."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qunfang.core.access import requires, signed_in
from qunfang.core.views import add_service_errors, form_page, paginate, place_for, posted_form
from qunfang.lib.twins import api_twin
from qunfang.operations import exports, selectors, services
from qunfang.operations.forms import CheckInForm, LeaveForm, ReturnScreeningForm
from qunfang.operations.models import StaffMember
from qunfang.operations.views.overview import MANAGE, VIEW, _day_from
from qunfang.operations.views.staff import _staff, _staff_url

# --- health --------------------------------------------------------------------------------------------


def _check_in_page(request, person: StaffMember, done_url: str, title: str):
    today = timezone.localdate()
    existing = person.check_ins.filter(day=today).first()
    initial = {"whereabouts": person.place.name}
    if existing:
        initial = {
            "temperature": existing.temperature,
            "symptoms": existing.symptoms,
            "whereabouts": existing.whereabouts,
            "mode": existing.mode,
            "came_back_from": existing.came_back_from,
            "came_back_on": existing.came_back_on,
        }
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.check_in(by=request.user, staff=person, day=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if record.unwell:
                messages.warning(
                    request,
                    _(
                        "Recorded. With a fever or symptoms, stay home, tell your leader "
                        "and see the fever clinic."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Checked in for %(day)s: %(temperature)s °C.")
                    % {"day": today.isoformat(), "temperature": record.temperature},
                )
            return redirect(done_url)
    return render(
        request,
        "operations/check_in.html",
        {
            "form": form,
            "person": person,
            "place": person.place,
            "existing": existing,
            "title": title,
            "today": today,
        },
    )


@signed_in
@api_twin("qunfang.operations.api.work.check_in")
def my_check_in(request):
    person = StaffMember.objects.filter(user=request.user, active=True).select_related("place").first()
    if person is None:
        return render(request, "operations/check_in.html", {"person": None, "title": _("My health check-in")})
    return _check_in_page(request, person, reverse("operations:my_check_in"), _("My health check-in"))


@requires(MANAGE)
@api_twin("qunfang.operations.api.work.check_in")
def check_in_for(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    return _check_in_page(
        request,
        person,
        reverse("operations:health", args=[person.place_id]),
        _("Health check-in of %(name)s") % {"name": person.name},
    )


@requires(MANAGE)
@api_twin("qunfang.operations.api.work.screen_return")
def return_screening(request, staff_member_id: int):
    person = _staff(request, staff_member_id, MANAGE)
    form = ReturnScreeningForm(request.POST or None, initial={"first_day": timezone.localdate()})
    return form_page(
        request,
        form,
        title=_("Return-to-work screening of %(name)s") % {"name": person.name},
        place=person.place,
        save=lambda data: services.screen_return(by=request.user, staff=person, **data),
        done=lambda s: (
            _("Cleared to return on %(day)s.") % {"day": s.first_day}
            if s.cleared
            else _("Not cleared: keep %(name)s at home and under observation.") % {"name": person.name},
            _staff_url(person),
        ),
    )


@requires(VIEW)
def health(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    day = _day_from(request)
    board = selectors.health_board(request.scope, place, day)
    if request.GET.get("format") == "xlsx":
        return exports.HEALTH.response(board.rows, title=str(day), filename=f"{place.name}-health-{day}.xlsx")
    return render(
        request,
        "operations/health.html",
        {
            "place": place,
            "board": board,
            "day": day,
            "may_manage": request.scope.allows(MANAGE, place),
            "deadline": services.check_in_deadline(day),
            "screenings": selectors.return_screenings(request.scope, place)[:10],
        },
    )


@require_POST
@requires(MANAGE)
@api_twin("qunfang.operations.api.work.remind_to_check_in")
def health_remind(request, place_id: int):
    place = place_for(request, place_id, MANAGE)
    count = services.remind_to_check_in(place=place, any_time=True)
    messages.success(request, _("%(count)d staff member(s) reminded.") % {"count": count})
    return redirect("operations:health", place_id=place.pk)


# --- leave ---------------------------------------------------------------------------------------------


@requires(VIEW)
@api_twin("qunfang.operations.api.work.record_leave")
def leave_list(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    found = selectors.leaves(request.scope, place)
    if request.GET.get("format") == "xlsx":
        return exports.LEAVE.response(found, title=_("Leave"), filename=f"{place.name}-leave.xlsx")
    may_manage = request.scope.allows(MANAGE, place)
    today = timezone.localdate()
    form = LeaveForm(
        request.POST or None,
        staff=selectors.staff(request.scope, place),
        initial={"start": today, "end": today},
    )
    done = posted_form(
        request,
        form,
        allowed=may_manage,
        message=_("Leave recorded."),
        url=reverse("operations:leave", args=[place.pk]),
        save=lambda data: services.record_leave(by=request.user, **data),
    )
    return done or render(
        request,
        "operations/leave.html",
        {
            "place": place,
            "away": selectors.away_on(request.scope, place, today),
            "leaves": paginate(request, found, 50),
            "form": form,
            "may_manage": may_manage,
        },
    )
