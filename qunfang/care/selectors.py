"""Reads of everyday care, scope first: a station's calls and visits due this week (overdue first), what
has gone up overdue to a town or a district, the rules over a place, a person's file (categories,
timeline, dues, contacts), a festival round's progress by station, and the figures of a place and
period, read from the kept counts (never summed from the contacts or dues on a page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from qunfang.care.models import (
    CareCategory,
    CareRule,
    CategoryAssignment,
    Contact,
    ContactDue,
    ContactKind,
    ContactTotal,
    DueTotal,
    LifeEvent,
    Round,
)
from qunfang.care.roles import VIEW_CARE
from qunfang.core.access import Scope
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.lib.figures import counted

WEEK = 7


def due_this_week(scope: Scope, place: OrgUnit, today: date) -> QuerySet[ContactDue]:
    """The calls and visits due at the place by the week's end, the most overdue first (an index range
    on the place and day: the person's history is not read)."""
    found = ContactDue.objects.visible_to(scope, VIEW_CARE)
    found = found.filter(place=place) if place.level == Level.VILLAGE else found.under(place)
    return (
        found.filter(due__lt=today + timedelta(days=WEEK))
        .defer("veteran__id_number")  # not on the list: no row pays to decrypt it
        .select_related("veteran", "rule", "round", "place")
        .order_by("due", "pk")
    )


def gone_up(scope: Scope, place: OrgUnit, today: date) -> QuerySet[ContactDue]:
    """The overdue dues under a town (past the rule's days for the town) or a district and above (past
    its days for the district), the oldest first."""
    found = ContactDue.objects.visible_to(scope, VIEW_CARE).under(place)
    if LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]:
        found = found.filter(district_on__lte=today)
    else:
        found = found.filter(town_on__lte=today)
    return found.select_related("veteran", "rule", "round", "place", "place__parent").order_by("due", "pk")


def overdue_by_child(place: OrgUnit, today: date) -> list[dict]:
    """Each child place's overdue calls and visits now, from the kept counts: a few rows a child."""
    rows = (
        DueTotal.objects.filter(place__parent=place, day__lt=today)
        .values("place", "kind")
        .annotate(dues=Sum("dues"))
        .filter(dues__gt=0)
    )
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.setdefault(row["place"], {"calls": 0, "visits": 0})
        entry["calls" if row["kind"] == ContactKind.CALL else "visits"] += row["dues"]
    places = OrgUnit.objects.in_bulk(list(found))
    return sorted(
        (
            {"place": places[pk], **counts, "total": counts["calls"] + counts["visits"]}
            for pk, counts in found.items()
        ),
        key=lambda entry: (-entry["total"], entry["place"].name),
    )


def categories_for(place: OrgUnit) -> QuerySet[CareCategory]:
    """The national categories and those of the bureaus over the place (theirs and above)."""
    return CareCategory.objects.filter(Q(place=None) | Q(place_id__in=[*place.ancestor_ids, place.pk]))


def rules_over(scope: Scope, place: OrgUnit) -> QuerySet[CareRule]:
    """The rules in force at the place: made there or above, those the scope may see."""
    return (
        CareRule.objects.filter(place_id__in=[*place.ancestor_ids, place.pk])
        .select_related("place")
        .prefetch_related("categories", "tags")
        .annotate(open=Count("dues"))
        .order_by("place__path", "name", "pk")
    )


def rounds(scope: Scope, place: OrgUnit) -> QuerySet[Round]:
    return Round.objects.filter(place_id__in=[*place.ancestor_ids, place.pk]).select_related(
        "place", "gift_item"
    )


def round_progress(round_: Round, place: OrgUnit) -> list[dict]:
    """The round's visits done and left, by the station of the person, under `place`."""
    left = dict(
        ContactDue.objects.filter(round=round_)
        .under(place)
        .values("place")
        .annotate(n=Count("pk"))
        .values_list("place", "n")
    )
    done = dict(
        Contact.objects.filter(round=round_)
        .under(place)
        .values("place")
        .annotate(n=Count("pk"))
        .values_list("place", "n")
    )
    places = OrgUnit.objects.in_bulk(set(left) | set(done))
    return sorted(
        ({"place": places[pk], "done": done.get(pk, 0), "left": left.get(pk, 0)} for pk in places),
        key=lambda row: (-row["left"], row["place"].path),
    )


