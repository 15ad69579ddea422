"""Reads of daily reporting, scope first."""

from dataclasses import dataclass
from datetime import date

from qunfang.core.access import Scope
from qunfang.core.models import OrgUnit
from qunfang.core.roles import Capability
from qunfang.reporting.models import DataSet, Report


@dataclass
class Completeness:
    on_time: list[Report]
    late: list[Report]
    missing: list[OrgUnit]

    @property
    def expected(self) -> int:
        return len(self.on_time) + len(self.late) + len(self.missing)

    @property
    def rate(self) -> float:
        """The share that reported at all (zero reports count: they are reports)."""
        return (len(self.on_time) + len(self.late)) / self.expected if self.expected else 1.0


def completeness(scope: Scope, data_set: DataSet, place: OrgUnit, period_start: date) -> Completeness:
    """Which of the places under `place` that report the data set reported the period: on time, late,
    or not at all."""
    reporting = list(
        OrgUnit.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(path__startswith=place.path, level=data_set.level)
        .order_by("path")
    )
    reports = {
        report.place_id: report
        for report in Report.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(
            data_set=data_set, period_start=period_start, place__path__startswith=place.path
        )
    }
    found = [reports[p.pk] for p in reporting if p.pk in reports]
    return Completeness(
        on_time=[r for r in found if not r.late],
        late=[r for r in found if r.late],
        missing=[p for p in reporting if p.pk not in reports],
    )
