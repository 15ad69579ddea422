"""What daily reporting puts on a person's home, on a place's page and in the menu (lib/work): the
report her station owes, its deadline and whether it is in; for those who review, the places not yet
reported, by name with their phone and a reminder, and the reports waiting for review."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.dates import short_moment
from qunfang.lib.work import Due, Link, Named
from qunfang.reporting import selectors
from qunfang.reporting.forms import default_period
from qunfang.reporting.models import DataField, DataSet
from qunfang.reporting.services import deadline, period_length
from qunfang.reporting.views import place_url


def _own_report(scope: Scope, data_set: DataSet, place: OrgUnit) -> list[Due]:
    """The period still due (before the deadline hour, yesterday's), and the one before if it is late."""
    due_period = default_period(data_set)
    periods = [due_period - timedelta(days=period_length(data_set)), due_period]
    found = []
    for period in periods:
        report = selectors.report_for(scope, data_set, place, period)
        due_at = deadline(data_set, period)
        late = report is None and timezone.now() >= due_at
        if period != due_period and not late:
            continue  # the earlier period is in, or not yet due: nothing to say of it
        day = date_format(period, "MONTH_DAY_FORMAT")
        if report is None:
            title = _("%(data_set)s for %(day)s: not sent") % {"data_set": data_set.name, "day": day}
            url = (
                f"{reverse('reporting:submit', args=[place.pk])}?set={data_set.code}&day={period.isoformat()}"
            )
            detail = _("Due by %(time)s") % {"time": short_moment(due_at)}
        else:
            title = _("%(data_set)s for %(day)s: sent") % {"data_set": data_set.name, "day": day}
            url = place_url(place.pk, data_set, period)
            detail = report.get_status_display()
        found.append(Due(title, url, detail=detail, late=late, done=report is not None))
    return found


def _places_below(scope: Scope, data_set: DataSet, place: OrgUnit) -> list[Due]:
    """The places below that have not sent the period due, named, and what waits for review."""
    period = default_period(data_set)
    counted = selectors.completeness(scope, data_set, place, period).place
    found = []
    if counted.expected:
        day = date_format(period, "MONTH_DAY_FORMAT")
        may_remind = scope.allows(Capability.APPROVE_REPORTS, place)
        named = tuple(
            Named(
                name=missing.place.name,
                url=place_url(missing.place.pk, data_set, period),
                phone=missing.place.phone,
                action_label=(
                    _("Reminded %(time)s") % {"time": short_moment(missing.reminded_at)}
                    if missing.reminded_at
                    else _("Remind")
                    if may_remind
                    else ""
                ),
                action_url=(
                    f"{reverse('reporting:remind', args=[missing.place.pk])}?set={data_set.code}"
                    f"&day={period.isoformat()}"
                    if may_remind and not missing.reminded_at
                    else ""
                ),
            )
            for missing in selectors.missing_places(scope, data_set, place, period, limit=12)
        )
        found.append(
            Due(
                _("%(data_set)s for %(day)s: places not yet reported")
                % {"data_set": data_set.name, "day": day},
                place_url(place.pk, data_set, period),
                count=counted.missing,
                detail=_("%(reported)s of %(expected)s sent; due by %(time)s")
                % {
                    "reported": counted.reported,
                    "expected": counted.expected,
                    "time": short_moment(deadline(data_set, period)),
                },
                late=bool(counted.missing) and timezone.now() >= deadline(data_set, period),
                done=not counted.missing,
                named=named,
            )
        )
    if scope.allows(Capability.APPROVE_REPORTS, place):
        waiting = len(selectors.awaiting_review(scope, data_set, place, period))
        if waiting:
            found.append(
                Due(_("Reports waiting for your review"), place_url(place.pk, data_set, period), waiting)
            )
    return found


def work_for(scope: Scope, today: date) -> list[Due]:
    found: list[Due] = []
    for place in scope.own_places:
        if not scope.allows(Capability.VIEW_REPORTS, place):
            continue
        for data_set in selectors.data_sets(place):
            if place.level == data_set.level:
                if scope.allows(Capability.SUBMIT_REPORTS, place):
                    found += _own_report(scope, data_set, place)
            elif data_set.reported_under(place) is not None:
                found += _places_below(scope, data_set, place)
    return found


def place_links(scope: Scope, place: OrgUnit) -> list[Link]:
    if not scope.allows(Capability.VIEW_REPORTS, place) or not selectors.data_sets(place).exists():
        return []
    return [Link(_("Daily report"), reverse("reporting:place", args=[place.pk]), primary=True)]


def audit_labels() -> dict[str, str]:
    """The audit log names a report's figures by their fields (core/audit_words)."""
    return {field.code: field.name for field in DataField.objects.all()}
