"""The overview of a place's day: who has not checked in, who is unwell, who is away, hours of the next
14 days nobody covers, overdue tasks; and what the operations pages share."""

from datetime import date

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from qunfang.core.access import requires
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import place_for
from qunfang.lib.dates import within_years
from qunfang.operations import selectors

VIEW, MANAGE = Capability.VIEW_OPERATIONS, Capability.MANAGE_OPERATIONS


def _day_from(request, name: str = "day") -> date:
    try:
        day = date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()
    return day if within_years(day) else timezone.localdate()


def _overview_url(place: OrgUnit) -> str:
    return reverse("operations:overview", args=[place.pk])


@requires(VIEW)
def overview(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    today = timezone.localdate()
    start, end = selectors.roster_window()
    gaps = selectors.roster_gaps(place, start, end)
    return render(
        request,
        "operations/overview.html",
        {
            "place": place,
            "board": selectors.health_board(request.scope, place, today),
            "away": selectors.away_on(request.scope, place, today),
            "gaps": gaps,
            "gap_hours": len(selectors.uncovered_hours(gaps)),
            "overdue": selectors.tasks(request.scope, place, overdue=True)[:20],
            "groups": selectors.groups(request.scope, place),
            "plans": selectors.plans(request.scope, place)[:10],
            "may_manage": request.scope.allows(MANAGE, place),
        },
    )
