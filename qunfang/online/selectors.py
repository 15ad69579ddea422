"""Reads of services online, scope first: the services offered where a veteran lives and those a
bureau defines; a place's review queue (late first) and what has gone up late from below; an
application with its documents and steps; a veteran's own applications; and the figures of a place and
period, read from the kept totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.lib.figures import counted
from qunfang.online.capabilities import Online
from qunfang.online.models import (
    ActingLevel,
    Application,
    ApplicationDay,
    ApplicationState,
    OnlineService,
    ReviewStepKind,
)


def offered_to(veteran) -> QuerySet[OnlineService]:
    """The open services of the bureaus above (or at) the veteran's place."""
    place = veteran.place
    return OnlineService.objects.filter(place_id__in=[*place.ancestor_ids, place.pk], is_open=True).order_by(
        "place__depth", "name"
    )


def services_at(place: OrgUnit) -> QuerySet[OnlineService]:
    """The services a place's veterans may be offered: the place's own and those of the bureaus above."""
    return OnlineService.objects.filter(place_id__in=[*place.ancestor_ids, place.pk]).select_related("place")


def _listed(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("service", "veteran", "place", "at")


def queue(scope: Scope, place: OrgUnit) -> QuerySet[Application]:
    """What waits on the place's review, the oldest deadline (the late ones) first."""
    found = Application.objects.visible_to(scope, Online.VIEW).filter(
        at=place, state=ApplicationState.UNDER_REVIEW
    )
    return _listed(found).order_by("step_due", "pk")


def late_below(scope: Scope, place: OrgUnit, now: datetime | None = None) -> QuerySet[Application]:
    """Applications waiting past their step's deadline at a place under this one: gone up to it."""
    now = now or timezone.now()
    found = (
        Application.objects.visible_to(scope, Online.VIEW)
        .filter(at__path__startswith=place.path, state=ApplicationState.UNDER_REVIEW, step_due__lt=now)
        .exclude(at=place)
    )
    return _listed(found).order_by("step_due", "pk")


def applications(scope: Scope, place: OrgUnit, state: str = "") -> QuerySet[Application]:
    found = _listed(Application.objects.visible_to(scope, Online.VIEW).under(place)).order_by(
        "-created_at", "-pk"
    )
    return found.filter(state=state) if state else found


def application_query() -> QuerySet[Application]:
    """The applications as one application's page reads one (through get_for or portal's own)."""
    return Application.objects.select_related("service__place", "veteran", "place", "at")


def steps(application: Application):
    return application.steps.select_related("place", "by").order_by("pk")


def documents(application: Application):
    return application.documents.filter(current=True).order_by("pk")


def of_veteran(veteran) -> QuerySet[Application]:
    """A veteran's own applications (the veteran's pages filter by the one they act for)."""
    return _listed(Application.objects.filter(veteran_id=veteran.pk)).order_by("-created_at", "-pk")


def is_late(application: Application, now: datetime | None = None) -> bool:
    return application.state == ApplicationState.UNDER_REVIEW and application.step_due < (
        now or timezone.now()
    )


# --- the figures of a place and period (dashboards, briefings, the API) --------------------------------


@dataclass
class OnlineFigures:
    received_in_period: int = counted(
        _("Applications for services online first sent in the period by veterans of the place or below.")
    )
    approved_in_period: int = counted(
        _("Applications of those veterans approved at the last step of their review path in the period.")
    )
    returned_in_period: int = counted(
        _("Times in the period an application of those veterans was returned to the veteran with a reason.")
    )
    waiting_now: int = counted(_("Their applications under review now, at whichever step."), running=True)
    late_now: int = counted(
        _("Of those, the ones waiting past their step's deadline now (gone up to the place above)."),
        running=True,
    )


def kept_by_service(place: OrgUnit, start: date, end: date) -> dict[int, dict[str, int]]:
    """The kept totals of the place and period by service id: received, approved, returned."""
    rows = (
        ApplicationDay.objects.filter(place=place, day__range=(start, end))
        .values("service_id")
        .annotate(received=Sum("received"), approved=Sum("approved"), returned=Sum("returned"))
    )
    return {row.pop("service_id"): row for row in rows}


def figures_for(
    scope: Scope, place: OrgUnit, start: date, end: date, now: datetime | None = None
) -> OnlineFigures:
    """The place's applications in the period from the kept totals; what waits now from the
    applications' kept steps and deadlines (one indexed count each)."""
    if not scope.allows(Online.VIEW, place):
        return OnlineFigures()
    kept = ApplicationDay.objects.filter(place=place, day__range=(start, end)).aggregate(
        received=Sum("received"), approved=Sum("approved"), returned=Sum("returned")
    )
    waiting = Application.objects.under(place).filter(state=ApplicationState.UNDER_REVIEW)
    return OnlineFigures(
        received_in_period=kept["received"] or 0,
        approved_in_period=kept["approved"] or 0,
        returned_in_period=kept["returned"] or 0,
        waiting_now=waiting.count(),
        late_now=waiting.filter(step_due__lt=now or timezone.now()).count(),
    )


def labelled_path(path: list[dict], at: int | None = None) -> list[dict]:
    """The path's steps with their labels to show, the one at index `at` marked."""
    return [
        {
            **step,
            "index": index,
            "here": index == at,
            "level_label": ActingLevel(step["level"]).label,
            "kind_label": ReviewStepKind(step["kind"]).label,
        }
        for index, step in enumerate(path)
    ]
