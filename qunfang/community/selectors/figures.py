"""The community's figures of a place and period: its register as it stands (a state of now, told per
community that keeps one, never as the district's), and the merchants visited in the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from qunfang.community.models import (
    Building,
    Household,
    Merchant,
    MerchantVisit,
    NoticeDelivery,
    Resident,
    ResidentStatus,
)
from qunfang.core.access import Scope
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import counted


@dataclass
class CommunityFigures:
    registers: list = counted(
        _(
            "Per community that keeps a register of its residents, here or below, as it stands today: "
            "buildings, households, residents (moved out left out)."
        ),
        default=[],
        running=True,
    )
    merchants_visited_in_period: int = counted(
        _("Distinct merchants visited on a day in the period (a merchant visited twice is one).")
    )
    merchant_visits_in_period: int = counted(_("Visits to merchants on days in the period."))
    merchants_open_visited_in_period: int = counted(_("Of the merchants visited, those last found open."))
    notices_delivered_in_period: int = counted(
        _("Merchants given the notice letter (and the staff registration book) on a day in the period.")
    )
    merchants_registered: int = counted(_("Merchants on the register now, visited or not."), running=True)


def figures_for(scope: Scope, place: OrgUnit, start: date, end: date) -> CommunityFigures:
    found = CommunityFigures()
    if not scope.allows(Capability.VIEW_COMMUNITY, place):
        return found
    # The register's rows counted per place they sit in (grids, or the community itself) ...
    per_place = []
    for model, name in ((Building, "buildings"), (Household, "households"), (Resident, "residents")):
        rows = model.objects.under(place)
        if model is Resident:
            rows = rows.exclude(status=ResidentStatus.MOVED_OUT)
        per_place += [
            (row["place__path"], name, row["n"]) for row in rows.values("place__path").annotate(n=Count("pk"))
        ]
    # ... and each place's community found: the deepest place on its path at the village level or above
    # (a grid's rows count for its community).
    ids = {int(i) for path, _name, _n in per_place for i in path.strip("/").split("/")}
    places = OrgUnit.objects.in_bulk(ids)
    counts: dict[int, dict] = {}
    for path, name, n in per_place:
        chain = [places[int(i)] for i in path.strip("/").split("/")]
        community = next(
            (p for p in reversed(chain) if LEVEL_RANK[p.level] <= LEVEL_RANK[Level.VILLAGE]), chain[-1]
        )
        line = counts.setdefault(
            community.pk,
            {"community": community.name, "community_id": community.pk, "buildings": 0, "households": 0,
             "residents": 0},
        )  # fmt: skip
        line[name] += n
    found.registers = sorted(counts.values(), key=lambda r: r["community"])
    visits = MerchantVisit.objects.under(place).filter(day__range=(start, end))
    found.merchant_visits_in_period = visits.count()
    found.merchants_visited_in_period = visits.values("merchant").distinct().count()
    found.merchants_open_visited_in_period = Merchant.objects.filter(
        pk__in=visits.values("merchant"), is_open=True
    ).count()
    found.notices_delivered_in_period = (
        NoticeDelivery.objects.under(place)
        .filter(day__range=(start, end))
        .values("merchant")
        .distinct()
        .count()
    )
    found.merchants_registered = Merchant.objects.under(place).count()
    return found