def person_file(veteran) -> dict:
    """The care part of a person's file: categories, timeline, what is due, contacts done."""
    return {
        "categories": [
            a.category for a in CategoryAssignment.objects.filter(veteran=veteran).select_related("category")
        ],
        "events": list(LifeEvent.objects.filter(veteran=veteran).order_by("-day", "-pk")[:50]),
        "dues": list(
            ContactDue.objects.filter(veteran=veteran).select_related("rule", "round").order_by("due")
        ),
        "contacts": list(
            Contact.objects.filter(veteran=veteran)
            .select_related("gift_move__item", "by", "round")
            .order_by("-day", "-pk")[:50]
        ),
    }


def contacts(scope: Scope, place: OrgUnit) -> QuerySet[Contact]:
    return (
        Contact.objects.visible_to(scope, VIEW_CARE)
        .under(place)
        .select_related("veteran", "gift_move__item", "place")
        .order_by("-day", "-pk")
    )


# --- the figures of a place and period ------------------------------------------------------------------


@dataclass
class CareFigures:
    calls_done: int = counted(_("Phone calls to people here or below, dated in the period."))
    visits_done: int = counted(_("Home visits to people here or below, dated in the period."))
    done_on_time: int = counted(
        _("Of those calls and visits, the ones that met a due call or visit on or before its day.")
    )
    done_late: int = counted(
        _("Of those calls and visits, the ones that met a due call or visit after its day.")
    )
    calls_due: int = counted(_("Calls falling due in the period and not yet made, here or below."))
    visits_due: int = counted(_("Home visits falling due in the period and not yet made, here or below."))
    calls_overdue: int = counted(
        _("Calls not yet made whose day is before the period's end (as the dues stand now)."), running=True
    )
    visits_overdue: int = counted(
        _("Home visits not yet made whose day is before the period's end (as the dues stand now)."),
        running=True,
    )


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> CareFigures:
    """From the kept counts of the place (its own row of each day: one index range)."""
    if not scope.allows(VIEW_CARE, place):
        return CareFigures()
    return care_figures(place, start, end)


def care_figures(place: OrgUnit, start: date, end: date) -> CareFigures:
    found = CareFigures()
    done = (
        ContactTotal.objects.filter(place=place, day__range=(start, end))
        .values("kind")
        .annotate(done=Sum("done"), met=Sum("met"), on_time=Sum("on_time"))
    )
    for row in done:
        if row["kind"] == ContactKind.CALL:
            found.calls_done = row["done"]
        else:
            found.visits_done = row["done"]
        found.done_on_time += row["on_time"]
        found.done_late += row["met"] - row["on_time"]
    due = DueTotal.objects.filter(place=place, day__range=(start, end)).values("kind").annotate(n=Sum("dues"))
    overdue = DueTotal.objects.filter(place=place, day__lt=end).values("kind").annotate(n=Sum("dues"))
    for row in due:
        setattr(found, "calls_due" if row["kind"] == ContactKind.CALL else "visits_due", row["n"] or 0)
    for row in overdue:
        setattr(
            found, "calls_overdue" if row["kind"] == ContactKind.CALL else "visits_overdue", row["n"] or 0
        )
    return found


def people_for(place: OrgUnit, *, categories=(), tags=(), older_than: int | None = None, today: date):
    """The active people under the place of any of the categories and tags, older than the age."""
    from qunfang.registry.models import Status, Veteran

    found = Veteran.objects.under(place).filter(status=Status.ACTIVE).select_related("place")
    if categories:
        found = found.filter(care_categories__category__in=list(categories))
    if tags:
        found = found.filter(tags__in=list(tags))
    if older_than:
        found = found.filter(birth_date__lte=date(today.year - older_than, today.month, min(today.day, 28)))
    return found.distinct().order_by("pk")


def stock_items(place: OrgUnit):
    """The goods on hand at the place, for a visit's gift."""
    from qunfang.donations.models import Item

    return Item.objects.filter(levels__place=place, levels__on_hand__gt=0).order_by("name")
