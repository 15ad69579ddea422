"""The staff's appointment pages, phone first: a place's hall (set up, closed with the reason,
reopened), its slots made in bulk, the day's list (who comes when, the queue number, came or missed,
the next one called) and booking for a veteran who phones in."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from qunfang.appointments import selectors, services
from qunfang.appointments.forms import HallForm, MarkForm, SlotsForm, StaffBookForm
from qunfang.appointments.models import Appointment, Hall, Slot
from qunfang.appointments.selectors import MANAGE, VIEW
from qunfang.core.access import get_for, requires
from qunfang.core.views import add_service_errors, place_for, posted_form, search_text
from qunfang.lib.dates import within_years
from qunfang.lib.twins import api_twin
from qunfang.registry.models import Status, Veteran


def _day_of(request) -> date:
    """The day a page is about (?day=), today when none or nonsense is given."""
    found = parse_date_safely(request.GET.get("day", ""))
    return found or timezone.localdate()


def parse_date_safely(text: str) -> date | None:
    try:
        found = parse_date(text[:10])
    except ValueError:
        return None
    return found if found and within_years(found) else None


def _hall_for(request, hall_id: int, capability) -> Hall:
    return get_for(request.scope, Hall.objects.select_related("place"), capability, pk=hall_id)


@requires(VIEW)
@api_twin("qunfang.appointments.api.set_up_hall", "qunfang.appointments.api.change_hall")
def hall_page(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    may_manage = request.scope.allows(MANAGE, place)
    hall = Hall.objects.filter(place=place).first()
    if hall is None:
        if request.method == "POST":
            if not may_manage:
                raise Http404
            try:
                services.set_up_hall(by=request.user, place=place)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(reverse("appointments:hall", args=[place.pk]))
        return render(request, "appointments/hall.html", {"place": place, "may_manage": may_manage})
    initial = {f: getattr(hall, f) for f in ("name", "address", "closed_from", "closed_reason", "reopens_on")}
    form = HallForm(request.POST or None, initial=initial)
    answer = posted_form(
        request,
        form,
        allowed=may_manage,
        save=lambda d: services.change_hall(by=request.user, hall=hall, **d),
        message=_("The hall's settings are saved."),
        url=reverse("appointments:hall", args=[place.pk]),
    )
    if answer:
        return answer
    today = timezone.localdate()
    coming = selectors.slots_of(hall, today, today + timedelta(days=selectors.DAYS_AHEAD))
    days = [
        (day, len(slots), sum(s.booked for s in slots), sum(s.capacity for s in slots))
        for day, slots in selectors.by_day(list(coming)).items()
    ]
    context = {"place": place, "hall": hall, "form": form, "may_manage": may_manage, "days": days}
    return render(request, "appointments/hall.html", context | {"closed_today": hall.closed_on(today)})


@requires(VIEW)
@api_twin("qunfang.appointments.api.make_slots")
def slots_page(request, hall_id: int):
    hall = _hall_for(request, hall_id, VIEW)
    may_manage = request.scope.allows(MANAGE, hall.place)
    form = SlotsForm(request.POST or None)

    def save(data):
        return services.make_slots(
            by=request.user,
            hall=hall,
            first_day=data["first_day"],
            last_day=data["last_day"],
            periods=data["periods"],
            minutes=data["minutes"],
            capacity=data["capacity"],
            weekdays=data["weekdays"],
            purpose=data["purpose"],
        )

    answer = posted_form(
        request,
        form,
        allowed=may_manage,
        save=save,
        message=_("The slots are made."),
        url=reverse("appointments:hall", args=[hall.place_id]),
    )
    if answer:
        return answer
    return render(request, "appointments/slots.html", {"hall": hall, "place": hall.place, "form": form})


@requires(VIEW)
@api_twin(
    "qunfang.appointments.api.mark", "qunfang.appointments.api.cancel", "qunfang.appointments.api.call_next"
)
def day_page(request, hall_id: int):
    hall = _hall_for(request, hall_id, VIEW)
    day = _day_of(request)
    may_manage = request.scope.allows(MANAGE, hall.place)
    here = reverse("appointments:day", args=[hall.pk]) + f"?day={day.isoformat()}"
    if request.method == "POST":
        if not may_manage:
            raise Http404
        _act_on_day(request, hall, day)
        return redirect(here)
    rows = selectors.day_list(request.scope, hall, day)
    context = {
        "hall": hall,
        "place": hall.place,
        "day": day,
        "rows": rows,
        "may_manage": may_manage,
        "called": selectors.now_called(hall, day),
        "previous": day - timedelta(days=1),
        "following": day + timedelta(days=1),
        "today": timezone.localdate(),
    }
    return render(request, "appointments/day.html", context)


def _act_on_day(request, hall: Hall, day: date) -> None:
    """A tap on the day's list: the next one called, or an appointment marked came, missed, cancelled."""
    try:
        if "call" in request.POST:
            called = services.call_next(by=request.user, hall=hall, day=day)
            if called is None:
                messages.info(request, _("Nobody is waiting to be called."))
            else:
                messages.success(request, _("Calling number %(number)s: %(name)s.") % {
                    "number": called.queue_number, "name": called.veteran.name})  # fmt: skip
            return
        form = MarkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an appointment of the list."))
            return
        appointment = get_for(
            request.scope,
            Appointment.objects.filter(hall=hall).select_related("slot", "hall__place", "veteran"),
            MANAGE,
            pk=form.cleaned_data["appointment"],
        )
        if form.cleaned_data["outcome"] == "cancel":
            services.cancel(by=request.user, appointment=appointment)
        else:
            services.mark(by=request.user, appointment=appointment, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("Number %(number)s: %(state)s.") % {
            "number": appointment.queue_number, "state": appointment.state_label})  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@requires(VIEW)
