"""What appointments put on a person's home (today's appointments at their hall), on a place's page
(its hall), on the veteran's home (their appointments) and in a briefing (the period's appointments)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from qunfang.appointments.models import Appointment, AppointmentState, Hall
from qunfang.appointments.selectors import VIEW
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit, StationKind
from qunfang.lib.work import Due, Link


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        hall = Hall.objects.filter(place=place).first()
        if hall is None or not scope.allows(VIEW, place):
            continue
        coming = Appointment.objects.filter(hall=hall, day=today, state=AppointmentState.BOOKED).count()
        if coming:
            found.append(
                Due(
                    _("Today's appointments: %(hall)s") % {"hall": hall.name},
                    reverse("appointments:day", args=[hall.pk]) + f"?day={today.isoformat()}",
                    count=coming,
                )
            )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW, place) or place.station_kind == StationKind.NONE:
        return []
    return [Link(_("Service hall and appointments"), reverse("appointments:hall", args=[place.pk]))]


def portal_links(visitor) -> list[Link]:
    return [Link(_("Appointments at the hall"), reverse("appointments:mine"), primary=True)]


def briefing_sections(found) -> list[dict]:
    block = getattr(found, "appointments", None)
    if block is None or not block.booked:
        return []
    text = _(
        "%(booked)s appointments were held at the service halls in the period: %(came)s veterans came, "
        "%(missed)s missed theirs."
    ) % {"booked": block.booked, "came": block.came, "missed": block.missed}
    return [{"heading": _("Appointments at the halls"), "text": text}]
