"""What petitions put on a person's home (late steps, steps due this week, the month's screening to
sign or countersign), on a place's page (its links), on a veteran's page (their petitions) and in a
briefing (the period's petitions)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.work import Due, Link
from qunfang.petitions import selectors
from qunfang.petitions.capabilities import HANDLE_PETITIONS, VIEW_PETITIONS


def _list_url(place: OrgUnit, state: str = "") -> str:
    url = reverse("petitions:list", args=[place.pk])
    return f"{url}?state={state}" if state else url


def _screening_url(place: OrgUnit) -> str:
    return reverse("petitions:screening", args=[place.pk])


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        if scope.allows(HANDLE_PETITIONS, place):
            found += _petitions_due(place, today) + _screenings_due(place, today)
    return found


def _petitions_due(place: OrgUnit, today: date) -> list[Due]:
    found = []
    late = selectors.late_for(place, today).count()
    if late:
        found.append(
            Due(
                _("Petitions with a late step: %(place)s") % {"place": place.name},
                _list_url(place, "late"),
                count=late,
                late=True,
            )
        )
    soon = selectors.due_soon(place, today).count()
    if soon:
        found.append(
            Due(
                _("Petition steps due this week: %(place)s") % {"place": place.name},
                _list_url(place),
                count=soon,
                detail=_("within 7 days"),
            )
        )
    return found


def _screenings_due(place: OrgUnit, today: date) -> list[Due]:
    found = []
    month = today.replace(day=1)
    if place.level in selectors.STATION_LEVELS and place.station_kind:
        if not selectors.screenings_signed(place, month):
            found.append(
                Due(
                    _("Risk screening of %(month)s to sign off: %(place)s")
                    % {"month": month.strftime("%Y-%m"), "place": place.name},
                    _screening_url(place),
                )
            )
    # the stations one level down are this place's to countersign (the page lists all below it)
    waiting = selectors.to_countersign(place, month).filter(place__parent=place).count()
    if waiting:
        found.append(
            Due(
                _("Risk screenings to countersign: %(place)s") % {"place": place.name},
                _screening_url(place),
                count=waiting,
            )
        )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW_PETITIONS, place):
        return []
    return [
        Link(_("Petitions"), _list_url(place)),
        Link(_("Risk screening of the month"), _screening_url(place)),
    ]


def person_sections(request, veteran) -> list:
    scope = request.scope
    if not scope.allows(VIEW_PETITIONS, veteran.place):
        return []
    context = {
        "veteran": veteran,
        "rows": list(selectors.of_veteran(scope, veteran)[:20]),
        "may_handle": scope.allows(HANDLE_PETITIONS, veteran.place),
        "today": timezone.localdate(),
    }
    return [render_to_string("petitions/_person.html", context, request=request)]


def briefing_sections(found) -> list[dict]:
    block = found.petitions
    if block is None or not (block.found_in_period or block.resolved_in_period or block.open_at_end):
        return []
    text = _(
        "%(found)s petitions of veterans were found and registered in the period, %(resolved)s were "
        "resolved (%(on_time)s of them on time) and %(revisited)s petitioners were visited again; "
        "%(open)s petitions were still open at the period's end."
    ) % {
        "found": block.found_in_period,
        "resolved": block.resolved_in_period,
        "on_time": block.resolved_on_time_in_period,
        "revisited": block.revisited_in_period,
        "open": block.open_at_end,
    }
    return [{"heading": _("Petitions and the rights of veterans"), "text": text}]
