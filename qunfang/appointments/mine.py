"""The veteran's appointment pages under /my/appointments/, phone first: their appointments with the
queue number and the hall's address; booking (a hall near them, then a slot with places left, by
links and one tap); an appointment's page, where it is cancelled. A visitor reaches only their own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.appointments import selectors, services
from qunfang.appointments.forms import BookForm
from qunfang.appointments.models import Appointment, Slot
from qunfang.core.views import add_service_errors
from qunfang.lib.twins import api_twin
from qunfang.portal.access import own, veteran_required


@veteran_required
def my_appointments(request):
    visitor = request.visitor
    return render(
        request,
        "appointments/mine.html",
        {
            "veteran": visitor.veteran,
            "rows": selectors.appointments_of([visitor.veteran.pk])[:30],
            "today": timezone.localdate(),
        },
    )


@veteran_required
@api_twin("qunfang.appointments.api.my_book")
def my_book(request):
    """Choose a hall near you, then one of its slots with places left."""
    veteran = request.visitor.veteran
    halls = list(selectors.halls_near(veteran))
    wanted = request.GET.get("hall", "")
    hall = next((h for h in halls if str(h.pk) == wanted), halls[0] if len(halls) == 1 else None)
    form = BookForm(request.POST or None)
    if request.method == "POST":
        if hall is None:
            raise Http404
        if form.is_valid():
            slot = (
                Slot.objects.filter(hall=hall, pk=form.cleaned_data["slot"])
                .select_related("hall__place")
                .first()
            )
            if slot is None:
                raise Http404
            try:
                made = services.book(
                    by=request.visitor, veteran=veteran, slot=slot, purpose=form.cleaned_data["purpose"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Booked: your queue number is %(number)s.") % {
                    "number": made.queue_number})  # fmt: skip
                return redirect(reverse("appointments:my_appointment", args=[made.pk]))
    days = selectors.by_day(selectors.open_slots(hall) if hall else [])
    day = next((d for d in days if d.isoformat() == request.GET.get("day")), next(iter(days), None))
    context = {"veteran": veteran, "halls": halls, "hall": hall, "days": days, "day": day, "form": form}
    context["keep"] = f"hall={hall.pk}&" if hall else ""  # the day links keep the chosen hall
    return render(request, "appointments/my_book.html", context | {"slots": days.get(day, [])})


@veteran_required
@api_twin("qunfang.appointments.api.my_cancel")
def my_appointment(request, appointment_id: int):
    appointment = own(
        request.visitor,
        Appointment.objects.select_related("slot", "hall__place", "veteran"),
        pk=appointment_id,
    )
    if request.method == "POST":
        try:
            services.cancel(by=request.visitor, appointment=appointment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return redirect(reverse("appointments:my_appointment", args=[appointment.pk]))
    return render(request, "appointments/my_appointment.html", {"appointment": appointment})
