"""What bureau operations put on a person's home, on a place's page and in the menu (lib/work): her
tasks and those late, her health check-in of the day, and for those who keep the roster, its gaps."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.work import Due, Link
from qunfang.operations import selectors
from qunfang.operations.models import CheckIn, DutyShift, StaffMember, TaskStatus


def _staff_record(scope: Scope) -> StaffMember | None:
    """The user's staff record (an active one first), read once for the work and the menu."""
    return scope.remember(
        "operations:staff",
        lambda: StaffMember.objects.filter(user=scope.user).order_by("-active", "pk").first(),
    )


def _my_tasks(scope: Scope, today: date) -> list[Due]:
    open_tasks = selectors.my_tasks(scope.user, _staff_record(scope)).exclude(status=TaskStatus.DONE)
    counts = open_tasks.aggregate(count=Count("pk"), late=Count("pk", filter=Q(due__lt=today)))
    count, late = counts["count"], counts["late"]
    if not count:
        return []
    detail = (
        ngettext("%(count)s is past its due day", "%(count)s are past their due day", late) % {"count": late}
        if late
        else ""
    )
    return [Due(_("My tasks"), reverse("operations:my_tasks"), count=count, detail=detail, late=bool(late))]


def _my_check_in(scope: Scope, today: date) -> list[Due]:
    person = _staff_record(scope)
    if person is None or not person.active:
        return []
    done = CheckIn.objects.filter(staff=person, day=today).exists()
    title = _("Today's health check-in: done") if done else _("Today's health check-in: not yet")
    return [Due(title, reverse("operations:my_check_in"), done=done)]


def _roster_gaps(scope: Scope) -> list[Due]:
    found = []
    start, end = selectors.roster_window()
    for place in (p for p in scope.own_places if p.station_kind):
        if not scope.allows(Capability.MANAGE_OPERATIONS, place):
            continue
        if not DutyShift.objects.filter(place=place).exists():
            continue  # a place that keeps no roster has no gaps to speak of
        gaps = selectors.roster_gaps(place, start, end)
        hours = len(selectors.uncovered_hours(gaps))
        if hours:
            found.append(
                Due(
                    _("Duty roster: hours nobody covers in the next 14 days"),
                    reverse("operations:roster", args=[place.pk]),
                    count=hours,
                )
            )
    return found


def work_for(scope: Scope, today: date) -> list[Due]:
    return [*_my_tasks(scope, today), *_my_check_in(scope, today), *_roster_gaps(scope)]


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not place.has_station or not scope.allows(Capability.VIEW_OPERATIONS, place):
        return []
    return [
        Link(_("Bureau operations"), reverse("operations:overview", args=[place.pk])),
        Link(_("Duty roster"), reverse("operations:roster", args=[place.pk])),
    ]


def menu(scope: Scope) -> list[Link]:
    found = []
    person = _staff_record(scope)
    if person is not None and person.active:
        found.append(Link(_("My health check-in"), reverse("operations:my_check_in"), personal=True))
    if selectors.my_tasks(scope.user, person).exists():
        found.append(Link(_("My tasks"), reverse("operations:my_tasks"), personal=True))
    return found
