"""Reads of a community's merchants, scope first: the register with who is open, visited and given the
notice, and the lists of those still to visit or still without the notice."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from qunfang.community.models import Merchant, MerchantStaff, MerchantVisit, NoticeDelivery, StaffHealthCheck
from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability

LISTS = ("open", "not_visited", "no_notice", "open_no_notice")


def merchants(scope: Scope, place: OrgUnit, which: str = "", search: str = "") -> QuerySet[Merchant]:
    found = (
        Merchant.objects.visible_to(scope, Capability.VIEW_COMMUNITY)
        .under(place)
        .annotate(
            visited=Exists(MerchantVisit.objects.filter(merchant=OuterRef("pk"))),
            noticed=Exists(NoticeDelivery.objects.filter(merchant=OuterRef("pk"))),
            last_visit=Max("visits__day"),
            staff_count=Count("staff", distinct=True),
        )
        .order_by("name")
    )
    if search.strip():
        found = found.filter(Q(name__icontains=search.strip()) | Q(address__icontains=search.strip()))
    if which == "open":
        return found.filter(is_open=True)
    if which == "not_visited":
        return found.filter(visited=False)
    if which == "no_notice":
        return found.filter(noticed=False)
    if which == "open_no_notice":
        return found.filter(is_open=True, noticed=False)
    return found


def counts(scope: Scope, place: OrgUnit) -> dict[str, int]:
    found = merchants(scope, place)
    counted = {
        "all": found.count(),
        "open": found.filter(is_open=True).count(),
        "visited": found.filter(visited=True).count(),
        "noticed": found.filter(noticed=True).count(),
        "open_no_notice": found.filter(is_open=True, noticed=False).count(),
    }
    return {
        **counted,
        "not_visited": counted["all"] - counted["visited"],
        "no_notice": counted["all"] - counted["noticed"],
    }


def staff_with_checks(merchant: Merchant, days: list) -> list[dict]:
    """The merchant's staff, each with their checks on `days` (None where missing)."""
    checks = {
        (c.staff_id, c.day): c
        for c in StaffHealthCheck.objects.filter(staff__merchant=merchant, day__in=days)
    }
    return [
        {"staff": person, "checks": [checks.get((person.pk, day)) for day in days]}
        for person in MerchantStaff.objects.filter(merchant=merchant).order_by("name")
    ]
