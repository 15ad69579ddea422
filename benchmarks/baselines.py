"""The benchmarks' baselines, served beside the product (ROOT_URLCONF of baseline_settings.py) and kept
out of it: a bare view (Django and the server with no work, the load benchmark's yardstick) and the
dashboard page with its figures reckoned from the raw records instead of the kept totals (what
benchmarks/dashboard.py measures keeping them against). The raw reckoning answers the same figures
as the kept one; dashboard.py checks that before it times either, and gives the raw records the
indexes of raw_care.py for it."""

from datetime import date, timedelta

from django.db.models import Count, Min, Sum
from django.http import HttpResponse
from django.urls import include, path
from raw_care import child_of

from qunfang.briefings import selectors as briefings
from qunfang.briefings.views import VIEW, dashboard_page
from qunfang.core.access import Scope, public, requires
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.core.views import period_from, place_for
from qunfang.donations import selectors as donations
from qunfang.donations.models import CashDonation, Designation
from qunfang.lib.figures import figures_of_apps
from qunfang.mobilization import selectors as mobilization
from qunfang.mobilization.models import ActivityRecord


@public
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@requires(Capability.VIEW_PLACES)
def signed_in_bare(request):
    """What every signed-in page does before its own work: the session, the user, the second factor's
    check and the scope, read through the whole middleware; the load benchmark's floor of a page."""
    return HttpResponse(f"ok {len(request.scope.place_ids)}", content_type="text/plain")


# --- the activities, summed from the ledger ------------------------------------------------------------


def _summed(place: OrgUnit, start: date, end: date, *, below: bool = False) -> list[dict]:
    """What mobilization.totals reads from the kept totals; `below`: only the places under `place`."""
    records = ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=(start, end))
    if below:
        records = records.exclude(place=place)
    sums = {
        row["activity_type"]: row
        for row in records.values("activity_type").annotate(count=Sum("count"), reached=Sum("people_reached"))
    }
    return [
        {
            "type": kind,
            "count": int(sums.get(kind.pk, {}).get("count") or 0),
            "reached": int(sums.get(kind.pk, {}).get("reached") or 0),
        }
        for kind in mobilization.activity_types()
    ]


def activity_figures(scope: Scope, place: OrgUnit, start: date, end: date):
    if not scope.allows(Capability.VIEW_ACTIVITIES, place):
        return mobilization.ActivityFigures()
    before = (start - (end - start) - timedelta(days=1), start - timedelta(days=1))
    previous = {row["type"].pk: row["count"] for row in _summed(place, *before)}
    below = {row["type"].pk: row for row in _summed(place, start, end, below=True)}
    deeds = mobilization.deeds(scope, place, start, end).count()
    return mobilization.activity_figures(_summed(place, start, end), below, previous, deeds)


def by_day(place: OrgUnit, start: date, end: date) -> list[dict]:
    """What mobilization.by_day reads from the kept totals."""
    kinds = [kind.pk for kind in mobilization.activity_types()]
    sums = {
        (row["day"], row["activity_type"]): row["count"]
        for row in ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=(start, end))
        .values("day", "activity_type")
        .annotate(count=Sum("count"))
    }
    days = sorted({day for day, _kind in sums})
    return [{"day": day, "counts": [sums.get((day, kind), 0) for kind in kinds]} for day in days]


def breakdown(scope: Scope, place: OrgUnit, start: date, end: date) -> list[dict]:
    """What mobilization.breakdown reads from the kept totals: each child place's sums."""
    kinds = [kind.pk for kind in mobilization.activity_types()]
    children = list(
        OrgUnit.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(parent=place)
        .order_by("code", "sort_name")
    )
    if not children:
        return []
    rows = (
        ActivityRecord.objects.filter(place__path__startswith=place.path, day__range=(start, end))
        .annotate(child=child_of(place, children))
        .values("child", "activity_type")
        .annotate(count=Sum("count"))
    )
    sums = {(row["child"], row["activity_type"]): row["count"] for row in rows}
    return [{"place": c, "counts": [sums.get((c.pk, kind), 0) for kind in kinds]} for c in children]


# --- the donations, summed from the gifts ---------------------------------------------------------------


def _given(place: OrgUnit, start: date | None, end: date) -> tuple[dict, list[dict]]:
    days = (start or date.min, end)
    gifts = CashDonation.objects.filter(place__path__startswith=place.path, day__range=days)
    parts = Designation.objects.filter(
        donation__place__path__startswith=place.path, donation__day__range=days
    )
    sums = gifts.aggregate(fen=Sum("amount_fen"), count=Count("pk"), since=Min("day"))
    return sums, donations.by_purpose(parts)


def donation_figures(scope: Scope, place: OrgUnit, start: date, end: date):
    if not scope.allows(Capability.VIEW_DONATIONS, place):
        return donations.DonationFigures()
    givers = CashDonation.objects.filter(place__path__startswith=place.path, day__range=(start, end))
    donors = {
        "donors": givers.values("donor").distinct().count(),
        "veterans": givers.filter(donor__is_veteran=True).values("donor").distinct().count(),
    }
    return donations.donation_figures(
        scope, place, start, end, _given(place, start, end), _given(place, None, end), donors
    )


RAW = {"mobilization": activity_figures, "donations": donation_figures}


def figures(scope: Scope, place: OrgUnit, start: date, end: date):
    """briefings.selectors.figures with the activities and the donations reckoned from the raw
    records; the other apps' blocks as they are."""
    found = briefings.Figures.of(place, start, end)
    for source in figures_of_apps():
        found.blocks[source.app] = RAW.get(source.app, source.read)(scope, place, start, end)
    return found


@requires(VIEW)
def raw_dashboard(request, place_id: int):
    place = place_for(request, place_id, VIEW)
    period, start, end = period_from(request)
    found = figures(request.scope, place, start, end)
    return dashboard_page(
        request,
        place,
        period,
        found,
        days=by_day(place, start, end),
        children=breakdown(request.scope, place, start, end),
    )


urlpatterns = [
    path("bench/bare", bare),
    path("bench/signed-in", signed_in_bare),
    path("bench/raw-dashboard/<int:place_id>/", raw_dashboard),
    path("", include("qunfang.urls")),
]
