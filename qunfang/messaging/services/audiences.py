"""Who a campaign reaches: each audience a query, its message column and its place; the preview;
the list frozen into one message row each, in one statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.access import under
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import writes_nothing
from qunfang.lib.tallies import table
from qunfang.messaging.models import Campaign, Channel, Message, MessageState, Template
from qunfang.messaging.services.templates import Length, sms_length
from qunfang.mobilization.models import Team, Volunteer, VolunteerStatus
from qunfang.registry.models import Status, Veteran

# --- audiences and campaigns ---------------------------------------------------------------------------


@writes_nothing
def audience(place: OrgUnit, filters: dict[str, Any], channel: str = Channel.SMS) -> QuerySet:
    """Who a campaign of `place` reaches with these filters, by their kind (see the Campaign's
    audience): veterans, the volunteers of a team, or the stations that have not sent a day's report."""
    kind = filters.get("kind") or "veterans"
    return AUDIENCES[kind].find(place, filters, channel)


def _veterans(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[Veteran]:
    """Veterans living here, with a mobile, not opted out of messages; in the chosen places under it (or
    all of it), of the category, with the tag."""
    found = Veteran.objects.filter(under(place), status=Status.ACTIVE, phone__isnull=False, sms_opt_out=False)
    chosen = OrgUnit.objects.under(place).filter(pk__in=filters.get("places") or [])
    if filters.get("places"):
        paths = list(chosen.values_list("path", flat=True))
        if not paths:
            return found.none()
        within = Q()
        for path in paths:
            within |= under(path)
        found = found.filter(within)
    if filters.get("category"):
        found = found.filter(category=filters["category"])
    if filters.get("tag"):
        found = found.filter(tags__name=filters["tag"])
    return found


def _team_volunteers(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[Volunteer]:
    """The active members of a team of this place or below (a veteran among them who opted out of
    messages is left out)."""
    team = Team.objects.filter(under(place), pk=filters.get("team") or 0).first()
    if team is None:
        return Volunteer.objects.none()
    return team.members.filter(status=VolunteerStatus.ACTIVE).exclude(veteran__sms_opt_out=True)


def _stations_not_reported(place: OrgUnit, filters: dict[str, Any], channel: str) -> QuerySet[OrgUnit]:
    """The places under this one that owe the data set's report for the day and have not sent it (with
    a phone, for the channels that dial one)."""
    from qunfang.reporting.models import DataSet, Report

    data_set = DataSet.objects.filter(pk=filters.get("data_set") or 0, active=True).first()
    under = data_set.reported_under(place) if data_set else None
    if under is None:
        return OrgUnit.objects.none()
    period = data_set.period_of(_day(filters.get("day")))
    found = (
        OrgUnit.objects.under(under)
        .filter(level=data_set.level)
        .exclude(pk__in=Report.objects.filter(data_set=data_set, period_start=period).values("place_id"))
    )
    if channel in (Channel.SMS, Channel.PHONE, Channel.WECOM):
        found = found.exclude(phone="")
    return found


def _day(text: str | None):
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@dataclass(frozen=True)
class Audience:
    find: Callable[[OrgUnit, dict, str], QuerySet]
    column: str  # the message's column that names the recipient
    model_place: str  # the recipient's column that names its place ("id" for a station: itself)


AUDIENCES = {
    "veterans": Audience(_veterans, "veteran_id", "place_id"),
    "team": Audience(_team_volunteers, "volunteer_id", "place_id"),
    "not_reported": Audience(_stations_not_reported, "station_id", "id"),
}


@writes_nothing
def render(body: str, recipient) -> str:
    """The text one recipient (a veteran, a volunteer or a station) gets."""
    place = recipient if isinstance(recipient, OrgUnit) else recipient.place
    return body.replace("{name}", recipient.name).replace("{place}", place.name)


@dataclass(frozen=True)
class Preview:
    count: int
    sample: str
    length: Length


@writes_nothing
def preview(place: OrgUnit, filters: dict[str, Any], template: Template) -> Preview:
    """How many the campaign would reach, and the text the first of them would get."""
    recipients = audience(place, filters, template.channel)
    first = recipients.order_by("pk").first()
    return Preview(
        recipients.count(), render(template.body, first) if first else "", sms_length(template.body)
    )


def _freeze(campaign: Campaign, filters: dict[str, Any]) -> int:
    """INSERT … SELECT: the message rows made in the database from the audience's query, the text
    filled in with each recipient's name and place by REPLACE (both PostgreSQL and SQLite have it)."""
    kind = AUDIENCES[filters.get("kind") or "veterans"]
    recipients = kind.find(campaign.place, filters, campaign.template.channel)
    ids_sql, ids_params = recipients.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(Message)} (campaign_id, {kind.column}, text, state,"
            " provider_id, error, attempts, claimed_by, outcome, note)"
            " SELECT %s, r.id, REPLACE(REPLACE(%s, '{name}', r.name), '{place}', p.name), %s,"
            " '', '', 0, '', '', ''"
            f" FROM {table(recipients.model)} r JOIN {table(OrgUnit)} p ON p.id = r.{kind.model_place}"
            f" WHERE r.id IN ({ids_sql})",
            [campaign.pk, campaign.template.body, MessageState.QUEUED, *ids_params],
        )
        return cursor.rowcount


# --- phone calls ---------------------------------------------------------------------------------------


def _check_audience_ids(place: OrgUnit, filters: dict[str, Any]) -> None:
    """Every id the audience names is of this place (or below) and exists: refused, never dropped."""
    from qunfang.reporting.models import DataSet

    places = filters.get("places") or []
    if len(set(places)) != OrgUnit.objects.under(place).filter(pk__in=places).count():
        raise ValidationError({"audience": _("Choose places of this place's own.")})
    if (
        filters.get("kind") == "team"
        and not Team.objects.filter(under(place), pk=filters.get("team") or 0).exists()
    ):
        raise ValidationError({"audience": _("Choose a team of this place's own.")})
    if filters.get("kind") == "not_reported":
        data_set = DataSet.objects.filter(pk=filters.get("data_set") or 0, active=True).first()
        if data_set is None or data_set.reported_under(place) is None:
            raise ValidationError({"audience": _("Choose a report this place's stations send.")})
    callers = set(filters.get("callers") or [])
    if callers and len(callers) != len(_callers(place, list(callers))):
        raise ValidationError(
            {"callers": _("Choose who makes the calls: staff or grid workers of this place.")}
        )


def _callers(place: OrgUnit, ids: list[int] | None) -> list[User]:
    """The staff or grid workers of the place or below who make a phone campaign's calls."""
    callers = list(
        User.objects.filter(under(place, via="memberships__place"), pk__in=ids or [], is_active=True)
        .distinct()
        .order_by("pk")
    )
    if not callers:
        raise ValidationError(
            {"callers": _("Choose who makes the calls: staff or grid workers of this place.")}
        )
    return callers