@api_twin("qunfang.appointments.api.book_for")
def book_page(request, hall_id: int):
    """Booking for a veteran who phones in: find them on the roll, then tap one of the open slots."""
    hall = _hall_for(request, hall_id, VIEW)
    may_manage = request.scope.allows(MANAGE, hall.place)
    people = Veteran.objects.visible_to(request.scope, MANAGE).filter(status=Status.ACTIVE)
    form = StaffBookForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            veteran = get_for(
                request.scope, people.select_related("place"), MANAGE, pk=form.cleaned_data["veteran"]
            )
            slot = get_for(
                request.scope, Slot.objects.filter(hall=hall).select_related("hall__place"), MANAGE,
                pk=form.cleaned_data["slot"],
            )  # fmt: skip
            try:
                made = services.book(
                    by=request.user, veteran=veteran, slot=slot, purpose=form.cleaned_data["purpose"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Booked for %(name)s: number %(number)s.") % {
                    "name": veteran.name, "number": made.queue_number})  # fmt: skip
                return redirect(reverse("appointments:day", args=[hall.pk]) + f"?day={made.day.isoformat()}")
    chosen, query, day = None, search_text(request), None
    if picked := request.GET.get("veteran", "").strip():
        chosen = people.filter(pk=int(picked)).first() if picked.isdigit() and len(picked) < 18 else None
    found = people.filter(name__icontains=query).order_by("name", "pk")[:20] if query else []
    context = {
        "hall": hall, "place": hall.place, "form": form, "query": query, "found": found,
        "chosen": chosen, "may_manage": may_manage,
    }  # fmt: skip
    if chosen:
        days = selectors.by_day(selectors.open_slots(hall))
        day = next((d for d in days if d.isoformat() == request.GET.get("day")), next(iter(days), None))
        context |= {"days": days, "day": day, "slots": days.get(day, []), "keep": f"veteran={chosen.pk}&"}
    return render(request, "appointments/book_for.html", context)
