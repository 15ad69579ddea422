"""What care puts on a person's home and a place's page (lib/work), on a veteran's page (lib/person)
and in a briefing: the calls and visits due this week and those overdue at a station, the links at a
place, the person's file card."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.care import selectors
from qunfang.care.roles import RECORD_CARE, SET_CARE_RULES, VIEW_CARE
from qunfang.core.access import Scope
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.lib.work import Due, Link


def work_for(scope: Scope, today: date) -> list[Due]:
    found = []
    for place in scope.own_places:
        if not scope.allows(RECORD_CARE, place):
            continue
        dues = list(selectors.due_this_week(scope, place, today).values_list("due", flat=True)[:1000])
        overdue = sum(1 for day in dues if day < today)
        url = reverse("care:due", args=[place.pk])
        if overdue:
            found.append(
                Due(
                    _("Calls and visits overdue: %(place)s") % {"place": place.name},
                    url,
                    count=overdue,
                    late=True,
                )
            )
        if len(dues) > overdue:
            found.append(
                Due(
                    _("Calls and visits due this week: %(place)s") % {"place": place.name},
                    url,
                    count=len(dues) - overdue,
                )
            )
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(VIEW_CARE, place):
        return []
    found = [
        Link(
            _("Calls and visits due"),
            reverse("care:due", args=[place.pk]),
            primary=place.level == Level.VILLAGE,
        )
    ]
    if place.level != Level.VILLAGE:
        found.append(Link(_("Overdue, gone up"), reverse("care:gone_up", args=[place.pk])))
    if LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]:
        found.append(Link(_("Care rules"), reverse("care:rules", args=[place.pk])))
        found.append(Link(_("Festival rounds"), reverse("care:rounds", args=[place.pk])))
    return found


def person_sections(request, veteran) -> list:
    scope = request.scope
    if not scope.allows(VIEW_CARE, veteran.place):
        return []
    context = {
        "veteran": veteran,
        "file": selectors.person_file(veteran),
        "today": timezone.localdate(),
        "may_record": scope.allows(RECORD_CARE, veteran.place),
    }
    return [render_to_string("care/_person.html", context, request=request)]


def briefing_sections(found) -> list[dict]:
    care = found.care
    if care is None or not (care.calls_done or care.visits_done):
        return []
    text = _(
        "%(calls)s calls and %(visits)s home visits were made to veterans, %(on_time)s of them on time; "
        "%(overdue)s calls and visits are overdue."
    ) % {
        "calls": care.calls_done,
        "visits": care.visits_done,
        "on_time": care.done_on_time,
        "overdue": care.calls_overdue + care.visits_overdue,
    }
    return [{"heading": _("Everyday contact with veterans"), "text": text}]


def may_set_rules(scope: Scope, place: OrgUnit) -> bool:
    return scope.allows(SET_CARE_RULES, place) and LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]
