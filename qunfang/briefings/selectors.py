"""The figures of a place and period, composed from the blocks each app owns (lib/figures: each app's
selectors.figures_for, checked against the reader's scope): what the dashboard shows, the API answers
and a briefing quotes. Briefings read no other app's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qunfang.briefings.models import Briefing, Notice
from qunfang.core.access import Scope
from qunfang.core.models import LEVEL_RANK, Level, OrgUnit
from qunfang.core.roles import Capability
from qunfang.lib.figures import as_json, definitions, figures_of_apps


@dataclass
class Figures:
    """A place's figures for a period: each app's own block (its figures dataclass), by app label."""

    place: str
    place_id: int
    start: date
    end: date
    bureau: bool  # a district or above writes as the bureau (我局), a town or village as its station
    blocks: dict = field(default_factory=dict)

    @classmethod
    def of(cls, place: OrgUnit, start: date, end: date) -> Figures:
        """The figures of the place and period, before any app's block is in."""
        bureau = LEVEL_RANK[place.level] <= LEVEL_RANK[Level.DISTRICT]
        return cls(place=place.name, place_id=place.pk, start=start, end=end, bureau=bureau)

    def __getattr__(self, name: str):
        # found.donations, found.messaging ...: an app's block; None when the app is not installed.
        if name.startswith("__") or name == "blocks":
            raise AttributeError(name)
        return self.blocks.get(name)

    def as_json(self) -> dict:
        return {
            "place": self.place,
            "place_id": self.place_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "bureau": self.bureau,
            **{label: as_json(block) for label, block in self.blocks.items()},
        }

    def definitions(self) -> dict:
        """What each figure counts, by app and figure: the legend the dashboard and the API show."""
        return {label: definitions(block) for label, block in self.blocks.items()}


def yuan_text(amount) -> str:
    """Yuan as the reports write them: 161796, 11796.5."""
    text = f"{Decimal(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figures(scope: Scope, place: OrgUnit, start: date, end: date) -> Figures:
    """Every app's figures of the place and period as `scope` may see them (an app answers empty
    figures for what the scope may not see)."""
    found = Figures.of(place, start, end)
    for source in figures_of_apps():
        found.blocks[source.app] = source.read(scope, place, start, end)
    return found


# --- briefings and notices -----------------------------------------------------------------------------


def briefings(scope: Scope, place: OrgUnit):
    return Briefing.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(place=place)


def submitted_from_below(scope: Scope, place: OrgUnit):
    """What the places one level down sent up: the level above sees each child's briefings."""
    return (
        Briefing.objects.visible_to(scope, Capability.VIEW_ACTIVITIES)
        .filter(place__parent=place, submitted_at__isnull=False)
        .select_related("place")
        .order_by("-submitted_at")
    )


def notices(scope: Scope, place: OrgUnit):
    return Notice.objects.visible_to(scope, Capability.VIEW_ACTIVITIES).filter(place=place)


def published(place: OrgUnit) -> tuple:
    """What anyone may read on the place's public page."""
    return (
        Notice.objects.filter(place=place, published_at__isnull=False).order_by("-published_at"),
        Briefing.objects.filter(place=place, published_at__isnull=False).order_by("-published_at"),
    )
