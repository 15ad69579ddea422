"""What services online put elsewhere: a person's work due (applications waiting for their place's
review, and those gone up late from the places below: lib/work), its links at a place, the links on a
veteran's own home page (portal), and its sentence in a briefing (briefings/writing)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.work import Due, Link, Named
from qunfang.online import selectors
from qunfang.online.capabilities import Online
from qunfang.online.services import BUREAU_LEVELS

NAMED_AT_MOST = 5


def _named(applications) -> tuple[Named, ...]:
    return tuple(
        Named(f"{a.veteran.name} · {a.service.name}", reverse("online:application", args=[a.pk]))
        for a in applications[:NAMED_AT_MOST]
    )


def _due(title: str, found, url: str, late: bool) -> Due | None:
    listed = list(found[: NAMED_AT_MOST + 1])
    if not listed:
        return None
    count = found.count() if len(listed) > NAMED_AT_MOST else len(listed)
    return Due(title, url, count=count, late=late, named=_named(listed))


def work_for(scope: Scope, today: date) -> list[Due]:
    """For each of the person's own places where they review: what waits there (late first), and what
    waits past its deadline at a place below (escalated to them)."""
    now = timezone.now()
    found = []
    for place in scope.own_places:
        if not scope.allows(Online.REVIEW, place):
            continue
        url = reverse("online:queue", args=[place.pk])
        waiting = selectors.queue(scope, place)
        late_here = waiting.filter(step_due__lt=now).exists()
        found.append(
            _due(
                _("Online applications waiting for %(place)s") % {"place": place.name},
                waiting,
                url,
                late_here,
            )
        )
        found.append(
            _due(
                _("Online applications late below %(place)s") % {"place": place.name},
                selectors.late_below(scope, place, now),
                url + "#late",
                True,
            )
        )
    return [due for due in found if due is not None]


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Online.VIEW, place):
        return []
    found = [Link(_("Online applications"), reverse("online:queue", args=[place.pk]))]
    if place.level in BUREAU_LEVELS:
        found.append(Link(_("Services online"), reverse("online:services", args=[place.pk])))
    return found


def portal_links(visitor) -> list[Link]:
    return [
        Link(_("Apply for a service"), reverse("online:my_services"), primary=True),
        Link(_("My applications"), reverse("online:my_applications")),
    ]


def briefing_sections(found) -> list[dict]:
    """A sentence of the period's applications online, and one of those waiting late now."""
    block = found.online
    if block is None or not (block.received_in_period or block.waiting_now):
        return []
    text = _(
        "%(received)s applications for services online were received in the period, %(approved)s approved "
        "and %(returned)s returned to the veteran for amending."
    ) % {
        "received": block.received_in_period,
        "approved": block.approved_in_period,
        "returned": block.returned_in_period,
    }
    if block.late_now:
        text += _("%(late)s of the %(waiting)s under review now are past their step's deadline.") % {
            "late": block.late_now,
            "waiting": block.waiting_now,
        }
    return [{"heading": pgettext("briefing section", "Services online"), "text": text}]
