"""What mobilization puts on a person's home and on a place's page (lib/work): today's work to record
at her station, and the volunteers' sign-ups waiting for it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Due, Link
from qunfang.mobilization import selectors
from qunfang.mobilization.models import ActivityType, Volunteer, VolunteerStatus


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in (p for p in scope.own_places if p.station_kind):
        if scope.allows(Capability.RECORD_ACTIVITIES, place):
            recorded = selectors.recorded_on(place, today)
            detail = (
                ngettext("%(count)s kind of work recorded", "%(count)s kinds of work recorded", len(recorded))
                % {"count": len(recorded)}
                if recorded
                else _("Nothing recorded yet today")
            )
            found.append(
                Due(
                    _("Record today's work"),
                    reverse("mobilization:day_entry", args=[place.pk]),
                    detail=detail,
                )
            )
        if scope.allows(Capability.MANAGE_VOLUNTEERS, place):
            waiting = Volunteer.objects.filter(place=place, status=VolunteerStatus.PENDING).count()
            if waiting:
                url = f"{reverse('mobilization:volunteers', args=[place.pk])}?status=pending"
                found.append(Due(_("Volunteers' sign-ups to confirm"), url, count=waiting))
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    found = []
    if scope.allows(Capability.RECORD_ACTIVITIES, place):
        found.append(
            Link(_("Record today's work"), reverse("mobilization:day_entry", args=[place.pk]), primary=True)
        )
    if scope.allows(Capability.VIEW_ACTIVITIES, place):
        found += [
            Link(_("Statistics"), reverse("mobilization:stats", args=[place.pk])),
            Link(_("Volunteers"), reverse("mobilization:volunteers", args=[place.pk])),
            Link(_("Deeds"), reverse("mobilization:deeds", args=[place.pk])),
        ]
    return found


def audit_labels() -> dict[str, str]:
    """The audit log names an activity's record by its activity types (core/audit_words)."""
    return {kind.code: kind.name for kind in ActivityType.objects.all()}
